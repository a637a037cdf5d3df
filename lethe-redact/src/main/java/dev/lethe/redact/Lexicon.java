package dev.lethe.redact;

import dev.lethe.redact.nlp.CommonWords;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

  /** Open addressing over the lower-case words, probed with a token's chars: no string is made. */
  private static final String[] WORDS;
  /** Each slot's word's hash, compared first: a probe past other words touches no string. */
  private static final int[] HASHES;
  private static final int[] BITS;
  private static final int MASK;
  /** The longest word of any list: a longer token is in none. */
  private static final int MAX_LENGTH;

  static {
    Map<String, Integer> m = new HashMap<>();
    add(m, AddressScanner.STARTS, ADDRESS_START);
    add(m, AddressScanner.ZIP_CUES, ZIP_CUE);
    add(m, NameCues.FIRST_WORDS, NAME_CUE);
    add(m, PersonVeto.NOT_LIST_ITEMS, NOT_LIST_ITEM);
    add(m, CommonWords.words().stream().filter(Lexicon::lowerAscii).collect(Collectors.toSet()), COMMON_WORD);
    int slots = Integer.highestOneBit(m.size() * 4 - 1) << 1; // at most a quarter full
    String[] words = new String[slots];
    int[] hashes = new int[slots];
    int[] bits = new int[slots];
    int max = 0;
    for (Map.Entry<String, Integer> e : m.entrySet()) {
      String w = e.getKey();
      int i = slot(w.hashCode(), slots - 1);
      while (words[i] != null) {
        i = (i + 1) & (slots - 1);
      }
      words[i] = w;
      hashes[i] = w.hashCode();
      bits[i] = e.getValue();
      max = Math.max(max, w.length());
    }
    WORDS = words;
    HASHES = hashes;
    BITS = bits;
    MASK = slots - 1;
    MAX_LENGTH = max;
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
   * The bits of the lists that hold the lower case of {@code text[start, end)}, which must be
   * ASCII; 0 for most words.
   */
  static int bits(String text, int start, int end) {
    int h = 0;
    for (int p = start; p < end; p++) {
      h = 31 * h + TextFold.asciiLower(text.charAt(p)); // String.hashCode of the lower case
    }
    return bits(text, start, end, h);
  }

  /** {@link #bits(String, int, int)} given the hash of the lower case, as {@link Tokens} keeps. */
  static int bits(String text, int start, int end, int h) {
    int len = end - start;
    if (len > MAX_LENGTH) {
      return 0;
    }
    for (int i = slot(h, MASK); WORDS[i] != null; i = (i + 1) & MASK) {
      String w = WORDS[i];
      if (HASHES[i] == h && w.length() == len && sameLowerCase(text, start, w)) {
        return BITS[i];
      }
    }
    return 0;
  }

  private static boolean sameLowerCase(String text, int start, String lower) {
    for (int j = 0; j < lower.length(); j++) {
      if (TextFold.asciiLower(text.charAt(start + j)) != lower.charAt(j)) {
        return false;
      }
    }
    return true;
  }
}
