package dev.lethe.redact;

import java.nio.charset.StandardCharsets;
import com.hankcs.algorithm.AhoCorasickDoubleArrayTrie;
import dev.lethe.redact.nlp.CommonWords;
import dev.lethe.redact.nlp.NameGazetteer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

final class PolicyRedactor implements Redactor {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  /** Six hex digits, as in {@code [PERSON_7f3a9c]}: short enough to read, 16M values per type. */
  private static final int TOKEN_HEX_DIGITS = 6;
  /** The score of a span added because its value was detected elsewhere in the record. */
  private static final double REPEAT_SCORE = 0.5;
  /** Up to this many chars searched in all (values times text length), no trie is built. */
  private static final long SEARCH_BUDGET = 1 << 20;
  /**
   * Up to this many distinct value lengths, repeats beyond {@link #SEARCH_BUDGET} are found by
   * {@link #byHash}, whose cost is the text's length times that number, instead of a trie.
   */
  static final int HASHED_LENGTHS = 64;
  /**
   * Above this many values, repeats are found by {@link #byHash} whatever their lengths: building
   * the trie costs more than linear time in the number of values (37,000 e-mails in one record
   * took seconds, 150,000 minutes and gigabytes). So many values with many distinct lengths need
   * a text of at least half the square of the number of lengths, long for either search.
   */
  static final int TRIE_MAX_VALUES = 16_384;

  /** How {@link #search} finds repeats beyond {@link #SEARCH_BUDGET}: chosen by cost, or forced (tests). */
  enum SearchPath { BY_COST, TRIE, HASH }

  /**
   * A value the repeat search looks for, and whether it is derived from a detected value (a word
   * of a name, a handle's bare name) and so found only where it is capitalised or in capitals:
   * written in lower case such a word is most often an ordinary word ("news" after "@news",
   * "mark" after "Mark Twain", "paz" after "Paz Vega"), in any language.
   */
  record Repeat(EntityType type, boolean capitalisedOnly) {}

  private static final int RECENT_BITS = 12;
  private static final int RECENT_PSEUDONYMS = 1 << RECENT_BITS;
  /**
   * Each type's name in ASCII and a zero byte, the first input of its pseudonyms' HMAC; made once,
   * and given to the MAC in one call (a one-byte update costs about as much as a long one).
   */
  private static final byte[][] TYPE_PREFIXES = typePrefixes();
  /** Each type's pseudonym up to its digits: {@code "[PERSON_"}. */
  private static final char[][] TOKEN_OPENINGS =
      Arrays.stream(EntityType.values()).map(t -> ("[" + t.name() + "_").toCharArray()).toArray(char[][]::new);

  private final Detector detector;
  private final RedactionPolicy policy;
  /** One per thread, as {@link KeyedHash} is not thread-safe. */
  private final ThreadLocal<KeyedHash> mac;
  /**
   * Per thread, the pseudonyms of recently redacted values: a snapshot redacts the same names
   * (a member's own, the people they write about) over and over, and the HMAC with its folding
   * costs more than the rest of redacting a short post. Direct-mapped (a value evicts the one in
   * its slot), so a look-up, hit or miss, costs one probe and no allocation.
   */
  private final ThreadLocal<RecentPseudonyms> pseudonyms = ThreadLocal.withInitial(RecentPseudonyms::new);

  /** {@link #RECENT_PSEUDONYMS} slots of (type, value, pseudonym); not thread-safe. */
  private static final class RecentPseudonyms {
    /**
     * Per slot, the type's ordinal + 1 (0 marks an empty slot) and the value's hash, side by side:
     * a value that is not the slot's is told so without reading the slot's string.
     */
    final int[] keys = new int[2 * RECENT_PSEUDONYMS];
    final String[] values = new String[RECENT_PSEUDONYMS];
    final String[] tokens = new String[RECENT_PSEUDONYMS];
  }

  PolicyRedactor(Detector detector, RedactionPolicy policy, byte[] secret) {
    this.detector = detector;
    this.policy = policy;
    byte[] key = secret.clone();
    new KeyedHash(key); // an unusable digest provider fails here, not on the first record
    this.mac = ThreadLocal.withInitial(() -> new KeyedHash(key));
  }

