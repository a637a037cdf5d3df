package dev.lethe.redact;

import dev.lethe.core.text.Folding;
import dev.lethe.redact.nlp.NameGazetteer;

/**
 * Case and diacritics folding shared by name matching and pseudonyms; the folding itself is
 * lethe-core's {@link Folding}, which erased members' name digests are computed over too.
 */
final class TextFold {
  private TextFold() {}

  /** {@link Folding#foldSameLength}: "Zoë" becomes "zoe", one char out per char in. */
  static String foldSameLength(String s) {
    return Folding.foldSameLength(s);
  }

  /**
   * Whether {@code t} holds {@code s} at {@code off}, ignoring case: the same answer as {@code
   * t.regionMatches(true, off, s, 0, s.length())}, without its per-char case mapping for ASCII.
   */
  static boolean regionMatchesIgnoreCase(String t, int off, String s) {
    return regionMatchesIgnoreCase(t, off, s, s.length());
  }

  /** Same as {@code t.regionMatches(true, off, s, 0, len)}. */
  static boolean regionMatchesIgnoreCase(String t, int off, String s, int len) {
    return regionMatchesIgnoreCase(t, off, s, 0, len);
  }

  /** Same as {@code t.regionMatches(true, off, s, soff, len)}. */
  static boolean regionMatchesIgnoreCase(String t, int off, String s, int soff, int len) {
    if (off < 0 || soff < 0 || off > t.length() - len || soff > s.length() - len) {
      return false;
    }
    for (int j = 0; j < len; j++) {
      char c1 = t.charAt(off + j);
      char c2 = s.charAt(soff + j);
      if (c1 == c2) {
        continue;
      }
      if (c1 < 128 && c2 < 128) {
        if (asciiLower(c1) != asciiLower(c2)) {
          return false;
        }
        continue;
      }
      // As String.regionMatches: equal after upper-casing, or after upper- then lower-casing.
      char u1 = Character.toUpperCase(c1);
      char u2 = Character.toUpperCase(c2);
      if (u1 != u2 && Character.toLowerCase(u1) != Character.toLowerCase(u2)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link NameGazetteer#fold} of {@code t[from, to)} char by char, or null when a char is not in
   * the blocks where that is exact (Latin, Greek, Cyrillic, ASCII). The list form of a name is
   * decomposed (NFD), stripped of combining marks and lower-cased; for these blocks each char
   * decomposes alone into a base and marks, reordering moves only marks, which all go, and
   * lower-casing the bases is per char (capital sigma, whose lower case depends on its
   * neighbours, is left out). The normalizer and the pattern behind the list form cost more than
   * the rest of the name rules for a word with an accent.
   */
  static String nameFold(String t, int from, int to) {
    char[] out = new char[to - from];
    int o = 0;
    for (int p = from; p < to; p++) {
      char c = t.charAt(p);
      if (c < 128) {
        out[o++] = asciiLower(c);
        continue;
      }
      char f = c < NameFoldTable.TABLE.length ? NameFoldTable.TABLE[c] : NO_FOLD;
      if (f == NO_FOLD) {
        return null;
      }
      if (f != MARK) {
        out[o++] = f;
      }
    }
    return new String(out, 0, o);
  }

  /** In {@link #NAME_FOLD}: the char is a combining mark, which the list form drops. */
  private static final char MARK = '\uFFFF';
  /** In {@link #NAME_FOLD}: the char is not folded char by char. */
  private static final char NO_FOLD = '\uFFFE';
  /**
   * Per char below U+0500, its list form as one char, {@link #MARK} or {@link #NO_FOLD}. In a
   * holder, as making it loads the name list, which pseudonyms and the other rules do not need.
   */
  private static final class NameFoldTable {
    static final char[] TABLE = nameFoldTable();
  }

  private static char[] nameFoldTable() {
    char[] table = new char[0x500];
    for (char c = 0; c < table.length; c++) {
      String f = NameGazetteer.fold(String.valueOf(c));
      boolean latinGreekCyrillic = c < 0x250 || (c >= 0x370 && c < 0x500);
      if (c < 128 || !latinGreekCyrillic || c == '\u03a3' || f.length() > 1) {
        table[c] = NO_FOLD;
      } else if (f.isEmpty()) {
        // Only combining marks fold to nothing; anything else stays out of the table.
        int type = Character.getType(c);
        boolean mark = type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
            || type == Character.COMBINING_SPACING_MARK;
        table[c] = mark ? MARK : NO_FOLD;
      } else {
        table[c] = f.charAt(0) == MARK || f.charAt(0) == NO_FOLD ? NO_FOLD : f.charAt(0);
      }
    }
    return table;
  }

  /** Whether {@code c} is an ASCII letter, A to Z in either case. */
  static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  /**
   * Same as {@link Character#isLowerCase(char)}, from a bit per char: the tokenizer asks it of
   * every char beyond ASCII, where the JDK's answer is a look-up in several tables.
   */
  static boolean isLowerCase(char c) {
    return (LOWER[c >>> 6] & (1L << c)) != 0;
  }

  private static final long[] LOWER = lowerCaseBits();

  private static long[] lowerCaseBits() {
    long[] bits = new long[65536 / 64];
    for (int c = 0; c < 65536; c++) {
      if (Character.isLowerCase((char) c)) {
        bits[c >>> 6] |= 1L << c;
      }
    }
    return bits;
  }

  static char foldChar(char c) {
    return Folding.foldChar(c);
  }

  /**
   * {@link #foldChar} as the repeat search compares text and values: also final sigma as sigma,
   * since "Νίκος" written in capitals is "ΝΊΚΟΣ", whose fold ends in σ; and the no-break spaces
   * (U+00A0, U+2007, U+202F), which {@link Character#isWhitespace} leaves out, as a space, so
   * "Xochitl\u00a0Quispe" repeats "Xochitl Quispe". lethe-core's {@link Folding} keeps them, as
   * erased members' name digests were computed with it.
   */
  static char foldForRepeatChar(char c) {
    return again(Folding.foldChar(c));
  }

  private static final char FINAL_SIGMA = '\u03c2';

  /** What {@link #foldForRepeatChar} does after {@link Folding#foldChar}. */
  private static char again(char f) {
    return switch (f) {
      case FINAL_SIGMA -> '\u03c3';
      case '\u00a0', '\u2007', '\u202f' -> ' ';
      default -> f;
    };
  }

  /** {@link #foldForRepeatChar} of every char: offsets carry over; the fold itself when nothing more changes. */
  static String foldForRepeats(String s) {
    String f = Folding.foldSameLength(s);
    // A Latin-1 string is told it has no char beyond U+00FF without a scan.
    if (f.indexOf('\u00a0') < 0 && f.indexOf(FINAL_SIGMA) < 0 && f.indexOf('\u202f') < 0 && f.indexOf('\u2007') < 0) {
      return f;
    }
    char[] out = f.toCharArray();
    for (int i = 0; i < out.length; i++) {
      out[i] = again(out[i]);
    }
    return new String(out);
  }

  /**
   * The identity a pseudonym is made from: {@link #foldForIdentity} with final sigma as sigma and
   * the no-break spaces as spaces ({@link #foldForRepeatChar}), so a value and its repeats get one
   * pseudonym.
   */
  static String pseudonymIdentity(String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < c.length; i++) {
      c[i] = c[i] == FINAL_SIGMA || c[i] == '\u00a0' || c[i] == '\u2007' || c[i] == '\u202f' ? again(c[i]) : c[i];
    }
    return Folding.foldForIdentity(new String(c));
  }

  /** Folding for member names: {@link Folding#foldForIdentity}. */
  static String foldForIdentity(String s) {
    return Folding.foldForIdentity(s);
  }

  /** Whether every char of {@code s} is ASCII. */
  static boolean ascii(String s) {
    return Folding.ascii(s);
  }

  /** Whether every char of {@code s} is ASCII and none is an upper-case letter. */
  static boolean lowerAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 128 || (c >= 'A' && c <= 'Z')) {
        return false;
      }
    }
    return true;
  }

  /** {@link Folding#isWordChar}. */
  static boolean isWordChar(char c) {
    return Folding.isWordChar(c);
  }
}
