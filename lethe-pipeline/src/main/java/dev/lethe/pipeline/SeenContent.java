package dev.lethe.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The content ids an engine has read so far, for telling the first record of an id from later
 * copies: each id as 64 bits of its SHA-256 in an open-addressing table of longs, about 16 bytes
 * per id, so ten million records need some 160 MB rather than the gigabyte their strings would.
 * Two ids that share those 64 bits (odds about 1 in 10^7 for ten million ids) make the later
 * record count as a copy: it is excluded, never wrongly included. Not thread-safe.
 */
final class SeenContent {
  private long[] keys = new long[1 << 12];
  private boolean zeroSeen;
  private int size;

  /** Adds {@code content}; returns false if an id with the same key was added before. */
  boolean add(String content) {
    long key = key(content);
    if (key == 0) {
      boolean first = !zeroSeen;
      zeroSeen = true;
      return first;
    }
    int mask = keys.length - 1;
    int i = (int) (key ^ (key >>> 32)) * 0x9E3779B9 & mask;
    while (keys[i] != 0) {
      if (keys[i] == key) {
        return false;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    if (++size * 2 > keys.length) {
      grow();
    }
    return true;
  }

  private void grow() {
    long[] old = keys;
    keys = new long[old.length * 2];
    int mask = keys.length - 1;
    for (long key : old) {
      if (key != 0) {
        int i = (int) (key ^ (key >>> 32)) * 0x9E3779B9 & mask;
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = key;
      }
    }
  }

  private static long key(String content) {
    MessageDigest sha = Hashing.sha256();
    byte[] d = sha.digest(content.getBytes(StandardCharsets.UTF_8));
    long k = 0;
    for (byte b : Arrays.copyOf(d, 8)) {
      k = (k << 8) | (b & 0xFF);
    }
    return k;
  }
}
