package dev.lethe.redact;

/**
 * Lower-case ASCII words, each with an int of bits, in one flat open-addressing table probed with
 * a token's chars (ASCII case ignored) and the {@link String#hashCode} of its lower case: no string
 * is made, and one probe answers every list whose bit a word carries. A Bloom filter in front
 * answers most words the table does not hold before the table is read. Immutable; thread-safe.
 *
 * <p>Why this shape: the rules ask a table of a quarter of a million words (the name list),
 * megabytes that the processor's cache does not keep, so a probe is mostly the wait for memory.
 * Each slot is sixteen bytes within one cache line (the word's length with its bits above, 0
 * marking an empty slot; its first eight chars a byte each; where the rest of a longer word starts
 * in {@link #tails}), so a probe for a word of up to eight chars reads one line. The filter, two
 * bits per word within one long and about twenty bits per word, is about half a megabyte for the
 * names, small enough to stay in a core's 2 MiB L2 cache.
 */
final class WordTable {
  /** A word's bits must fit in a slot's first int above its length. */
  static final int MAX_BITS = (1 << 23) - 1;

  private final long[] filter;
  private final int filterMask;
  private final int[] slots;
  private final int slotShift;
  private final int slotMask;
  /** The chars after the eighth of every longer word, one word after another. */
  private final char[] tails;

  /**
   * A table of {@code words[i]} with {@code bits[i]}: the words distinct, lower-case ASCII, one to
   * 255 chars; the bits not 0 and at most {@link #MAX_BITS}. The layout depends only on the order
   * of the words, so callers pass them sorted to get the same table on every run.
   */
  WordTable(String[] words, int[] bits) {
    if (words.length != bits.length) {
      throw new IllegalArgumentException("one bits value per word");
    }
    int n = words.length;
    // At most half full; about 20 filter bits per word give 1 % false positives with two bits set.
    int slotBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, 2 * n - 1)));
    int filterWords = Math.max(1, Integer.highestOneBit(Math.max(1, n / 2)));
    filter = new long[filterWords];
    filterMask = filterWords - 1;
    slots = new int[4 << slotBits];
    slotShift = 32 - slotBits;
    slotMask = (1 << slotBits) - 1;
    StringBuilder rest = new StringBuilder();
    for (int w = 0; w < n; w++) {
      String word = words[w];
      int len = word.length();
      if (len == 0 || len > 0xFF || !TextFold.lowerAscii(word)) {
        throw new IllegalArgumentException("not a lower-case ASCII word of 1 to 255 chars: " + word);
      }
      if (bits[w] == 0 || (bits[w] & ~MAX_BITS) != 0) {
        throw new IllegalArgumentException("bits of " + word + " out of range: " + bits[w]);
      }
      int h = word.hashCode();
      int f = filterMix(h);
      filter[f & filterMask] |= filterBits(f);
      int i = slot(h);
      while (slots[4 * i] != 0) {
        if ((slots[4 * i] & 0xFF) == len && same(word, i, rest)) {
          throw new IllegalArgumentException("word given twice: " + word);
        }
        i = (i + 1) & slotMask;
      }
      slots[4 * i] = len | bits[w] << 8;
      slots[4 * i + 1] = packed(word, 0);
      slots[4 * i + 2] = packed(word, 4);
      slots[4 * i + 3] = rest.length();
      if (len > 8) {
        rest.append(word, 8, len);
      }
    }
    tails = rest.toString().toCharArray();
  }

  /** Whether slot i, while the table is built with the tails so far in {@code rest}, holds the word. */
  private boolean same(String word, int i, StringBuilder rest) {
    if (slots[4 * i + 1] != packed(word, 0) || slots[4 * i + 2] != packed(word, 4)) {
      return false;
    }
    int at = slots[4 * i + 3];
    for (int j = 8; j < word.length(); j++) {
      if (rest.charAt(at + j - 8) != word.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** The table's home slot of a hash: its top bits after a Fibonacci multiply. */
  private int slot(int h) {
    return (h * 0x9E3779B9) >>> slotShift;
  }

  /**
   * The filter's own mix of a hash (MurmurHash3's finalizer), whose low bits pick the filter word
   * and whose bits 16 to 27 pick the two bits in it: independent of the slot, so words that share
   * a slot rarely share filter bits.
   */
  private static int filterMix(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    return h ^ (h >>> 16);
  }

  private static long filterBits(int f) {
    return 1L << (f >>> 16) | 1L << (f >>> 22); // shifts use the low six bits of each
  }

  /** False when no word of the table has the hash {@code h}; true says only that one may. */
  boolean mayHold(int h) {
    int f = filterMix(h);
    long want = filterBits(f);
    return (filter[f & filterMask] & want) == want;
  }

  /** The ASCII lower case of a word's chars {@code from..from+3}, a byte each, 0 past its end. */
  private static int packed(String w, int from) {
    int p = 0;
    for (int j = from; j < from + 4 && j < w.length(); j++) {
      p |= w.charAt(j) << (8 * (j - from));
    }
    return p;
  }

  /** As {@link #packed(String, int)} for {@code chars[start, start + len)}, lower-casing ASCII. */
  private static int packed(char[] chars, int start, int from, int len) {
    int p = 0;
    for (int j = from; j < from + 4 && j < len; j++) {
      p |= TextFold.asciiLower(chars[start + j]) << (8 * (j - from));
    }
    return p;
  }

  /**
   * The bits of the lower case of {@code chars[start, end)}, whose {@link String#hashCode} is
   * {@code h}; 0 when the table does not hold it, as for any region with a char beyond ASCII.
   */
  int bits(char[] chars, int start, int end, int h) {
    for (int j = start; j < end; j++) {
      if (chars[j] >= 128) {
        return 0;
      }
    }
    if (end - start > 0xFF || !mayHold(h)) {
      return 0;
    }
    return probe(chars, start, end - start, slot(h), slots[4 * slot(h)]);
  }

  /** Linear probing from slot {@code i}, whose first int is {@code meta}. */
  private int probe(char[] chars, int start, int len, int i, int meta) {
    int lo = packed(chars, start, 0, len);
    int hi = packed(chars, start, 4, len);
    while (meta != 0) {
      if ((meta & 0xFF) == len && slots[4 * i + 1] == lo && slots[4 * i + 2] == hi
          && (len <= 8 || sameTail(chars, start, len, slots[4 * i + 3]))) {
        return meta >>> 8;
      }
      i = (i + 1) & slotMask;
      meta = slots[4 * i];
    }
    return 0;
  }

  /** Whether the chars after the eighth match the tail at {@code at}, ignoring ASCII case. */
  private boolean sameTail(char[] chars, int start, int len, int at) {
    for (int j = 8; j < len; j++) {
      if (TextFold.asciiLower(chars[start + j]) != tails[at + j - 8]) {
        return false;
      }
    }
    return true;
  }

  /** The number of words. */
  int size() {
    int n = 0;
    for (int i = 0; i < slots.length; i += 4) {
      n += slots[i] != 0 ? 1 : 0;
    }
    return n;
  }

  /** The filter's size in bytes. */
  int filterBytes() {
    return filter.length * Long.BYTES;
  }
}
