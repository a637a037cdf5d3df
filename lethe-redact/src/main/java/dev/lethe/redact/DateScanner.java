package dev.lethe.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Calendar dates ("1990-05-17 10:30", "7/30/1964", "12 March 1990", "March 12, 1990") and, after a
 * cue word ("in 1974", "since 2001"), bare years. A date after a birth cue scores highest, since a
 * date of birth is what makes a date personal. Linear: each candidate reads a bounded number of
 * characters.
 */
final class DateScanner {
  private static final List<String> MONTHS =
      List.of("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december");
  private static final List<String> YEAR_CUES =
      List.of("in", "of", "since", "during", "from", "until", "till", "by", "year", "around",
          "circa", "before", "after", "born");
  /** The months by their initial, for ASCII letters; in {@link #MONTHS} order, empty for most. */
  private static final List<List<String>> MONTHS_BY_INITIAL = byInitial();
  private static final String[] ORDINALS = {"st", "nd", "rd", "th"};

  /** The months by their first two letters, both ASCII, at {@code 128 * first + second}. */
  private static final List<List<String>> MONTHS_BY_PREFIX = byPrefix();
  /**
   * Whether any month starts with these two ASCII letters, at {@code 128 * first + second}: asked
   * at every word start, and no for almost all, without reaching for the list of lists.
   */
  private static final boolean[] MONTH_PREFIX = monthPrefixes();

  private static boolean[] monthPrefixes() {
    boolean[] p = new boolean[128 * 128];
    for (int i = 0; i < p.length; i++) {
      p[i] = !MONTHS_BY_PREFIX.get(i).isEmpty();
    }
    return p;
  }

  private static List<List<String>> byPrefix() {
    List<List<String>> m = new ArrayList<>(128 * 128);
    for (char c = 0; c < 128; c++) {
      for (char d = 0; d < 128; d++) {
        char l1 = TextFold.asciiLower(c);
        char l2 = TextFold.asciiLower(d);
        m.add(MONTHS.stream().filter(name -> name.charAt(0) == l1 && name.charAt(1) == l2).toList());
      }
    }
    return List.copyOf(m);
  }

  private static List<List<String>> byInitial() {
    List<List<String>> m = new ArrayList<>(128);
    for (char c = 0; c < 128; c++) {
      char l = TextFold.asciiLower(c);
      m.add(MONTHS.stream().filter(name -> name.charAt(0) == l).toList());
    }
    return List.copyOf(m);
  }

  /** Scans {@code t}, whose chars are {@code cs}. */
  void scan(String t, char[] cs, Hits out) {
    int n = cs.length;
    int i = 0;
    // Whether t[i - 1] is a letter or a digit: each char is classified once, as the previous
    // char of the next, rather than again by every candidate start.
    boolean afterWord = false;
    while (i < n) {
      char c = cs[i];
      int next = i + 1;
      boolean word;
      // Only a digit or a letter can start a date, and only at the start of a word.
      if (c < 128) {
        boolean digit = PatternScanner.isDigit(c);
        boolean letter = TextFold.isAsciiLetter(c);
        if (!afterWord && digit) {
          next = Math.max(next, numeric(t, i, out));
        } else if (!afterWord && letter) {
          next = Math.max(next, monthFirst(t, i, out));
        }
        word = digit || letter;
      } else {
        if (!afterWord && Character.isLetter(c)) {
          next = Math.max(next, monthFirst(t, i, out));
        }
        word = Character.isLetterOrDigit(c);
      }
      afterWord = next == i + 1 ? word : letterOrDigit(cs[next - 1]);
      i = next;
    }
  }

  /** {@link Character#isLetterOrDigit(char)}, without its table for ASCII. */
  private static boolean letterOrDigit(char c) {
    if (c < 128) {
      return PatternScanner.isDigit(c) || TextFold.isAsciiLetter(c);
    }
    return Character.isLetterOrDigit(c);
  }

  private static int digitsAt(String t, int i, int max) {
    int k = i;
    while (k < t.length() && k - i < max + 1 && PatternScanner.isDigit(t.charAt(k))) {
      k++;
    }
    return k - i;
  }

