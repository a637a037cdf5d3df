package dev.lethe.redact;

import dev.lethe.redact.nlp.CommonWords;
import dev.lethe.redact.nlp.NameGazetteer;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which of the rules' word lists hold a word, as bits, so that one probe per token tells every
 * rule whether the token concerns it: the rules' own lists, the ASCII common words and the ASCII
 * names of the name list, keyed by the lower-case ASCII form in two {@link WordTable}s, the small
 * lists with the common words first and the other names behind (a word is in one of the two, with
 * all its bits). Most tokens of prose are ordinary words that no rule's own list holds; each rule
 * then skips its own look-ups for them. The rules' lists themselves stay with the rules that use
 * them.
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
   * A first or last name of the name list ({@link NameGazetteer}); of that list only the ASCII
   * names, which are all an ASCII token can be, and no name is shorter than two chars.
   */
  static final int NAME = 1 << 20;
  /** Every list's bit. */
  static final int ALL = (NAME << 1) - 1;

  /**
   * The rules' lists and the common words, a few thousand words that nearly every token of prose
   * is looked up in, each with all its bits ({@link #NAME} too): a quarter of a megabyte that
   * stays in the processor's cache, where the same words spread among the names' slots would each
   * take a cache line of their own.
   */
  private static final WordTable WORDS;
  /** The ASCII names that are in none of {@link #WORDS}' lists: megabytes, behind their filter. */
  private static final WordTable NAMES;
  /**
   * Per a few bits of a word's hash, the bits of the words of {@link #WORDS} with those hash bits:
   * a rule asks one short list of most tokens, and few tokens share 12 hash bits with any of its
   * words. Sixteen kilobytes, read before the table, which is sixteen times larger.
   */
  private static final int[] FILTER = new int[1 << 12];

  static {
    Map<String, Integer> m = new TreeMap<>(); // sorted, so the table is the same on every run
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
    add(m, CommonWords.words().stream().filter(TextFold::lowerAscii).collect(Collectors.toSet()), COMMON_WORD);
    // The names come sorted; a name that is also in a list above gets its bit there, so that
    // a token of those lists (most tokens of prose) is answered by the first table alone.
    List<String> names = NameGazetteer.asciiNames();
    String[] words = new String[m.size()];
    int[] bits = new int[words.length];
    String[] others = new String[names.size()];
    int n = 0;
    int o = 0;
    int i = 0;
    for (Map.Entry<String, Integer> e : m.entrySet()) {
      while (i < names.size() && names.get(i).compareTo(e.getKey()) < 0) {
        others[o++] = names.get(i++);
      }
      boolean name = i < names.size() && names.get(i).equals(e.getKey());
      i += name ? 1 : 0;
      words[n] = e.getKey();
      bits[n++] = e.getValue() | (name ? NAME : 0);
    }
    while (i < names.size()) {
      others[o++] = names.get(i++);
    }
    WORDS = new WordTable(words, bits);
    for (int w = 0; w < words.length; w++) {
      FILTER[filterIndex(words[w].hashCode())] |= bits[w];
    }
    others = Arrays.copyOf(others, o);
    int[] name = new int[o];
    Arrays.fill(name, NAME);
    NAMES = new WordTable(others, name);
  }

  private Lexicon() {}

  private static void add(Map<String, Integer> m, Collection<String> words, int bit) {
    for (String w : words) {
      if (!TextFold.lowerAscii(w)) {
        throw new IllegalStateException("not lower-case ASCII: " + w);
      }
      m.merge(w, bit, (a, b) -> a | b);
    }
  }

  /**
   * False when none of the lists of {@code bits} holds a word whose lower case has the {@link
   * String#hashCode} {@code lowerHash}: a cheap test before {@link #listBits}. For {@link #NAME},
   * only the names that are also in another list.
   */
  static boolean mayHold(int bits, int lowerHash) {
    return (FILTER[filterIndex(lowerHash)] & bits) != 0;
  }

  private static int filterIndex(int hash) {
    return (hash * 0x2545F491) >>> 20; // other bits of the hash than the tables' slots use
  }

  /**
   * The bits of the lower case of {@code chars[start, end)}, whose {@link String#hashCode} is
   * {@code h} (as {@link Tokens} keeps it), if a list other than the names holds it, {@link #NAME}
   * included when it is also a name; 0 when none does, and for any word that is not ASCII. A name
   * in no other list is answered by {@link #otherName}.
   */
  static int listBits(char[] chars, int start, int end, int h) {
    return WORDS.bits(chars, start, end, h);
  }

  /** Whether the lower case of {@code chars[start, end)} is a name in none of the other lists. */
  static boolean otherName(char[] chars, int start, int end, int h) {
    return NAMES.bits(chars, start, end, h) != 0;
  }

  /** All the bits of the lower case of {@code chars[start, end)}: {@link #listBits}, or {@link #NAME}. */
  static int bits(char[] chars, int start, int end, int h) {
    int b = WORDS.bits(chars, start, end, h);
    return b != 0 ? b : NAMES.bits(chars, start, end, h);
  }

  /** The bits of the lists that hold the lower case of {@code word}; 0 if it is not ASCII. */
  static int bits(String word) {
    // An ASCII word's lower case is the JDK's; any other word answers 0 before the hash is used.
    char[] c = word.toCharArray();
    int h = word.toLowerCase(Locale.ROOT).hashCode();
    return bits(c, 0, c.length, h);
  }
}
