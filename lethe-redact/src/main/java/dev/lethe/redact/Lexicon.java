package dev.lethe.redact;

import dev.lethe.redact.nlp.CommonWords;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which of the rules' word lists hold a word, as bits, so that one hash look-up per token tells
 * every rule whether the token concerns it. Most tokens of prose are ordinary words that no list
 * holds; each rule then skips its own look-ups for them. The lists themselves stay with the rules
 * that use them; this only indexes them by their lower-case ASCII form.
 */
final class Lexicon {
  /** A word that starts an address by itself ({@link AddressScanner#STARTS}). */
  static final int ADDRESS_START = 1;
  /** A word that announces a postcode ({@link AddressScanner#ZIP_CUES}). */
  static final int ZIP_CUE = 1 << 1;
  /** The first word of a name cue ({@link NameCues#FIRST_WORDS}). */
  static final int NAME_CUE = 1 << 2;
  /** A word that cannot be an item of a list of names ({@link PersonVeto#NOT_LIST_ITEMS}). */
  static final int NOT_LIST_ITEM = 1 << 3;
  /**
   * A common lower-case word ({@link CommonWords}); of that list only the lower-case ASCII words,
   * which are all an ASCII token can be.
   */
  static final int COMMON_WORD = 1 << 4;
  /** A word that is listed as a name but names no one ({@link ListedNames#NOT_NAMES}). */
  static final int NOT_NAME = 1 << 5;
  /** A country, a people, a word of a name of a thing ({@link ListedNames#NOT_PEOPLE}). */
  static final int NOT_PEOPLE = 1 << 6;
  /** A particle inside a person's name ({@link ListedNames#PARTICLES}). */
  static final int NAME_PARTICLE = 1 << 7;
  /** A particle that marks a person's name ({@link ListedNames#STRONG_PARTICLES}). */
  static final int STRONG_PARTICLE = 1 << 8;
  /** A country, region or big city ({@link PersonVeto#PLACES}). */
  static final int PLACE = 1 << 9;
  /** A people or language ({@link PersonVeto#DEMONYMS}). */
  static final int DEMONYM = 1 << 10;
  /** A word before a place ({@link PersonVeto#PLACE_CUES}). */
  static final int PLACE_CUE = 1 << 11;
  /** A title ({@link PersonVeto#TITLES}). */
  static final int TITLE = 1 << 12;
  /** A word of a company's name ({@link PersonVeto#ORGANISATION}). */
  static final int ORGANISATION = 1 << 13;
  /** A street type that may end a name-shaped run ({@link PersonVeto#STREET_ENDS}). */
  static final int STREET_END = 1 << 14;
  /** A street type ({@link AddressScanner#SUFFIXES}). */
  static final int STREET_SUFFIX = 1 << 15;
  /** A word that starts a street name ({@link AddressScanner#STREET_PREFIXES}). */
  static final int STREET_PREFIX = 1 << 16;
  /** A lower-case word inside a street name ({@link AddressScanner#PARTICLES}). */
  static final int STREET_PARTICLE = 1 << 17;
  /** A short street type after the name ({@link AddressScanner#SHORT_SUFFIXES}). */
  static final int SHORT_SUFFIX = 1 << 18;
  /** A word before a unit's number ({@link AddressScanner#UNIT_WORDS}). */
  static final int UNIT_WORD = 1 << 19;

  /**
   * Open addressing over the lower-case words, probed with a token's chars: no string is made.
   * Four ints per slot, sixteen bytes within one cache line: the word's hash, its length with
   * its list bits above (0 marks an empty slot), and its first eight chars a byte each. Most
   * tokens are common words of at most eight letters, so a probe usually reads one slot and
   * nothing else.
   */
  private static final int[] SLOTS;
  /** Per slot, where its word starts in {@link #CHARS}: read only for words of over eight chars. */
  private static final int[] OFFSETS;
  /** All words' chars, one after another. */
  private static final char[] CHARS;
  private static final int MASK;
  /**
   * Per a few bits of a word's hash, the bits of the lists that hold a word with those hash bits:
   * rules ask one short list of most tokens, and few tokens share 12 hash bits with any of its
   * words. Sixteen kilobytes, read before the table, which is sixteen times larger.
   */
  private static final int[] FILTER = new int[1 << 12];

