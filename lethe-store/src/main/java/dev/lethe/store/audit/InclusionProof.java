package dev.lethe.store.audit;

import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 inclusion proof.
 *
 * @param leafIndex the leaf's 0-based index
 * @param treeSize the size of the tree the proof is for
 * @param leafHash the leaf's hash
 * @param root the root of that tree
 * @param path sibling hashes from the leaf upwards
 */
public record InclusionProof(long leafIndex, long treeSize, byte[] leafHash, byte[] root, List<byte[]> path) {
  public InclusionProof {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(root, "root");
    path = List.copyOf(path);
  }

  /** Whether the proof verifies against its own root. */
  public boolean verifies() {
    return Merkle.verifyInclusion(leafIndex, treeSize, leafHash, path, root);
  }
}