  /** The value of the ASCII digits {@code t[i, i + len)}, at most four (as parseInt, no string). */
  private static int num(String t, int i, int len) {
    int v = 0;
    for (int p = i; p < i + len; p++) {
      v = 10 * v + (t.charAt(p) - '0');
    }
    return v;
  }

  private static double score(String t, int start) {
    return Cues.before(t, start, 40, Cues.BIRTH) ? 0.95 : 0.85;
  }

  private int numeric(String t, int i, Hits out) {
    int n = t.length();
    int l1 = digitsAt(t, i, 4);
    if (l1 == 0 || l1 > 4) {
      return i + Math.max(1, l1);
    }
    int p = i + l1;
    if (p < n && "-/.".indexOf(t.charAt(p)) >= 0) {
      char sep = t.charAt(p);
      int l2 = digitsAt(t, p + 1, 2);
      int q = p + 1 + l2;
      if (l2 >= 1 && l2 <= 2 && q < n && t.charAt(q) == sep) {
        int l3 = digitsAt(t, q + 1, 4);
        int end = q + 1 + l3;
        boolean isolated = end >= n || !(Character.isLetterOrDigit(t.charAt(end))
            || (end + 1 < n && t.charAt(end) == sep && PatternScanner.isDigit(t.charAt(end + 1))));
        if (isolated) {
          int a = num(t, i, l1);
          int b = num(t, p + 1, l2);
          if (l1 == 4 && (l3 == 1 || l3 == 2) && sep != '.' && month(b) && day(num(t, q + 1, l3))) {
            end = time(t, end);
            out.add(EntityType.DATE_TIME, i, end, score(t, i));
            return end;
          }
          if (l1 <= 2 && (l3 == 4 || l3 == 2) && ((month(a) && day(b)) || (day(a) && month(b)))) {
            int y = num(t, q + 1, l3);
            if (l3 == 2 || (y >= 1000 && y <= 2199)) {
              end = time(t, end);
              out.add(EntityType.DATE_TIME, i, end, score(t, i) - (l3 == 2 ? 0.1 : 0));
              return end;
            }
          }
        }
      }
    }
    // "12 March 1990", "3rd of May"
    if (l1 <= 2 && day(num(t, i, l1))) {
      int k = i + l1;
      k = skipOrdinal(t, k);
      if (k < n && t.charAt(k) == ' ') {
        int m = k + 1;
        if (TextFold.regionMatchesIgnoreCase(t, m, "of ", 3)) {
          m += 3;
        }
        int me = monthAt(t, m);
        if (me > 0) {
          int end = me;
          int y = yearAfter(t, me);
          if (y > 0) {
            end = y;
          }
          out.add(EntityType.DATE_TIME, i, end, score(t, i));
          return end;
        }
      }
    }
    // A bare year after a cue word: "in 1974", "since 2001".
    if (l1 == 4 && (i + 4 >= n || !Character.isLetterOrDigit(t.charAt(i + 4)))) {
      int y = num(t, i, 4);
      if (y >= 1900 && y <= 2099 && yearCue(t, i)) {
        out.add(EntityType.DATE_TIME, i, i + 4, 0.5);
      }
    }
    return i + l1;
  }

  private static boolean yearCue(String t, int i) {
    int k = i - 1;
    if (k < 0 || t.charAt(k) != ' ') {
      return false;
    }
    int e = k;
    while (k > 0 && Character.isLetter(t.charAt(k - 1)) && e - k < 8) {
      k--;
    }
    String w = t.substring(k, e).toLowerCase(Locale.ROOT);
    return YEAR_CUES.contains(w);
  }

  private static int skipOrdinal(String t, int k) {
    for (String s : ORDINALS) {
      if (TextFold.regionMatchesIgnoreCase(t, k, s, 2)) {
        return k + 2;
      }
    }
    return k;
  }

