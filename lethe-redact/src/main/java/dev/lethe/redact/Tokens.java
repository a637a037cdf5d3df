package dev.lethe.redact;

import dev.lethe.redact.nlp.CommonWords;
import dev.lethe.redact.nlp.NameGazetteer;
import java.util.Arrays;

/**
 * A text cut into tokens the way the name-finder's training data (tweets in CoNLL form) was cut:
 * words, numbers, {@code @handles}, {@code #tags} and URLs are single tokens, any other
 * non-space character stands alone. Offsets are UTF-16 indexes into the text.
 */
final class Tokens {
  final String text;
  /** The chars of {@link #text}. */
  final char[] chars;
  private int lowerCase = -1; // -1 unknown, 0 no, 1 yes
  /**
   * Per token, {@code SHAPE_*} bits, made while cutting: every rule asks them of most tokens,
   * several times each, and the chars are at hand then.
   */
  private byte[] shapes;
  /**
   * Per token, made with {@link #shapes}: {@link String#hashCode} of its ASCII lower case, which
   * for an ASCII token is the hash of {@link #folded} and {@link #nameFolded}.
   */
  private int[] lowerHashes;
  int[] starts;
  int[] ends;
  int size;
  /** Token strings and their folded forms, made on first use: the rules ask for them repeatedly. */
  private String[] strings;
  private String[] folded;
  private String[] nameFolded;
  /**
   * Per token: whether the name list and the common-word list hold its {@link NameGazetteer#fold}
   * form ({@code LISTS_*} bits, each with a looked-up bit above it). An ASCII token has these
   * answers in {@link #lexicon}, but for a name in no other list.
   */
  private byte[] lists;

  /** Per token, the answer of {@link #nextShortNumber}; made on first use. */
  private int[] nextShortNumber;

  /**
   * Per token: {@link Lexicon#listBits} with {@link #LEXICON_KNOWN}, or all bits when not ASCII; 0
   * until looked up. One probe answers every list a rule asks of the token, the common words and,
   * for a word in another list, the name list.
   */
  private int[] lexicon;

  private static final int SHAPE_ASCII = 1;
  private static final int SHAPE_DIGITS = 2;
  /** The first char is a letter ({@link Character#isLetter(char)}). */
  private static final int SHAPE_LETTER = 4;
  /** The first char is upper case ({@link Character#isUpperCase(char)}). */
  private static final int SHAPE_UPPER = 8;
  /** Some char is lower case ({@link Character#isLowerCase(char)}). */
  private static final int SHAPE_SOME_LOWER = 16;
  private static final int LEXICON_KNOWN = 1 << 30;
  private static final int LISTS_NAME = 1;
  private static final int LISTS_COMMON = 4;

  private Tokens(String text, char[] chars) {
    this.text = text;
    this.chars = chars;
    // A token and the space after it take five chars or more in prose: sized so, the arrays
    // rarely grow.
    int capacity = Math.max(16, chars.length / 4);
    shapes = new byte[capacity];
    lowerHashes = new int[capacity];
    starts = new int[capacity];
    ends = new int[capacity];
  }

  static Tokens of(String text) {
    return of(text, text.toCharArray());
  }

