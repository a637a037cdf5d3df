package dev.lethe.verify;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The RFC 9162 section 2.1.1 hash functions over SHA-256.
 *
 * <p>The 0x00 / 0x01 prefixes separate the leaf and interior-node domains, so a leaf can never be
 * passed off as an interior node (second-preimage protection). An instance keeps one
 * {@link MessageDigest} and is therefore not thread-safe; create one per thread.
 */
public final class MerkleHasher {

  /** Size in bytes of every hash in the tree. */
  public static final int HASH_SIZE = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private final MessageDigest sha256;

  /** Creates a hasher backed by the JDK's SHA-256. */
  public MerkleHasher() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE platform is required to provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** MTH({}) = SHA-256(""): the root of the empty tree. */
  public byte[] emptyRoot() {
    sha256.reset();
    return sha256.digest();
  }

  /** SHA-256(0x00 || leaf). */
  public byte[] leaf(byte[] leaf) {
    return leaf(leaf, 0, leaf.length);
  }

  /** SHA-256(0x00 || leaf[offset, offset + length)). */
  public byte[] leaf(byte[] buffer, int offset, int length) {
    sha256.reset();
    sha256.update(LEAF_PREFIX);
    sha256.update(buffer, offset, length);
    return sha256.digest();
  }

  /** SHA-256(0x01 || left || right). */
  public byte[] node(byte[] left, byte[] right) {
    sha256.reset();
    sha256.update(NODE_PREFIX);
    sha256.update(left);
    sha256.update(right);
    return sha256.digest();
  }
}
