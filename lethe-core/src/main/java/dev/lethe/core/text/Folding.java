package dev.lethe.core.text;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Case and diacritics folding of names: how a member's display name and a text are compared when
 * redaction looks for the name in the text, and what an erased member's name digest is computed
 * over ({@code ErasedNameKey}). Both sides must fold the same way, so there is one definition.
 * Stateless and thread-safe.
 */
public final class Folding {
  private Folding() {}

  /** Per UTF-16 unit, its fold; 128 KiB, made once. */
  private static final char[] TABLE = buildTable();

  /**
   * One char folded: lower case without diacritics ("ë" to "e"). Characters whose decomposition
   * starts with a base letter map to that letter; others (CJK, symbols) are only lower-cased;
   * surrogates stay as they are.
   */
  public static char foldChar(char c) {
    return TABLE[c];
  }

  /**
   * {@link #foldChar} of every char, so offsets carry over ("Zoë" becomes "zoe"); the string itself
   * when nothing changes.
   */
  public static String foldSameLength(String s) {
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
   * The identity of a name or value: NFC, folded, whitespace runs collapsed to one space, trimmed.
   * "  Zoë   Müller " and "zoe muller" have the same identity.
   */
  public static String foldForIdentity(String s) {
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

  /** Whether every char of {@code s} is ASCII. */
  public static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a char is part of a word: a letter, a digit, {@code _} or a non-spacing mark. A name
   * is found in a text only where neither neighbour is a word char.
   */
  public static boolean isWordChar(char c) {
    if (c < 128) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
    return Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK;
  }

  private static char[] buildTable() {
    char[] t = new char[65536];
    for (int c = 0; c < 65536; c++) {
      t[c] = computeFold((char) c);
    }
    return t;
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
}
