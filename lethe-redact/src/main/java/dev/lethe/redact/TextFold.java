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
    char[] out = new char[s.length()];
    boolean ascii = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        out[i] = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
      } else {
        ascii = false;
        out[i] = foldChar(c);
      }
    }
    return ascii && s.chars().noneMatch(c -> c >= 'A' && c <= 'Z') ? s : new String(out);
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
    String f = foldSameLength(Normalizer.normalize(s, Normalizer.Form.NFC));
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

  static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || Character.getType(c) == Character.NON_SPACING_MARK;
  }
}
