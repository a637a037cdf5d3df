package dev.lethe.store.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The right edge of an append-only Merkle tree: for a tree of n leaves, the hash of each complete
 * subtree in the binary decomposition of n. That is all it takes to append a leaf (and learn the
 * complete subtrees it closes) and to compute the root, so a log need not reread its leaves.
 *
 * <p>Mutable and not thread-safe; the store confines each instance to the writer holding its lock.
 */
public final class Frontier {

  private long size;
  private final byte[][] levels = new byte[64][];

  /** A complete subtree closed by an append. */
  public record Node(int level, long index, byte[] hash) {}

  /** The frontier of an empty tree. */
  public Frontier() {}

  /**
   * The frontier of the first {@code size} leaves of a source, from O(log n) subtree look-ups.
   *
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public static Frontier load(Merkle.Subtrees source, long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative tree size " + size);
    }
    Frontier f = new Frontier();
    f.size = size;
    for (int level = 0; level < 63; level++) {
      if ((size >>> level & 1) == 1) {
        f.levels[level] = source.hash(level, (size >>> level) - 1);
      }
    }
    return f;
  }

  /** Number of leaves. */
  public long size() {
    return size;
  }

  /**
   * Appends a leaf hash.
   *
   * @return the complete subtrees of level ≥ 1 that this leaf closes, lowest first
   */
  public List<Node> append(byte[] leafHash) {
    List<Node> closed = new ArrayList<>(2);
    byte[] h = leafHash;
    int level = 0;
    long index = size;
    while ((index & 1) == 1) {
      h = Merkle.nodeHash(levels[level], h);
      levels[level] = null;
      level++;
      index >>>= 1;
      closed.add(new Node(level, index, h));
    }
    levels[level] = h;
    size++;
    return closed;
  }

  /** The root hash of the tree so far ({@link Merkle#emptyRoot()} when empty). */
  public byte[] root() {
    byte[] acc = null;
    for (byte[] h : levels) {
      if (h != null) {
        acc = acc == null ? h : Merkle.nodeHash(h, acc);
      }
    }
    return acc == null ? Merkle.emptyRoot() : acc;
  }

  /** An independent copy, so a writer can roll back by dropping it. */
  public Frontier copy() {
    Frontier f = new Frontier();
    f.size = size;
    for (int i = 0; i < levels.length; i++) {
      f.levels[i] = levels[i] == null ? null : Arrays.copyOf(levels[i], levels[i].length);
    }
    return f;
  }
}