  /**
   * Whether a char separates tokens: Java whitespace or a Unicode space separator (no-break spaces
   * included). ASCII, nearly every char, is answered without the JDK's Unicode category look-up.
   */
  static boolean space(char c) {
    if (c < 128) {
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
    }
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /**
   * The tokens of {@code text}, whose chars {@code chars} holds (the caller's copy, which this
   * keeps): the rules read chars far more often than anything else of the text, and an array
   * read costs less than {@link String#charAt}, above all for a text with chars beyond Latin-1.
   */
  static Tokens of(String text, char[] chars) {
    Tokens tk = new Tokens(text, chars);
    int n = chars.length;
    int i = 0;
    while (i < n) {
      char c = chars[i];
      if (space(c)) {
        i++;
        continue;
      }
      int e;
      if ((c == 'h' || c == 'w') && (text.startsWith("http", i) || text.startsWith("www.", i))) {
        e = i;
        while (e < n && !Character.isWhitespace(chars[e])) {
          e++;
        }
      } else if ((c == '@' || c == '#') && i + 1 < n && TextFold.isWordChar(chars[i + 1])) {
        e = wordEnd(chars, i + 1);
      } else if (TextFold.isWordChar(c)) {
        e = wordEnd(chars, i);
      } else if (c == '\'' && i + 1 < n && Character.isLetter(chars[i + 1]) && i > 0
          && Character.isLetter(chars[i - 1])) {
        e = wordEnd(chars, i + 1); // "'s", "'m" as in the training data
      } else {
        e = i + Character.charCount(Character.codePointAt(chars, i));
      }
      tk.add(i, e);
      i = e;
    }
    return tk;
  }

  /** Letters and digits, with inner hyphens kept ("Jean-Luc"). */
  private static int wordEnd(char[] t, int i) {
    int n = t.length;
    int e = i;
    while (e < n) {
      char c = t[e];
      if (TextFold.isWordChar(c)) {
        e++;
      } else if (Character.isHighSurrogate(c) && e + 1 < n && Character.isLetter(Character.codePointAt(t, e))) {
        e += 2;
      } else if ((c == '-') && e + 1 < n && Character.isLetter(t[e + 1]) && e > i) {
        e++;
      } else {
        break;
      }
    }
    return Math.max(e, i + 1);
  }

  private void add(int s, int e) {
    if (size == starts.length) {
      starts = Arrays.copyOf(starts, size * 2);
      ends = Arrays.copyOf(ends, size * 2);
      shapes = Arrays.copyOf(shapes, size * 2);
      lowerHashes = Arrays.copyOf(lowerHashes, size * 2);
    }
    starts[size] = s;
    ends[size] = e;
    char first = chars[s];
    int b = SHAPE_ASCII | SHAPE_DIGITS;
    if (first < 128) {
      // The ASCII answers of Character.isLetter and isUpperCase, without their table look-ups.
      b |= TextFold.isAsciiLetter(first) ? SHAPE_LETTER : 0;
      b |= first >= 'A' && first <= 'Z' ? SHAPE_UPPER : 0;
    } else {
      b |= Character.isLetter(first) ? SHAPE_LETTER : 0;
      b |= Character.isUpperCase(first) ? SHAPE_UPPER : 0;
    }
    int h = 0;
    for (int p = s; p < e; p++) {
      char c = chars[p];
      if (c >= 128) {
        b &= ~SHAPE_ASCII;
        b |= TextFold.isLowerCase(c) ? SHAPE_SOME_LOWER : 0;
      } else if (c >= 'a' && c <= 'z') {
        b |= SHAPE_SOME_LOWER;
      }
      if (c < '0' || c > '9') {
        b &= ~SHAPE_DIGITS;
      }
      h = 31 * h + TextFold.asciiLower(c);
    }
    shapes[size] = (byte) b;
    lowerHashes[size] = h;
    size++;
  }

  String token(int k) {
    if (strings == null) {
      strings = new String[size];
    }
    String s = strings[k];
    if (s == null) {
      s = text.substring(starts[k], ends[k]);
      strings[k] = s;
    }
    return s;
  }

  /** The token lower-cased without diacritics ({@link TextFold#foldSameLength}). */
  String folded(int k) {
    if (folded == null) {
      folded = new String[size];
    }
    String f = folded[k];
    if (f == null) {
      f = TextFold.foldSameLength(token(k));
      folded[k] = f;
    }
    return f;
  }

  /**
   * The token in the form the name and common-word lists hold ({@link NameGazetteer#fold}). For an
   * ASCII token that is its lower case, the same string as {@link #folded}.
   */
  String nameFolded(int k) {
    if (nameFolded == null) {
      nameFolded = new String[size];
    }
    String f = nameFolded[k];
    if (f == null) {
      if (ascii(k)) {
        f = folded(k);
      } else {
        f = TextFold.nameFold(text, starts[k], ends[k]);
        if (f == null) {
          f = NameGazetteer.fold(token(k));
        }
      }
      nameFolded[k] = f;
    }
    return f;
  }

  /** Same as {@code NameGazetteer.containsFolded(nameFolded(k))}, looked up once per token. */
  boolean inNameList(int k) {
    if (ascii(k)) {
      int b = lexicon(k, Lexicon.ALL);
      if ((b & Lexicon.ALL) != 0) {
        return (b & Lexicon.NAME) != 0; // in one of the other lists, which has its name bit
      }
    }
    return lists(k, LISTS_NAME) != 0;
  }

  /** Same as {@code NameGazetteer.contains(token(k))}, looked up once per token. */
  boolean listedName(int k) {
    return length(k) > 1 && inNameList(k);
  }

  /** Same as {@code CommonWords.contains(token(k))}, looked up once per token. */
  boolean commonWord(int k) {
    if (ascii(k)) {
      return mayBe(k, Lexicon.COMMON_WORD); // exact for an ASCII token, and makes no string
    }
    return lists(k, LISTS_COMMON) != 0;
  }

  /**
   * The {@code LISTS_NAME} or {@code LISTS_COMMON} bit of token k, looked up on first use; for an
   * ASCII token, only {@code LISTS_NAME} of a word in no other list.
   */
  private int lists(int k, int list) {
    if (lists == null) {
      lists = new byte[size];
    }
    int known = list << 1; // each list's bit has a "looked up" bit above it
    byte b = lists[k];
    if ((b & known) == 0) {
      String f;
      if (ascii(k)) {
        // Its lower case, whose hash is known: no string is made.
        boolean in = Lexicon.otherName(chars, starts[k], ends[k], lowerHashes[k]);
        b |= (byte) (known | (in ? list : 0));
      } else if (TextFold.ascii(f = nameFolded(k))) {
        // Most accented Latin words fold to ASCII ("zoe"), whose answers for both lists are in
        // the lexicon (all the ASCII names and common words): one probe, no set of strings.
        int lex = Lexicon.bits(f);
        b = (byte) (LISTS_NAME << 1 | LISTS_COMMON << 1
            | ((lex & Lexicon.NAME) != 0 ? LISTS_NAME : 0)
            | ((lex & Lexicon.COMMON_WORD) != 0 ? LISTS_COMMON : 0));
      } else {
        boolean in = list == LISTS_NAME ? NameGazetteer.containsFolded(f) : CommonWords.containsFolded(f);
        b |= (byte) (known | (in ? list : 0));
      }
      lists[k] = b;
    }
    return b & list;
  }

  /**
   * Whether token k may be in one of the word lists of {@code bits} ({@link Lexicon}): false only
   * when it is not, so a rule can skip its own look-ups. An ASCII token is answered exactly from
   * its lower case; any other token may be in every list (the rules fold non-ASCII words in
   * different ways, and look them up themselves).
   */
  boolean mayBe(int k, int bits) {
    return (lexicon(k, bits) & bits) != 0;
  }

  /**
   * Token k's {@link #lexicon} entry, looked up on first use; 0, and not looked up, when the
   * lexicon's filter says that no list of {@code bits} holds it: most tokens stop there.
   */
  private int lexicon(int k, int bits) {
    if (lexicon == null) {
      lexicon = new int[size];
    }
    int b = lexicon[k];
    if (b == 0) {
      if (!ascii(k)) {
        b = -1;
      } else if (!Lexicon.mayHold(bits, lowerHashes[k])) {
        return 0;
      } else {
        b = Lexicon.listBits(chars, starts[k], ends[k], lowerHashes[k]) | LEXICON_KNOWN;
      }
      lexicon[k] = b;
    }
    return b;
  }

  /**
   * Whether {@code words} holds the token's {@link #folded} form; {@code bit} is the {@link
   * Lexicon} bit of that list, which answers most tokens without making the string.
   */
  boolean foldedIn(int k, int bit, java.util.Set<String> words) {
    return mayBe(k, bit) && words.contains(folded(k));
  }

  /** As {@link #foldedIn}, for a list of {@link #nameFolded} words. */
  boolean nameFoldedIn(int k, int bit, java.util.Set<String> words) {
    return mayBe(k, bit) && words.contains(nameFolded(k));
  }

  /** As {@link #foldedIn}, for a list of lower-case words compared with the token as written. */
  boolean tokenIn(int k, int bit, java.util.Set<String> words) {
    return mayBe(k, bit) && words.contains(token(k));
  }

  /**
   * {@link String#hashCode} of the token's ASCII lower case (chars beyond ASCII as they are): for
   * an ASCII token, the hash of {@link #folded}.
   */
  int lowerHash(int k) {
    return lowerHashes[k];
  }

  /** Whether every char of the token is ASCII. */
  boolean ascii(int k) {
    return (shape(k) & SHAPE_ASCII) != 0;
  }

  /** The {@code SHAPE_*} bits of token k. */
  private int shape(int k) {
    return shapes[k];
  }

  char first(int k) {
    return chars[starts[k]];
  }

  int length(int k) {
    return ends[k] - starts[k];
  }

  /** Whether the gap between token k-1 and k contains a line break. */
  boolean newlineBefore(int k) {
    for (int p = ends[k - 1]; p < starts[k]; p++) {
      if (chars[p] == '\n' || chars[p] == '\r') {
        return true;
      }
    }
    return false;
  }

  /** Whether the token equals {@code s}, ignoring case. */
  boolean is(int k, String s) {
    if (length(k) != s.length()) {
      return false;
    }
    // Most calls compare a word against a cue word and fail on the first or the last letter.
    int len = s.length();
    if (differ(chars[starts[k]], s.charAt(0)) || differ(chars[ends[k] - 1], s.charAt(len - 1))) {
      return false;
    }
    return len <= 2 || TextFold.regionMatchesIgnoreCase(text, starts[k] + 1, s, 1, len - 2);
  }

  /** Whether two chars differ ignoring case, as in {@link String#regionMatches(boolean, int, String, int, int)}. */
  private static boolean differ(char c, char d) {
    if (c == d) {
      return false;
    }
    if (c < 128 && d < 128) {
      return TextFold.asciiLower(c) != TextFold.asciiLower(d);
    }
    char u1 = Character.toUpperCase(c);
    char u2 = Character.toUpperCase(d);
    return u1 != u2 && Character.toLowerCase(u1) != Character.toLowerCase(u2);
  }

  /** Whether the text has no upper-case letter at all; computed once. */
  boolean allLowerCase() {
    if (lowerCase < 0) {
      lowerCase = 1;
      for (int i = 0; i < text.length(); i++) {
        if (Character.isUpperCase(chars[i])) {
          lowerCase = 0;
          break;
        }
      }
    }
    return lowerCase == 1;
  }

  /**
   * The first token from k on that is ASCII digits only and at most six chars long (a house
   * number), or {@link #size}. Made for all tokens on first use, from the last token back: the
   * address rule asks it of every capitalised word.
   */
  int nextShortNumber(int k) {
    if (nextShortNumber == null) {
      nextShortNumber = new int[size + 1];
      nextShortNumber[size] = size;
      for (int t = size - 1; t >= 0; t--) {
        nextShortNumber[t] = allDigits(t) && length(t) <= 6 ? t : nextShortNumber[t + 1];
      }
    }
    return nextShortNumber[k];
  }

  /** Whether the token is ASCII digits only. */
  boolean allDigits(int k) {
    return (shape(k) & SHAPE_DIGITS) != 0;
  }

  /** Whether the first char is upper case ({@link Character#isUpperCase(char)}). */
  boolean capitalized(int k) {
    return (shape(k) & SHAPE_UPPER) != 0;
  }

  /** Whether some char of the token is lower case ({@link Character#isLowerCase(char)}). */
  boolean someLowerCase(int k) {
    return (shape(k) & SHAPE_SOME_LOWER) != 0;
  }

  /** Whether the first char is a letter ({@link Character#isLetter(char)}). */
  boolean word(int k) {
    return (shape(k) & SHAPE_LETTER) != 0;
  }
}
