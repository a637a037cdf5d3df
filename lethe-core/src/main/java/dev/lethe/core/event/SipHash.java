package dev.lethe.core.event;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012), a keyed 64-bit pseudo-random function fast on short
 * inputs: the digest of an erased member's name is one, and redaction computes one for every
 * stretch of text that could be a name, so an HMAC there would cost tens of microseconds a post.
 * The message is the UTF-16LE bytes of a run of chars. Immutable and thread-safe.
 */
final class SipHash {
  private final long k0;
  private final long k1;

  /** @param key 16 bytes, read as two little-endian 64-bit words */
  SipHash(byte[] key) {
    if (key.length != 16) {
      throw new IllegalArgumentException("a SipHash key has 16 bytes, not " + key.length);
    }
    k0 = littleEndian(key, 0);
    k1 = littleEndian(key, 8);
  }

  private static long littleEndian(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xFFL);
    }
    return v;
  }

  /** SipHash-2-4 of {@code bytes}. */
  long hash(byte[] bytes) {
    State s = new State(k0, k1);
    int n = bytes.length;
    int full = n & ~7;
    for (int i = 0; i < full; i += 8) {
      s.block(littleEndian(bytes, i));
    }
    long last = (long) (n & 0xFF) << 56;
    for (int i = full; i < n; i++) {
      last |= (bytes[i] & 0xFFL) << (8 * (i - full));
    }
    return s.finish(last);
  }

  /** SipHash-2-4 of the UTF-16LE bytes of {@code chars[from, to)}: four chars a block. */
  long hash(char[] chars, int from, int to) {
    State s = new State(k0, k1);
    int n = to - from;
    int full = from + (n & ~3);
    for (int i = from; i < full; i += 4) {
      s.block(chars[i] | (long) chars[i + 1] << 16 | (long) chars[i + 2] << 32 | (long) chars[i + 3] << 48);
    }
    long last = (long) ((2 * n) & 0xFF) << 56;
    for (int i = full; i < to; i++) {
      last |= (long) chars[i] << (16 * (i - full));
    }
    return s.finish(last);
  }

  /** The four state words; a fresh one per message, which escape analysis keeps off the heap. */
  private static final class State {
    long v0;
    long v1;
    long v2;
    long v3;

    State(long k0, long k1) {
      v0 = k0 ^ 0x736f6d6570736575L;
      v1 = k1 ^ 0x646f72616e646f6dL;
      v2 = k0 ^ 0x6c7967656e657261L;
      v3 = k1 ^ 0x7465646279746573L;
    }

    void block(long m) {
      v3 ^= m;
      round();
      round();
      v0 ^= m;
    }

    long finish(long last) {
      block(last);
      v2 ^= 0xff;
      round();
      round();
      round();
      round();
      return v0 ^ v1 ^ v2 ^ v3;
    }

    private void round() {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
  }
}