  static {
    Map<String, Integer> m = new TreeMap<>(); // sorted, so the tables are the same on every run
    add(m, AddressScanner.STARTS, ADDRESS_START);
    add(m, AddressScanner.ZIP_CUES, ZIP_CUE);
    add(m, NameCues.FIRST_WORDS, NAME_CUE);
    add(m, PersonVeto.NOT_LIST_ITEMS, NOT_LIST_ITEM);
    add(m, ListedNames.NOT_NAMES, NOT_NAME);
    add(m, ListedNames.NOT_PEOPLE, NOT_PEOPLE);
    add(m, ListedNames.PARTICLES, NAME_PARTICLE);
    add(m, ListedNames.STRONG_PARTICLES, STRONG_PARTICLE);
    add(m, PersonVeto.PLACES, PLACE);
    add(m, PersonVeto.DEMONYMS, DEMONYM);
    add(m, PersonVeto.PLACE_CUES, PLACE_CUE);
    add(m, PersonVeto.TITLES, TITLE);
    add(m, PersonVeto.ORGANISATION, ORGANISATION);
    add(m, PersonVeto.STREET_ENDS, STREET_END);
    add(m, AddressScanner.SUFFIXES, STREET_SUFFIX);
    add(m, AddressScanner.STREET_PREFIXES, STREET_PREFIX);
    add(m, AddressScanner.PARTICLES, STREET_PARTICLE);
    add(m, AddressScanner.SHORT_SUFFIXES, SHORT_SUFFIX);
    add(m, AddressScanner.UNIT_WORDS, UNIT_WORD);
    add(m, CommonWords.words().stream().filter(Lexicon::lowerAscii).collect(Collectors.toSet()), COMMON_WORD);
    // At most half full: 16-byte slots, and a smaller table stays in the cache more of the time.
    int slots = Integer.highestOneBit(m.size() * 2 - 1) << 1;
    int[] table = new int[4 * slots];
    int[] offsets = new int[slots];
    StringBuilder chars = new StringBuilder();
    for (Map.Entry<String, Integer> e : m.entrySet()) {
      String w = e.getKey();
      if (w.isEmpty() || w.length() > 0xFF || e.getValue() >= 1 << 23) {
        throw new IllegalStateException("word or list bits too large for the lexicon's slots: " + w);
      }
      int i = slot(w.hashCode(), slots - 1);
      while (table[4 * i + 1] != 0) {
        i = (i + 1) & (slots - 1);
      }
      table[4 * i] = w.hashCode();
      table[4 * i + 1] = w.length() | e.getValue() << 8;
      table[4 * i + 2] = packed(w, 0, 0, w.length());
      table[4 * i + 3] = packed(w, 0, 4, w.length());
      offsets[i] = chars.length();
      chars.append(w);
      FILTER[filterIndex(w.hashCode())] |= e.getValue();
    }
    SLOTS = table;
    OFFSETS = offsets;
    CHARS = chars.toString().toCharArray();
    MASK = slots - 1;
  }

  private Lexicon() {}

  private static void add(Map<String, Integer> m, Set<String> words, int bit) {
    for (String w : words) {
      if (!lowerAscii(w)) {
        throw new IllegalStateException("not lower-case ASCII: " + w);
      }
      m.merge(w, bit, (a, b) -> a | b);
    }
  }

  private static boolean lowerAscii(String w) {
    return w.equals(w.toLowerCase(Locale.ROOT)) && w.chars().allMatch(c -> c < 128);
  }

  private static int slot(int hash, int mask) {
    int x = hash * 0x9E3779B9; // short words' hashes differ mostly in their low bits: spread them
    return (x ^ (x >>> 15)) & mask;
  }

  /**
   * False when none of the lists of {@code bits} holds a word whose lower case has the {@link
   * String#hashCode} {@code lowerHash}: a cheap test before {@link #bits}.
   */
  static boolean mayHold(int bits, int lowerHash) {
    return (FILTER[filterIndex(lowerHash)] & bits) != 0;
  }

  private static int filterIndex(int hash) {
    return (hash * 0x2545F491) >>> 20; // other bits of the hash than the table's slots use
  }

  /**
   * The bits of the lists that hold the lower case of {@code text[start, end)}, whose {@link
   * String#hashCode} is {@code h} (as {@link Tokens} keeps it); 0 for most words and for any word
   * that is not ASCII.
   */
  static int bits(String text, int start, int end, int h) {
    int len = end - start;
    if (len > 0xFF) {
      return 0;
    }
    int lo = packed(text, start, 0, len);
    int hi = packed(text, start, 4, len);
    if ((lo | hi) == -1) {
      return 0; // not ASCII: no word of the lists
    }
    for (int i = slot(h, MASK); ; i = (i + 1) & MASK) {
      int meta = SLOTS[4 * i + 1];
      if (meta == 0) {
        return 0;
      }
      if (SLOTS[4 * i] == h && (meta & 0xFF) == len && SLOTS[4 * i + 2] == lo && SLOTS[4 * i + 3] == hi
          && (len <= 8 || sameTail(text, start, OFFSETS[i], len))) {
        return meta >>> 8;
      }
    }
  }

  /**
   * The ASCII lower case of the chars {@code from..from+3} of {@code s[start, start + len)}, a
   * byte each (0 past the end), or -1 if one of them is not ASCII.
   */
  private static int packed(String s, int start, int from, int len) {
    int p = 0;
    for (int j = from; j < from + 4 && j < len; j++) {
      char c = s.charAt(start + j);
      if (c >= 128) {
        return -1;
      }
      p |= TextFold.asciiLower(c) << (8 * (j - from));
    }
    return p;
  }

  /** Whether the chars after the first eight match the word at {@code at}, ignoring ASCII case. */
  private static boolean sameTail(String text, int start, int at, int len) {
    for (int j = 8; j < len; j++) {
      if (TextFold.asciiLower(text.charAt(start + j)) != CHARS[at + j]) {
        return false;
      }
    }
    return true;
  }
}
