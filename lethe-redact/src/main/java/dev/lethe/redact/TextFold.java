package dev.lethe.redact;

import java.text.Normalizer;
import java.util.Locale;

/** Case and diacritics folding shared by name matching and pseudonyms. */
final class TextFold {
  private TextFold() {}

  /**
   * Lower case without diacritics, one char out per char in (so offsets carry over): "Zoë" becomes
   * "zoe". Characters whose decomposition starts with a base letter map to that letter; others
   * (CJK, symbols) are only lower-cased.
   */
  static String foldSameLength(String s) {
    // Most tokens are already folded (lower-case ASCII): find the first char that changes and
    // return the string itself when there is none, without allocating.
    int n = s.length();
    int i = 0;
    while (i < n && TABLE[s.charAt(i)] == s.charAt(i)) {
      i++;
    }
    if (i == n) {
      return s;
    }
    char[] out = new char[n];
    s.getChars(0, i, out, 0);
    for (; i < n; i++) {
      out[i] = TABLE[s.charAt(i)];
    }
    return new String(out);
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

  static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  private static final char[] TABLE = buildTable();

  private static char[] buildTable() {
    char[] t = new char[65536];
    for (int c = 0; c < 65536; c++) {
      t[c] = computeFold((char) c);
    }
    return t;
  }

  static char foldChar(char c) {
    return TABLE[c];
  }

  private static char computeFold(char c) {
    if (c < 128) {
      return (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
    }
    if (Character.isSurrogate(c)) {
      return c;
    }
    switch (c) {
      case '\u00df':
        return 's';
      case '\u00f8':
      case '\u00d8':
        return 'o';
      case '\u0142':
      case '\u0141':
        return 'l';
      case '\u0111':
      case '\u0110':
        return 'd';
      case '\u00e6':
      case '\u00c6':
        return 'a';
      case '\u0131':
        return 'i';
      default:
        break;
    }
    String d = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD);
    char base = d.charAt(0);
    char lower = Character.toLowerCase(base);
    return Character.isSurrogate(lower) ? c : lower;
  }

  /** Folding for pseudonym identity: folded, whitespace collapsed, trimmed. */
  static String foldForIdentity(String s) {
    // NFC leaves ASCII as it is; most values are ASCII, and the normalizer costs a copy.
    String f = foldSameLength(ascii(s) ? s : Normalizer.normalize(s, Normalizer.Form.NFC));
    StringBuilder sb = new StringBuilder(f.length());
    boolean space = false;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (Character.isWhitespace(c)) {
        space = sb.length() > 0;
      } else {
        if (space) {
          sb.append(' ');
          space = false;
        }
        sb.append(c);
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  static boolean isWordChar(char c) {
    if (c < 128) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
    return Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK;
  }
}
