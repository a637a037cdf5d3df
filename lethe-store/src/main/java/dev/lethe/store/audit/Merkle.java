package dev.lethe.store.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing and proofs over SHA-256.
 *
 * <p>Leaf hash = SHA-256(0x00 ‖ leaf), node hash = SHA-256(0x01 ‖ left ‖ right), the hash of the
 * empty tree is SHA-256 of the empty string. Proofs are generated from a {@link Subtrees} source
 * that returns the hash of any complete, aligned subtree, so a log that stores those hashes
 * answers a proof with O(log² n) look-ups instead of rehashing its leaves. Stateless and
 * thread-safe; no method accepts or returns {@code null}.
 */
public final class Merkle {

  /** Length in bytes of every hash. */
  public static final int HASH_LENGTH = 32;

  private static final byte[] EMPTY_ROOT = sha256().digest();

  private Merkle() {}

  /**
   * The hash of a complete subtree of {@code 2^level} leaves starting at leaf {@code index * 2^level}.
   * Level 0 is the leaf hash.
   */
  @FunctionalInterface
  public interface Subtrees {
    /**
     * @throws IllegalStateException if the source does not hold that subtree
     */
    byte[] hash(int level, long index);
  }

  /** SHA-256 of the empty string: the root of a tree without leaves. */
  public static byte[] emptyRoot() {
    return EMPTY_ROOT.clone();
  }

  /** SHA-256(0x00 ‖ leaf). */
  public static byte[] leafHash(byte[] leaf) {
    MessageDigest md = sha256();
    md.update((byte) 0);
    md.update(leaf);
    return md.digest();
  }

  /** SHA-256(0x01 ‖ left ‖ right). */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = sha256();
    md.update((byte) 1);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** The root of the tree whose leaf hashes are given, computed directly (for tests and small trees). */
  public static byte[] root(List<byte[]> leafHashes) {
    return root(fromLeafHashes(leafHashes), leafHashes.size());
  }

  /** The root of the first {@code size} leaves of a source. */
  public static byte[] root(Subtrees source, long size) {
    checkSize(size);
    return size == 0 ? emptyRoot() : mth(source, 0, size);
  }

  /**
   * The inclusion proof (RFC 9162 §2.1.3.1) of leaf {@code index} in the tree of the first
   * {@code size} leaves: sibling hashes from the leaf upwards.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size}
   */
  public static List<byte[]> inclusionProof(Subtrees source, long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
    }
    List<byte[]> proof = new ArrayList<>();
    path(source, index, 0, size, proof);
    return proof;
  }

  /**
   * The consistency proof (RFC 9162 §2.1.4.1) between the trees of the first {@code size1} and
   * {@code size2} leaves; empty when {@code size1} is 0 or equals {@code size2}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= size1 <= size2}
   */
  public static List<byte[]> consistencyProof(Subtrees source, long size1, long size2) {
    if (size1 < 0 || size1 > size2) {
      throw new IllegalArgumentException("no consistency proof from size " + size1 + " to " + size2);
    }
    List<byte[]> proof = new ArrayList<>();
    if (size1 > 0 && size1 < size2) {
      subproof(source, size1, 0, size2, true, proof);
    }
    return proof;
  }

  /**
   * Verifies an inclusion proof with the algorithm of RFC 9162 §2.1.3.2.
   *
   * @return whether the proof shows the leaf hash at {@code index} in a tree of {@code size} with
   *     the given root
   */
  public static boolean verifyInclusion(
      long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= size || !wellFormed(proof) || leafHash.length != HASH_LENGTH) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * Verifies a consistency proof with the algorithm of RFC 9162 §2.1.4.2. Equal sizes need an
   * empty proof and equal roots; size 0 needs an empty proof and the empty root as {@code root1}.
   * A proof that is not consumed exactly fails.
   */
  public static boolean verifyConsistency(
      long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
    if (size1 < 0 || size1 > size2 || !wellFormed(proof)) {
      return false;
    }
    if (size1 == size2) {
      return proof.isEmpty() && MessageDigest.isEqual(root1, root2);
    }
    if (size1 == 0) {
      return proof.isEmpty() && MessageDigest.isEqual(root1, EMPTY_ROOT);
    }
    if (proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = new ArrayList<>(proof.size() + 1);
    if (Long.bitCount(size1) == 1) {
      path.add(root1);
    }
    path.addAll(proof);
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, root1) && MessageDigest.isEqual(sr, root2);
  }

  /** A subtree source over leaf hashes held in memory; hashes complete subtrees on demand. */
  public static Subtrees fromLeafHashes(List<byte[]> leafHashes) {
    List<byte[]> copy = List.copyOf(leafHashes);
    return new Subtrees() {
      @Override
      public byte[] hash(int level, long index) {
        long width = 1L << level;
        long start = index * width;
        if (start + width > copy.size()) {
          throw new IllegalStateException("no complete subtree at level " + level + " index " + index);
        }
        return level == 0 ? copy.get((int) start) : nodeHash(hash(level - 1, 2 * index), hash(level - 1, 2 * index + 1));
      }
    };
  }

  /** MTH(D[a:b]) for a non-empty range whose complete subtrees are aligned (always so from 0). */
  private static byte[] mth(Subtrees source, long a, long b) {
    long n = b - a;
    if (Long.bitCount(n) == 1 && a % n == 0) {
      return Objects.requireNonNull(source.hash(Long.numberOfTrailingZeros(n), a / n), "subtree hash");
    }
    long k = Long.highestOneBit(n - 1);
    return nodeHash(mth(source, a, a + k), mth(source, a + k, b));
  }

  private static void path(Subtrees source, long m, long a, long b, List<byte[]> out) {
    long n = b - a;
    if (n == 1) {
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m - a < k) {
      path(source, m, a, a + k, out);
      out.add(mth(source, a + k, b));
    } else {
      path(source, m, a + k, b, out);
      out.add(mth(source, a, a + k));
    }
  }

  /** SUBPROOF(m, D[a:b], complete) with m counted from {@code a}. */
  private static void subproof(Subtrees source, long m, long a, long b, boolean complete, List<byte[]> out) {
    long n = b - a;
    if (m == n) {
      if (!complete) {
        out.add(mth(source, a, b));
      }
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(source, m, a, a + k, complete, out);
      out.add(mth(source, a + k, b));
    } else {
      subproof(source, m - k, a + k, b, false, out);
      out.add(mth(source, a, a + k));
    }
  }

  private static boolean wellFormed(List<byte[]> proof) {
    for (byte[] p : proof) {
      if (p == null || p.length != HASH_LENGTH) {
        return false;
      }
    }
    return true;
  }

  private static void checkSize(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative tree size " + size);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  /** Lower-case hex of bytes. */
  public static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      s.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return s.toString();
  }

  static boolean equal(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }
}