  private static byte[][] typePrefixes() {
    EntityType[] types = EntityType.values();
    byte[][] prefixes = new byte[types.length][];
    for (EntityType t : types) {
      byte[] name = t.name().getBytes(StandardCharsets.US_ASCII);
      prefixes[t.ordinal()] = Arrays.copyOf(name, name.length + 1); // the zero byte ends the name
    }
    return prefixes;
  }

  /**
   * {@code text} without the characters that split a word while showing nothing: zero-width space
   * (U+200B), word joiner (U+2060), zero-width no-break space (U+FEFF) and soft hyphen (U+00AD).
   * Written inside a value ("020 7946\u200b0958", "Xochi\u200btl") they would hide it from the
   * detectors and leave part of it in clear; they carry nothing a model should learn. The joiners
   * that writing systems and emoji use (U+200C, U+200D) stay. The same string when it has none.
   */
  static String withoutInvisibleBreaks(String text) {
    int n = text.length();
    int first = -1;
    for (int i = 0; i < n; i++) {
      if (invisibleBreak(text.charAt(i))) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return text;
    }
    StringBuilder b = new StringBuilder(n).append(text, 0, first);
    for (int i = first; i < n; i++) {
      char c = text.charAt(i);
      if (!invisibleBreak(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean invisibleBreak(char c) {
    return c == '\u200B' || c == '\u2060' || c == '\uFEFF' || c == '\u00AD';
  }

  /**
   * {@link TextFold#pseudonymIdentity} of the value in UTF-8, which the pseudonym's MAC reads. Most
   * values are ASCII, whose fold is its lower case with whitespace runs made one space and trimmed:
   * done here in one pass, without the three strings the general fold makes on the way.
   */
  static byte[] identityBytes(String value) {
    int n = value.length();
    byte[] out = new byte[n];
    int m = 0;
    boolean space = false;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 128) {
        return TextFold.pseudonymIdentity(value).getBytes(StandardCharsets.UTF_8);
      }
      if (Character.isWhitespace(c)) {
        space = m > 0;
      } else {
        if (space) {
          out[m++] = ' ';
          space = false;
        }
        out[m++] = (byte) TextFold.asciiLower(c);
      }
    }
    return m == n ? out : Arrays.copyOf(out, m);
  }

  @Override
  public Redaction redact(String text, DetectionContext context) {
    text = withoutInvisibleBreaks(text);
    List<Span> spans = withRepeats(text, detector.detect(text, context));
    Map<EntityType, Integer> counts = new EnumMap<>(EntityType.class);
    for (Span s : spans) {
      counts.merge(s.type(), 1, Integer::sum);
    }
    for (Span s : spans) {
      if (policy.dropRecordIf().contains(s.type())) {
        return new Redaction("", Optional.of(s.type()), counts);
      }
    }
    StringBuilder out = new StringBuilder(text.length() + 16 * spans.size());
    int cp = 0; // code point index of char position i
    int i = 0;
    for (Span s : spans) {
      int valueStart = text.offsetByCodePoints(i, s.start() - cp);
      out.append(text, i, valueStart);
      i = text.offsetByCodePoints(valueStart, s.end() - s.start());
      cp = s.end();
      String value = text.substring(valueStart, i);
      switch (policy.operatorFor(s.type())) {
        case PLACEHOLDER -> out.append('[').append(s.type().name()).append(']');
        case PSEUDONYM -> out.append(pseudonym(s.type(), value));
        case MASK -> out.append("*".repeat(s.end() - s.start()));
        case KEEP -> out.append(value);
      }
    }
    out.append(text, i, text.length());
    return new Redaction(out.toString(), Optional.empty(), counts);
  }

  /**
   * Adds every other occurrence of a detected value that the detector did not report (a value can
   * be recognisable in one place and not in another, e.g. a name without its cue): a value found
   * once must not survive elsewhere in the same record, whatever its case and diacritics.
   *
   * <p>An occurrence that overlaps spans already kept is not skipped, or its uncovered part would
   * stay in the text: it merges with the kept spans of its own type into one span (so a name
   * keeps one pseudonym), and the parts of it outside kept spans of other types become spans of
   * its type. The returned spans are sorted, disjoint and cover every span given.
   */
  static List<Span> withRepeats(String text, List<Span> spans) {
    return withRepeats(text, spans, SearchPath.BY_COST);
  }

  /**
   * {@link #withRepeats(String, List)}, searching a record beyond {@link #SEARCH_BUDGET} the way
   * {@code path} says (tests compare both searches on the same record).
   */
  static List<Span> withRepeats(String text, List<Span> spans, SearchPath path) {
    if (spans.isEmpty()) {
      return spans;
    }
    int m = spans.size();
    Span[] inChars = new Span[m]; // the spans in char offsets, sorted and disjoint as given
    TreeMap<String, Repeat> values = new TreeMap<>();
    List<Derived> derived = new ArrayList<>();
    int ci = 0;
    int cp = 0;
    for (int k = 0; k < m; k++) {
      Span s = spans.get(k);
      ci = text.offsetByCodePoints(ci, s.start() - cp);
      cp = s.start();
      int ce = text.offsetByCodePoints(ci, s.end() - s.start());
      inChars[k] = new Span(s.type(), ci, ce, s.score());
      String value = text.substring(ci, ce);
      if (searchedWhole(value, s.type())) {
        values.putIfAbsent(TextFold.foldForRepeats(value), new Repeat(s.type(), false));
      }
      derivedValues(value, s.type(), derived);
    }
    // After the detected values, whose types come first, and which are found in any case.
    for (Derived d : derived) {
      values.putIfAbsent(TextFold.foldForRepeats(d.value()), new Repeat(d.type(), d.capitalisedOnly()));
    }
    if (values.isEmpty()) {
      return spans;
    }
    // Values and text are compared folded ("JOHN SMITH" and "Zoe" repeat "John Smith" and "Zoë"):
    // the pseudonym of a value is made from its folded form anyway, and the fold keeps every
    // offset, so occurrences found in the folded text are where they are in the text.
    String folded = TextFold.foldForRepeats(text);
    Covered covered = new Covered(inChars);
    AhoCorasickDoubleArrayTrie.IHit<Repeat> hit = (begin, end, repeat) -> {
      if (begin > 0 && repeatWordChar(text.charAt(begin - 1))
          || end < text.length() && repeatWordChar(text.charAt(end))
          || repeat.capitalisedOnly() && !capitalisedOrCapitals(text, begin, end)) {
        return;
      }
      covered.cover(begin, end, repeat.type());
    };
    IntPredicate startOk = b -> b == 0 || !repeatWordChar(text.charAt(b - 1));
    IntPredicate endOk = e -> e == text.length() || !repeatWordChar(text.charAt(e));
    search(folded, values, startOk, endOk, hit, path);
    // "Strauß" and "STRAUSS": the same-length fold makes ß one "s", so one does not find the other.
    // Texts with ß are rare (indexOf skips a Latin-1 text in one vectorised pass, and never finds
    // the capital ẞ there), so the others pay nothing more.
    if (text.indexOf('\u00df') >= 0 || text.indexOf('\u1e9e') >= 0) {
      sharpSRepeats(text, inChars, derived, covered, path);
    }
    if (covered.all == null) {
      return spans;
    }
    List<Span> out = new ArrayList<>(covered.all.size());
    int c = 0;
    int p = 0;
    for (Span s : covered.all.values()) { // back to code points, in one forward walk
      p += text.codePointCount(c, s.start());
      int start = p;
      p += text.codePointCount(s.start(), s.end());
      c = s.end();
      out.add(new Span(s.type(), start, p, s.score()));
    }
    return out;
  }

  /**
   * Whether a char next to an occurrence makes it part of a longer word, so not a repeat: {@link
   * TextFold#isWordChar} except {@code _}, which marks emphasis ("_Anna Berg_") and joins words in
   * handles and file names, where a name is still a name.
   */
  static boolean repeatWordChar(char c) {
    return c != '_' && TextFold.isWordChar(c);
  }

  /**
   * Whether a detected value is searched for as it is: at least 4 chars, as shorter values ("Al",
   * "12") would also hit inside ordinary words and numbers, or a PERSON of 3 chars that is a
   * capitalised word and not a common one ("Xiu", "Ana").
   */
  static boolean searchedWhole(String value, EntityType type) {
    int n = value.length();
    return n >= 4 || n == 3 && type == EntityType.PERSON && capitalisedWord(value) && !commonWord(value);
  }

  /**
   * Whether {@code text[begin, end)} starts with an upper-case (or title-case) letter, or has
   * upper-case letters and no lower-case one but ß, which has no capital in common use
   * ("WEIßMÜLLER").
   */
  static boolean capitalisedOrCapitals(String text, int begin, int end) {
    int first = text.codePointAt(begin);
    if (Character.isUpperCase(first) || Character.isTitleCase(first)) {
      return true;
    }
    boolean upper = false;
    for (int i = begin; i < end; i++) {
      char c = text.charAt(i);
      if (Character.isLowerCase(c) && c != '\u00df') {
        return false;
      }
      upper |= Character.isUpperCase(c);
    }
    return upper;
  }

  /** An upper-case letter and then lower-case letters only. */
  private static boolean capitalisedWord(String w) {
    if (w.isEmpty() || !Character.isUpperCase(w.charAt(0))) {
      return false;
    }
    for (int i = 1; i < w.length(); i++) {
      if (!Character.isLowerCase(w.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean commonWord(String w) {
    String f = TextFold.nameFold(w, 0, w.length()); // the list's fold, without the normalizer when exact
    return CommonWords.containsFolded(f != null ? f : NameGazetteer.fold(w));
  }

  /**
   * A form of a detected value searched for too (see {@link #derivedValues}), as written in the
   * value: each search folds it its own way.
   */
  record Derived(String value, EntityType type, boolean capitalisedOnly) {}

  /**
   * The other forms of a detected value that must not survive elsewhere in its record, added to
   * {@code derived}; the name parts and handles are found only where capitalised or in capitals
   * ({@link Repeat}):
   * <ul>
   *   <li>PERSON with several words: each word of at least 3 letters that is not a common word
   *       (3 letters only when capitalised), so "Featherstonehaugh" alone or "G.
   *       Featherstonehaugh" after "Gwendolyn Featherstonehaugh";
   *   <li>a handle: its name without {@code @}, when at least 4 chars and not a common word;
   *   <li>US_SSN and CREDIT_CARD: the digits alone ("123456789" after "123-45-6789"); IBAN_CODE:
   *       its letters and digits alone.
   * </ul>
   */
  static void derivedValues(String value, EntityType type, List<Derived> derived) {
    switch (type) {
      case PERSON -> {
        if (value.startsWith("@")) {
          String bare = value.substring(1);
          if (bare.length() >= 4 && !commonWord(bare)) {
            // A handle that could be a word ("news") counts only where written like a name; one
            // with a digit, "_" or "." ("jsmith1987") is no word of prose and counts in any case,
            // as people write handles in lower case.
            boolean wordLike = bare.chars().allMatch(Character::isLetter);
            derived.add(new Derived(bare, type, wordLike));
          }
          break;
        }
        List<String> words = new ArrayList<>(4);
        int start = -1;
        for (int i = 0; i <= value.length(); i++) {
          boolean space = i == value.length() || Character.isWhitespace(value.charAt(i))
              || TextFold.foldForRepeatChar(value.charAt(i)) == ' ';
          if (!space && start < 0) {
            start = i;
          } else if (space && start >= 0) {
            words.add(value.substring(start, i));
            start = -1;
          }
        }
        if (words.size() >= 2) {
          for (String w : words) {
            namePart(w, derived);
          }
        }
      }
      case US_SSN, CREDIT_CARD, IBAN_CODE -> {
        StringBuilder compact = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if (c >= '0' && c <= '9' || type == EntityType.IBAN_CODE && TextFold.isAsciiLetter(c)) {
            compact.append(c);
          }
        }
        if (compact.length() >= 4 && compact.length() < value.length()) {
          derived.add(new Derived(compact.toString(), type, false));
        }
      }
      default -> { }
    }
  }

  /** Adds a word of a PERSON value when it is a name part (see {@link #derivedValues}). */
  private static void namePart(String w, List<Derived> derived) {
    int n = w.length();
    if (n < 3 || !Character.isLetter(w.charAt(0)) || !Character.isLetter(w.charAt(n - 1))) {
      return; // an initial ("G."), a title with its dot, a number
    }
    for (int i = 1; i < n - 1; i++) {
      char c = w.charAt(i);
      if (!Character.isLetter(c) && c != '-' && c != '\'' && c != '\u2019') {
        return;
      }
    }
    if (n == 3 && !capitalisedWord(w) || commonWord(w)) {
      return;
    }
    derived.add(new Derived(w, EntityType.PERSON, true));
  }

  /**
   * A value searched for by {@link #sharpSRepeats}, whether one of its detected forms holds ß or
   * ẞ, and whether it is found only where capitalised or in capitals ({@link Repeat}).
   */
  private record SharpValue(EntityType type, boolean sharp, boolean capitalisedOnly) {}

  private static boolean sharpS(char c) {
    return c == '\u00df' || c == '\u1e9e';
  }

  /**
   * The repeats {@link #withRepeats} finds when ß and ẞ are folded to "ss", as in German spelling
   * without ß ("Strauß" and "STRAUSS", "Straße" and "STRASSE"): the same search over a fold of the
   * text and the values that writes them as two chars, each folded char mapped back to its char.
   * Only occurrences that differ from what the same-length fold finds are covered, those where
   * the occurrence or a detected form of its value holds ß or ẞ, so the repeats found there
   * before stay as they were. An occurrence that starts or ends inside an "ss" made from one char
   * is half of a letter, not a whole word, and is left out. The derived values are searched for
   * too ("WEISSMÜLLER" after "Gwendolyn Weißmüller", "FUSSBALLFAN" after "@fußballfan"), where
   * capitalised or in capitals as in the same-length search.
   */
  private static void sharpSRepeats(String text, Span[] inChars, List<Derived> derived, Covered covered,
      SearchPath path) {
    int n = text.length();
    char[] fold = new char[2 * n];
    int[] origin = new int[2 * n]; // folded index to text index
    int m = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (sharpS(c)) {
        fold[m] = 's';
        origin[m++] = i;
        fold[m] = 's';
      } else {
        fold[m] = TextFold.foldForRepeatChar(c);
      }
      origin[m++] = i;
    }
    TreeMap<String, SharpValue> values = new TreeMap<>();
    for (Span s : inChars) {
      if (s.end() - s.start() < 4) {
        continue; // as in withRepeats
      }
      putSharp(values, text, s.start(), s.end(), s.type(), false);
    }
    for (Derived d : derived) { // after the detected values, as in withRepeats
      putSharp(values, d.value(), 0, d.value().length(), d.type(), d.capitalisedOnly());
    }
    int length = m;
    AhoCorasickDoubleArrayTrie.IHit<SharpValue> hit = (b, e, value) -> {
      if (b > 0 && origin[b - 1] == origin[b] || e < length && origin[e] == origin[e - 1]) {
        return; // half of an ß
      }
      int begin = origin[b];
      int end = origin[e - 1] + 1;
      if (begin > 0 && repeatWordChar(text.charAt(begin - 1))
          || end < n && repeatWordChar(text.charAt(end))) {
        return;
      }
      if (value.capitalisedOnly() && !capitalisedOrCapitals(text, begin, end)) {
        return;
      }
      boolean sharp = value.sharp();
      for (int i = begin; !sharp && i < end; i++) {
        sharp = sharpS(text.charAt(i));
      }
      if (sharp) {
        covered.cover(begin, end, value.type());
      }
    };
    String folded = new String(fold, 0, m);
    // What the hit turns down at either end, asked of candidates before they are looked up.
    IntPredicate startOk = b -> (b == 0 || origin[b - 1] != origin[b])
        && (origin[b] == 0 || !repeatWordChar(text.charAt(origin[b] - 1)));
    IntPredicate endOk = e -> e == length
        || origin[e] != origin[e - 1] && !repeatWordChar(text.charAt(origin[e - 1] + 1));
    search(folded, values, startOk, endOk, hit, path);
  }

  /**
   * Adds {@code s[from, to)} to the values of {@link #sharpSRepeats}, ß and ẞ written "ss". A
   * value already there keeps its type and capitalisation rule (the first, as putIfAbsent) and
   * becomes sharp when this form holds ß or ẞ.
   */
  private static void putSharp(TreeMap<String, SharpValue> values, String s, int from, int to, EntityType type,
      boolean capitalisedOnly) {
    StringBuilder v = new StringBuilder(to - from + 2);
    boolean sharp = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      sharp |= sharpS(c);
      v.append(sharpS(c) ? "ss" : String.valueOf(TextFold.foldForRepeatChar(c)));
    }
    String key = v.toString();
    SharpValue had = values.get(key);
    if (had == null) {
      values.put(key, new SharpValue(type, sharp, capitalisedOnly));
    } else if (sharp && !had.sharp()) {
      values.put(key, new SharpValue(had.type(), true, had.capitalisedOnly()));
    }
  }

  /**
   * Reports to {@code hit} every occurrence of every value in {@code text}, in the order {@link
   * #inTrieOrder} states, or a part of them that holds every occurrence starting where {@code
   * startOk} and ending where {@code endOk} (offsets in {@code text}) allow; the hit must turn
   * down the others. A short record is searched value by value; a longer one, unless {@code path}
   * forces one, with {@link #byHash} when the values have few distinct lengths (its cost is the
   * text's length times their number, whatever the number of values), else with a trie (one pass
   * over the text after building it) unless the values are so many that building it costs more.
   */
  static <V> void search(String text, TreeMap<String, V> values, IntPredicate startOk, IntPredicate endOk,
      AhoCorasickDoubleArrayTrie.IHit<V> hit, SearchPath path) {
    if ((long) values.size() * text.length() <= SEARCH_BUDGET) {
      // A short record: searching for each value costs less than building a trie.
      inTrieOrder(text, values, hit);
    } else if (path == SearchPath.HASH || path == SearchPath.BY_COST
        && (values.size() > TRIE_MAX_VALUES || fewLengths(values.keySet()))) {
      byHash(text, values, startOk, endOk, hit);
    } else {
      // One Aho-Corasick pass for all values keeps this linear in the text.
      AhoCorasickDoubleArrayTrie<V> trie = new AhoCorasickDoubleArrayTrie<>();
      trie.build(values);
      trie.parseText(text, hit);
    }
  }

  /** Whether the values have at most {@link #HASHED_LENGTHS} distinct lengths. */
  private static boolean fewLengths(Iterable<String> values) {
    BitSet lengths = new BitSet();
    int count = 0;
    for (String v : values) {
      if (!lengths.get(v.length())) {
        lengths.set(v.length());
        if (++count > HASHED_LENGTHS) {
          return false;
        }
      }
    }
    return true;
  }

  /** The multiplier of the polynomial hash {@link #byHash} computes (odd, so a unit mod 2^64). */
  private static final long HASH_BASE = 0x9E3779B97F4A7C15L;

  /**
   * Reports the occurrences of the values that start where {@code startOk} and end where {@code
   * endOk} allow, in the order of {@link #inTrieOrder}: at each such start, the text's substring
   * of each length a value has, ending where allowed, is hashed (in constant time, from prefix
   * hashes of the text) and looked up among the values' hashes, and a hash found is checked
   * against the value's chars. It costs the text's length times the number of distinct value
   * lengths (at most the square root of twice the text's length, as the values are parts of it,
   * and a few dozen in practice), plus the values' total length, whatever their number.
   */
  static <V> void byHash(String text, TreeMap<String, V> values, IntPredicate startOk, IntPredicate endOk,
      AhoCorasickDoubleArrayTrie.IHit<V> hit) {
    String[] keys = values.keySet().toArray(new String[0]); // by rank
    List<V> byRank = new ArrayList<>(values.values());
    int maxLength = 0;
    for (String k : keys) {
      maxLength = Math.max(maxLength, k.length());
    }
    boolean[] hasLength = new boolean[maxLength + 1];
    for (String k : keys) {
      hasLength[k.length()] = true;
    }
    int[] lengths = new int[maxLength + 1];
    int lengthCount = 0;
    for (int l = 1; l <= maxLength; l++) {
      if (hasLength[l]) {
        lengths[lengthCount++] = l;
      }
    }
    long[] power = new long[maxLength + 1];
    power[0] = 1;
    for (int l = 1; l <= maxLength; l++) {
      power[l] = power[l - 1] * HASH_BASE;
    }
    // Open addressing, by hash; values whose hashes collide take the next free slots.
    int capacity = Integer.highestOneBit(Math.max(4, keys.length * 2 - 1)) << 1;
    int mask = capacity - 1;
    long[] slotHash = new long[capacity];
    int[] slotRank = new int[capacity];
    Arrays.fill(slotRank, -1);
    for (int rank = 0; rank < keys.length; rank++) {
      String k = keys[rank];
      long h = 0;
      for (int i = 0; i < k.length(); i++) {
        h = h * HASH_BASE + k.charAt(i);
      }
      int slot = slotOf(h, mask);
      while (slotRank[slot] >= 0) {
        slot = (slot + 1) & mask;
      }
      slotHash[slot] = h;
      slotRank[slot] = rank;
    }
    int n = text.length();
    long[] prefix = new long[n + 1]; // prefix[i]: the hash of text[0, i)
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] * HASH_BASE + text.charAt(i);
    }
    long[] found = new long[8];
    int count = 0;
    for (int b = 0; b < n; b++) {
      if (!startOk.test(b)) {
        continue;
      }
      for (int j = 0; j < lengthCount; j++) {
        int l = lengths[j];
        int e = b + l;
        if (e > n) {
          break;
        }
        if (!endOk.test(e)) {
          continue;
        }
        long h = prefix[e] - prefix[b] * power[l];
        for (int slot = slotOf(h, mask); slotRank[slot] >= 0; slot = (slot + 1) & mask) {
          int rank = slotRank[slot];
          if (slotHash[slot] == h && keys[rank].length() == l && text.startsWith(keys[rank], b)) {
            if (count == found.length) {
              found = Arrays.copyOf(found, count * 2);
            }
            found[count++] = ((long) e << 32) | (Integer.MAX_VALUE - rank); // as in inTrieOrder
          }
        }
      }
    }
    Arrays.sort(found, 0, count);
    for (int i = 0; i < count; i++) {
      int end = (int) (found[i] >>> 32);
      int rank = Integer.MAX_VALUE - (int) found[i];
      hit.hit(end - keys[rank].length(), end, byRank.get(rank));
    }
  }

  private static int slotOf(long hash, int mask) {
    return (int) ((hash * 0xBF58476D1CE4E5B9L) >>> 32) & mask;
  }

  /**
   * The spans of a record while its repeats are added: the detected spans in a sorted array until
   * a repeat changes them (most repeats found are the detected values themselves, answered by a
   * binary search), then a map by start that {@link #cover(TreeMap, int, int, EntityType)} edits.
   */
  private static final class Covered {
    private final Span[] detected;
    /** Null until the first change. */
    TreeMap<Integer, Span> all;

    Covered(Span[] detected) {
      this.detected = detected;
    }

    void cover(int begin, int end, EntityType type) {
      if (all == null) {
        int lo = 0; // the last detected span starting at or before begin: lo - 1
        int hi = detected.length;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (detected[mid].start() <= begin) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        if (lo > 0 && detected[lo - 1].end() >= end) {
          return; // inside a span that is redacted anyway (the usual case: the detected value)
        }
        all = new TreeMap<>();
        for (Span s : detected) {
          all.put(s.start(), s);
        }
      }
      PolicyRedactor.cover(all, begin, end, type);
    }
  }

  /**
   * Makes the disjoint spans {@code all} (keyed by start) cover chars {@code [begin, end)}, found
   * as a repeat of a value of the given type (see {@link #withRepeats}); says whether it changed
   * anything.
   */
  static boolean cover(TreeMap<Integer, Span> all, int begin, int end, EntityType type) {
    Map.Entry<Integer, Span> first = all.floorEntry(begin);
    if (first != null && first.getValue().end() >= end) {
      return false; // inside a span that is redacted anyway (the usual case: the detected value)
    }
    int from = first != null && first.getValue().end() > begin ? first.getKey() : begin;
    List<Span> overlapping = new ArrayList<>(all.subMap(from, true, end, false).values());
    int start = begin;
    int stop = end;
    double score = REPEAT_SCORE;
    List<Span> others = new ArrayList<>();
    for (Span s : overlapping) {
      if (s.type() == type) {
        start = Math.min(start, s.start());
        stop = Math.max(stop, s.end());
        score = Math.max(score, s.score());
        all.remove(s.start());
      } else {
        others.add(s);
      }
    }
    // Spans of this type cannot reach past [begin, end) into another span (kept spans are
    // disjoint), so the others all lie within the occurrence, or straddle one of its ends.
    int at = start;
    for (Span o : others) {
      if (o.start() > at) {
        all.put(at, new Span(type, at, o.start(), score));
      }
      at = Math.max(at, o.end());
    }
    if (at < stop) {
      all.put(at, new Span(type, at, stop, score));
    }
    return true;
  }

  /**
   * Reports every occurrence of every value to {@code hit} in the order {@link
   * AhoCorasickDoubleArrayTrie#parseText(CharSequence, AhoCorasickDoubleArrayTrie.IHit)} would
   * for a trie built from {@code values}: by end offset, and occurrences that end together by
   * descending rank of their value in the map's order (the trie numbers its keys in that order and
   * keeps each state's matches in descending number). The order matters: the first of two
   * overlapping occurrences is the one redacted. {@code RepeatSearchTest} holds this against the
   * trie.
   */
  static <V> void inTrieOrder(String text, TreeMap<String, V> values, AhoCorasickDoubleArrayTrie.IHit<V> hit) {
    List<String> keys = new ArrayList<>(values.keySet());
    long[] found = new long[8];
    int count = 0;
    for (int rank = 0; rank < keys.size(); rank++) {
      String v = keys.get(rank);
      for (int at = text.indexOf(v); at >= 0; at = text.indexOf(v, at + 1)) {
        if (count == found.length) {
          found = Arrays.copyOf(found, count * 2);
        }
        // End in the high half, descending rank in the low half: one sort gives the trie's order.
        found[count++] = ((long) (at + v.length()) << 32) | (Integer.MAX_VALUE - rank);
      }
    }
    Arrays.sort(found, 0, count);
    for (int i = 0; i < count; i++) {
      int end = (int) (found[i] >>> 32);
      String v = keys.get(Integer.MAX_VALUE - (int) found[i]);
      hit.hit(end - v.length(), end, values.get(v));
    }
  }

  private String pseudonym(EntityType type, String value) {
    RecentPseudonyms recent = pseudonyms.get();
    int t = type.ordinal() + 1;
    int h = value.hashCode();
    int slot = ((h * 31 + t) * 0x9E3779B9) >>> (Integer.SIZE - RECENT_BITS);
    int[] keys = recent.keys;
    if (keys[2 * slot] == t && keys[2 * slot + 1] == h && value.equals(recent.values[slot])) {
      return recent.tokens[slot];
    }
    String token = hmacToken(type, value);
    keys[2 * slot] = t;
    keys[2 * slot + 1] = h;
    recent.values[slot] = value;
    recent.tokens[slot] = token;
    return token;
  }

  private String hmacToken(EntityType type, String value) {
    byte[] h = mac.get().mac(TYPE_PREFIXES[type.ordinal()], identityBytes(value));
    char[] open = TOKEN_OPENINGS[type.ordinal()];
    char[] token = Arrays.copyOf(open, open.length + TOKEN_HEX_DIGITS + 1);
    for (int k = 0; k < TOKEN_HEX_DIGITS / 2; k++) {
      token[open.length + 2 * k] = HEX[(h[k] >> 4) & 0xf];
      token[open.length + 2 * k + 1] = HEX[h[k] & 0xf];
    }
    token[token.length - 1] = ']';
    return new String(token);
  }
}