  /** End of a month name (full, or three letters with an optional dot) at {@code m}, or -1. */
  private static int monthAt(String t, int m) {
    int n = t.length();
    if (m + 3 > n) {
      return -1; // every form of a month has at least three letters
    }
    char c = t.charAt(m);
    char d = t.charAt(m + 1);
    if (c < 128 && d < 128 && !MONTH_PREFIX[c * 128 + d]) {
      return -1;
    }
    if (c >= 128 && !foldsToAscii(c)) {
      return -1; // equal ignoring case to no ASCII letter, so to no month's first letter
    }
    // ASCII letters match only the months they start (most pairs start none); other chars are
    // compared with all twelve, as case-insensitive equality is wider for them.
    List<String> months = c >= 128 ? MONTHS
        : d >= 128 ? MONTHS_BY_INITIAL.get(c) : MONTHS_BY_PREFIX.get(c * 128 + d);
    if (months.isEmpty()) {
      return -1;
    }
    for (String name : months) {
      if (TextFold.regionMatchesIgnoreCase(t, m, name, name.length())
          && (m + name.length() >= n || !Character.isLetter(t.charAt(m + name.length())))) {
        return m + name.length();
      }
    }
    for (String name : months) {
      if (TextFold.regionMatchesIgnoreCase(t, m, name, 3) && (m + 3 >= n || !Character.isLetter(t.charAt(m + 3)))
          && Character.isUpperCase(t.charAt(m))) {
        return m + 3 < n && t.charAt(m + 3) == '.' ? m + 4 : m + 3;
      }
    }
    return -1;
  }

  /**
   * Whether a char beyond ASCII equals some ASCII char ignoring case, as {@link
   * String#regionMatches(boolean, int, String, int, int)} compares chars: by their upper case, then
   * the lower case of that ("\u017f", long s, equals 's'; the Kelvin sign equals 'k'). Most letters
   * of other scripts and accented letters do not, and cannot start a month's name.
   */
  static boolean foldsToAscii(char c) {
    char u = Character.toUpperCase(c);
    return u < 128 || Character.toLowerCase(u) < 128;
  }

  /** End of ",? YYYY" after {@code k}, or -1. */
  private static int yearAfter(String t, int k) {
    int n = t.length();
    if (k < n && t.charAt(k) == ',') {
      k++;
    }
    if (k < n && t.charAt(k) == ' ') {
      k++;
    } else {
      return -1;
    }
    if (digitsAt(t, k, 4) == 4) {
      int y = num(t, k, 4);
      if (y >= 1000 && y <= 2199) {
        return k + 4;
      }
    }
    return -1;
  }

  private int monthFirst(String t, int i, Hits out) {
    int me = monthAt(t, i);
    if (me < 0) {
      return i + 1;
    }
    int n = t.length();
    // "May" alone is a verb or a name: require a day or a year after it.
    int k = me;
    if (k < n && t.charAt(k) == ' ') {
      int l = digitsAt(t, k + 1, 2);
      if (l >= 1 && l <= 2 && day(num(t, k + 1, l))) {
        int d = skipOrdinal(t, k + 1 + l);
        if (d >= n || !Character.isLetterOrDigit(t.charAt(d))) {
          int y = yearAfter(t, d);
          int end = y > 0 ? y : d;
          out.add(EntityType.DATE_TIME, i, end, score(t, i));
          return end;
        }
      }
      int y = yearAfter(t, me);
      if (y > 0) {
        out.add(EntityType.DATE_TIME, i, y, score(t, i));
        return y;
      }
    }
    return me;
  }

  /** Extends past " HH:MM(:SS)?( AM| PM)?" or "THH:MM..." when present. */
  private static int time(String t, int end) {
    int n = t.length();
    if (end < n && (t.charAt(end) == ' ' || t.charAt(end) == 'T')) {
      int h = end + 1;
      int lh = digitsAt(t, h, 2);
      if (lh >= 1 && lh <= 2 && h + lh < n && t.charAt(h + lh) == ':' && digitsAt(t, h + lh + 1, 2) == 2) {
        int e = h + lh + 3;
        if (e < n && t.charAt(e) == ':' && digitsAt(t, e + 1, 2) == 2) {
          e += 3;
        }
        if (TextFold.regionMatchesIgnoreCase(t, e, " am", 3) || TextFold.regionMatchesIgnoreCase(t, e, " pm", 3)) {
          e += 3;
        }
        return e;
      }
    }
    return end;
  }

  private static boolean month(int m) {
    return m >= 1 && m <= 12;
  }

  private static boolean day(int d) {
    return d >= 1 && d <= 31;
  }
}
