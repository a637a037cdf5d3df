package dev.lethe.redact;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA-256 (RFC 2104) of short messages under one key, with the key's two padded blocks
 * hashed once, at construction: {@code javax.crypto.Mac} hashes the inner pad again for every
 * message, so a pseudonym of a name (one block of its own) costs four SHA-256 compressions there
 * and two here. The result is the same bytes as {@code Mac.getInstance("HmacSHA256")} with the
 * same key ({@code KeyedHashTest} holds them equal).
 *
 * <p>Not thread-safe: one instance per thread. It holds the key's padded states, so it is as
 * secret as the key.
 */
final class KeyedHash {
  private static final int BLOCK = 64;

  /** SHA-256 after the inner (outer) padded key block; never updated, only copied. */
  private final MessageDigest innerStart;
  private final MessageDigest outerStart;

  /**
   * @throws IllegalStateException if the runtime has no SHA-256 or its digests cannot be copied
   */
  KeyedHash(byte[] key) {
    MessageDigest sha = sha256();
    byte[] k = key.length > BLOCK ? sha.digest(key) : key;
    byte[] ipad = new byte[BLOCK];
    byte[] opad = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      ipad[i] = (byte) (b ^ 0x36);
      opad[i] = (byte) (b ^ 0x5c);
    }
    innerStart = sha256();
    innerStart.update(ipad);
    outerStart = sha256();
    outerStart.update(opad);
    Arrays.fill(ipad, (byte) 0);
    Arrays.fill(opad, (byte) 0);
    copy(innerStart); // fail at construction, not on the first record, if copies are refused
  }

  /** The MAC of {@code first} followed by {@code second}. */
  byte[] mac(byte[] first, byte[] second) {
    MessageDigest inner = copy(innerStart);
    inner.update(first);
    inner.update(second);
    MessageDigest outer = copy(outerStart);
    outer.update(inner.digest());
    return outer.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static MessageDigest copy(MessageDigest d) {
    try {
      return (MessageDigest) d.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the SHA-256 provider " + d.getProvider() + " cannot copy a digest", e);
    }
  }
}
