package dev.lethe.verify;

/**
 * Computes Merkle tree heads of a growing list of leaf hashes in one linear pass.
 *
 * <p>It keeps the roots of the perfect subtrees that make up the current tree (one per set bit of
 * the size, largest on the left), so appending costs amortised O(1) hashes and the root of the
 * current size costs O(log n). That lets the verifier get the root for every checkpoint size while
 * streaming a million leaves once, instead of re-hashing the prefix for each checkpoint.
 */
public final class RootAccumulator {

  private final MerkleHasher hasher;
  // Index 0 holds the largest (leftmost) subtree; at most 64 because the size is a long.
  private final byte[][] subtrees = new byte[Long.SIZE][];
  private int depth;
  private long size;

  /** Creates an accumulator for the empty tree. */
  public RootAccumulator(MerkleHasher hasher) {
    this.hasher = hasher;
  }

  /** Number of leaf hashes appended so far. */
  public long size() {
    return size;
  }

  /** Appends the next leaf hash (already SHA-256(0x00 || leaf)). */
  public void append(byte[] leafHash) {
    byte[] carry = leafHash;
    // Each trailing one bit of the old size is a perfect subtree of the same height as the carry:
    // merging them is exactly the binary increment of the size.
    for (long bits = size; (bits & 1) == 1; bits >>>= 1) {
      carry = hasher.node(subtrees[--depth], carry);
    }
    subtrees[depth++] = carry;
    size++;
  }

  /**
   * MTH of the leaves appended so far. Folding right to left reproduces RFC 9162's split at the
   * largest power of two below n, because the subtrees are exactly those power-of-two blocks.
   */
  public byte[] root() {
    if (depth == 0) {
      return hasher.emptyRoot();
    }
    byte[] root = subtrees[depth - 1];
    for (int i = depth - 2; i >= 0; i--) {
      root = hasher.node(subtrees[i], root);
    }
    return root;
  }
}
