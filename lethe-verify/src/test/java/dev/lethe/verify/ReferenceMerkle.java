package dev.lethe.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * Test-only, deliberately naive transcription of RFC 9162 section 2.1 (recursive MTH, PATH and
 * SUBPROOF), used to write bundles and to cross-check the streaming code in src/main.
 */
final class ReferenceMerkle {

  private final MerkleHasher hasher = new MerkleHasher();
  private final List<byte[]> leafHashes;

  ReferenceMerkle(List<byte[]> leafHashes) {
    this.leafHashes = leafHashes;
  }

  static ReferenceMerkle ofLeaves(List<byte[]> leaves) {
    MerkleHasher hasher = new MerkleHasher();
    List<byte[]> hashes = new ArrayList<>();
    for (byte[] leaf : leaves) {
      hashes.add(hasher.leaf(leaf));
    }
    return new ReferenceMerkle(hashes);
  }

  /** MTH(D[from:to]). */
  byte[] root(int from, int to) {
    int n = to - from;
    if (n == 0) {
      return hasher.emptyRoot();
    }
    if (n == 1) {
      return leafHashes.get(from);
    }
    int k = largestPowerOfTwoBelow(n);
    return hasher.node(root(from, from + k), root(from + k, to));
  }

  byte[] root(int size) {
    return root(0, size);
  }

  /** PATH(m, D[0:n]): the inclusion proof of leaf m in the tree of size n. */
  List<byte[]> inclusion(int m, int n) {
    return path(m, 0, n);
  }

  private List<byte[]> path(int m, int from, int to) {
    int n = to - from;
    List<byte[]> proof = new ArrayList<>();
    if (n <= 1) {
      return proof;
    }
    int k = largestPowerOfTwoBelow(n);
    if (m < k) {
      proof.addAll(path(m, from, from + k));
      proof.add(root(from + k, to));
    } else {
      proof.addAll(path(m - k, from + k, to));
      proof.add(root(from, from + k));
    }
    return proof;
  }

  /** PROOF(m, D[0:n]): the consistency proof from size m to size n. */
  List<byte[]> consistency(int m, int n) {
    if (m == 0 || m == n) {
      return new ArrayList<>();
    }
    return subproof(m, 0, n, true);
  }

  private List<byte[]> subproof(int m, int from, int to, boolean b) {
    int n = to - from;
    List<byte[]> proof = new ArrayList<>();
    if (m == n) {
      if (!b) {
        proof.add(root(from, to));
      }
      return proof;
    }
    int k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      proof.addAll(subproof(m, from, from + k, b));
      proof.add(root(from + k, to));
    } else {
      proof.addAll(subproof(m - k, from + k, to, false));
      proof.add(root(from, from + k));
    }
    return proof;
  }

  static int largestPowerOfTwoBelow(int n) {
    return Integer.highestOneBit(n - 1);
  }
}
