package dev.lethe.pipeline;

/**
 * The content ids an engine has read so far, for telling the first record of an id from later
 * copies: each id as a 64-bit hash ({@link #key}) in an open-addressing table of longs, about 16
 * bytes per id, so ten million records need some 160 MB rather than the gigabyte their strings
 * would. Two ids that share those 64 bits (odds about 1 in 10^7 for ten million ids) make the later
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
    int i = slot(key, mask);
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

  /** The home slot of a key in a table of {@code mask + 1} slots. */
  private static int slot(long key, int mask) {
    return (int) (key ^ (key >>> 32)) * 0x9E3779B9 & mask;
  }

  private void grow() {
    long[] old = keys;
    keys = new long[old.length * 2];
    int mask = keys.length - 1;
    for (long key : old) {
      if (key != 0) {
        int i = slot(key, mask);
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = key;
      }
    }
  }

  /**
   * 64 bits of the id: FNV-1a over its chars, then MurmurHash3's 64-bit finalizer so that every
   * bit depends on every char. Cheap enough for the engine's single writing thread at millions of
   * records (a SHA-256 per record cost it seconds). It is not keyed: an exporter who crafts an id
   * to collide with another's can get the later of the two records excluded, never included.
   */
  static long key(String content) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < content.length(); i++) {
      h ^= content.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= content.length();
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
