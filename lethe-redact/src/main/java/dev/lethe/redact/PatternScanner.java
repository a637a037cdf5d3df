package dev.lethe.redact;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One left-to-right pass for the identifiers that have a shape: e-mail, URL, handle, IBAN, UK NINO,
 * IP addresses, and runs of digits (cards, SSNs, IPv4, phones). Every scan consumes a bounded or
 * maximal run and resumes after it, so the pass is linear in the text length whatever the input.
 */
final class PatternScanner {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  /** Regions tried after the member's own: the most common origins of numbers in our data. */
  static final List<String> COMMON_REGIONS =
      List.of("US", "GB", "DE", "FR", "NL", "IT", "ES", "CA", "AU", "IN", "IE", "BE", "CH", "AT",
          "SE", "NO", "DK", "FI", "PL", "PT", "BR", "MX", "NZ", "ZA", "JP", "IS", "EE", "GR", "CZ");
  private static final int MAX_NUMBER_RUN = 64;

  private final Set<EntityType> types;
  /** Per thread, since the memo is not thread-safe and the scanner is shared. */
  private final ThreadLocal<PhoneAnswers> answers = ThreadLocal.withInitial(PhoneAnswers::new);

  PatternScanner(Set<EntityType> types) {
    this.types = types;
  }

  /** Scans {@code t}, whose chars are {@code cs}. */
  void scan(String t, char[] cs, DetectionContext ctx, Hits out) {
    int n = cs.length;
    int i = 0;
    // Whether t[i - 1] is a word char: each char is classified once, as the previous char of the
    // next, rather than again by every candidate start.
    boolean afterWord = false;
    while (i < n) {
      char c = cs[i];
      int next = i + 1;
      if (c == '@') {
        next = atSign(t, i, out);
      } else if (!afterWord && mayStart(c)) {
        next = Math.max(next, wordStart(t, cs, i, ctx, out));
      }
      afterWord = TextFold.isWordChar(cs[next - 1]);
      i = next;
    }
  }

  /**
   * Whether a pattern other than an e-mail can start with {@code c}: an ASCII letter, a digit,
   * '+', '(' or ':'. Other chars, most of prose, are passed over without further test.
   */
  private static boolean mayStart(char c) {
    return TextFold.isAsciiLetter(c) || isDigit(c) || c == '+' || c == '(' || c == ':';
  }

  /** Scans the pattern that starts at word start {@code i}; returns where to resume. */
  private int wordStart(String t, char[] cs, int i, DetectionContext ctx, Hits out) {
    int n = cs.length;
    char c = cs[i];
    if (isHex(c) && !isDigit(c) && hexGroupThenColon(cs, i)) {
      // "fe80::1", "fd12:3456::": an IPv6 address whose first group starts with a letter.
      int next = ipv6(t, i, out);
      if (next > i + 1) {
        return next;
      }
    }
    if (c == 'h' || c == 'H' || c == 'w' || c == 'W' || c == 'f' || c == 'F') {
      int next = url(t, i, out);
      return next > i + 1 ? next : letters(t, cs, i, out);
    } else if (TextFold.isAsciiLetter(c)) {
      return letters(t, cs, i, out);
    } else if (isDigit(c) || ((c == '+' || c == '(') && i + 1 < n && isDigit(cs[i + 1]))) {
      return number(t, i, ctx, out);
    } else if (c == ':' && i + 1 < n && cs[i + 1] == ':') {
      return ipv6(t, i, out);
    }
    return i + 1;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  // ---- e-mail and handles -------------------------------------------------------------------

  private static boolean localChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
        || c == '\'';
  }

  private static boolean domainChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-';
  }

  /** Returns where to resume: after the e-mail or handle, or just after the '@'. */
  private int atSign(String t, int at, Hits out) {
    int n = t.length();
    int l = at;
    while (l > 0 && at - l < 64 && localChar(t.charAt(l - 1))) {
      l--;
    }
    while (l < at && !Character.isLetterOrDigit(t.charAt(l))) {
      l++;
    }
    int r = at + 1;
    int lastDot = -1;
    while (r < n && r - at <= 253) {
      char c = t.charAt(r);
      if (domainChar(c)) {
        r++;
      } else if (c == '.' && r + 1 < n && domainChar(t.charAt(r + 1)) && t.charAt(r - 1) != '.'
          && r > at + 1) {
        lastDot = r;
        r++;
      } else {
        break;
      }
    }
    while (r > at + 1 && t.charAt(r - 1) == '-') {
      r--;
    }
    if (l < at && lastDot > at + 1 && lastDot < r - 2 && (allLetters(t, lastDot + 1, r) || punycode(t, lastDot + 1, r))) {
      if (types.contains(EntityType.EMAIL_ADDRESS)) {
        out.add(EntityType.EMAIL_ADDRESS, l, r, 1.0);
      }
      return r;
    }
    boolean boundary = at == 0 || !(TextFold.isWordChar(t.charAt(at - 1)) || t.charAt(at - 1) == '@');
    int h = at + 1;
    // Letters, digits and '_', and dots between them as some networks allow ("@jane.doe"): a
    // handle cut at its first dot would leave the rest of it in the text.
    while (h < n && h - at <= 30 && (handleChar(t.charAt(h))
        || (t.charAt(h) == '.' && h > at + 1 && h + 1 < n && handleChar(t.charAt(h + 1))))) {
      h++;
    }
    if (boundary && h > at + 1 && (h == n || !TextFold.isWordChar(t.charAt(h)))) {
      // A handle names a person online (or an organisation, which is kept out of training text
      // as well): PERSON, as there is no Presidio type for handles.
      if (types.contains(EntityType.PERSON)) {
        out.add(EntityType.PERSON, at, h, 0.9);
      }
      return h;
    }
    return at + 1;
  }

  /** An internationalised top-level domain in its ASCII form: "xn--" and letters, digits or '-' ("xn--p1ai"). */
  private static boolean punycode(String t, int from, int to) {
    if (to - from < 6 || !t.regionMatches(true, from, "xn--", 0, 4)) {
      return false;
    }
    for (int k = from + 4; k < to; k++) {
      char c = t.charAt(k);
      if (!TextFold.isAsciiLetter(c) && !isDigit(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean allLetters(String t, int from, int to) {
    for (int k = from; k < to; k++) {
      if (!Character.isLetter(t.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  // ---- URLs ---------------------------------------------------------------------------------

  private static final String[] URL_STARTS = {"https://", "http://", "ftp://", "www."};

  private int url(String t, int i, Hits out) {
    int n = t.length();
    // Every start has 't' or 'w' second ("https://", "ftp://", "www."): most words stop here.
    char second = i + 1 < n ? t.charAt(i + 1) : ' ';
    if (second < 128 && (second | 32) != 't' && (second | 32) != 'w') {
      return i + 1;
    }
    int body = -1;
    for (String s : URL_STARTS) {
      if (TextFold.regionMatchesIgnoreCase(t, i, s, s.length())) {
        body = i + s.length();
        break;
      }
    }
    if (body < 0) {
      return i + 1;
    }
    int r = body;
    int parens = 0;
    while (r < n && r - i < 2048) {
      char c = t.charAt(r);
      if (Character.isWhitespace(c) || c == '<' || c == '>' || c == '"' || c == '{' || c == '}'
          || c == '|' || c == '\\' || c == '^' || c == '`') {
        break;
      }
      if (c == '(') {
        parens++;
      } else if (c == ')') {
        if (parens == 0) {
          break;
        }
        parens--;
      }
      r++;
    }
    while (r > body && ".,;:!?'\"]*".indexOf(t.charAt(r - 1)) >= 0) {
      r--;
    }
    if (r - body < 3 || t.indexOf('.', i + 3) < 0 || t.indexOf('.', i + 3) >= r) {
      return i + 1;
    }
    if (types.contains(EntityType.URL)) {
      out.add(EntityType.URL, i, r, 0.95);
    }
    return r;
  }

  // ---- IBAN and NINO (letter-led) -----------------------------------------------------------

  /** Scans an IBAN or a NINO at word start {@code i} of {@code t}, whose chars are {@code cs}. */
  private int letters(String t, char[] cs, int i, Hits out) {
    int n = cs.length;
    if (i + 4 > n) {
      return i + 1;
    }
    // Both start with two ASCII letters, then a digit (or, for a NINO in pairs, a space): nearly
    // every word of prose fails this on its first three chars.
    char third = cs[i + 2];
    if (!TextFold.isAsciiLetter(cs[i]) || !TextFold.isAsciiLetter(cs[i + 1]) || !isDigit(third) && third != ' ') {
      return i + 1;
    }
    if (isDigit(third) && isDigit(cs[i + 3])) {
      int r = iban(t, i, out);
      if (r > i) {
        return r;
      }
    }
    return nino(t, i, out);
  }

  /**
   * {@link Checks#IBAN_LENGTHS} by the country code's two letters, at {@code 26 * first +
   * second} (upper case), 0 for codes without IBANs: asked of every word of two letters and two
   * digits, without making the code's string.
   */
  private static final int[] IBAN_LENGTH_BY_LETTERS = ibanLengths();

  private static int[] ibanLengths() {
    int[] lengths = new int[26 * 26];
    Checks.IBAN_LENGTHS.forEach((cc, len) -> {
      if (cc.length() == 2 && cc.chars().allMatch(ch -> ch >= 'A' && ch <= 'Z')) {
        lengths[26 * (cc.charAt(0) - 'A') + cc.charAt(1) - 'A'] = len;
      } else {
        throw new IllegalStateException("not a country code: " + cc);
      }
    });
    return lengths;
  }

  /** Scans an IBAN at {@code i}, whose first two chars are ASCII letters. */
  private int iban(String t, int i, Hits out) {
    int len = IBAN_LENGTH_BY_LETTERS[26 * ((t.charAt(i) & ~32) - 'A') + (t.charAt(i + 1) & ~32) - 'A'];
    if (len == 0) {
      return -1;
    }
    StringBuilder compact = new StringBuilder(34);
    int r = i;
    int n = t.length();
    while (r < n && compact.length() < len) {
      char c = t.charAt(r);
      if (isDigit(c) || TextFold.isAsciiLetter(c)) {
        compact.append(c);
        r++;
      } else if ((c == ' ' || c == '-' || noBreakSpace(c)) && r + 1 < n && r > i
          && Character.isLetterOrDigit(t.charAt(r + 1)) && t.charAt(r - 1) != ' ' && !noBreakSpace(t.charAt(r - 1))) {
        r++;
      } else {
        break;
      }
    }
    if (compact.length() != len || (r < n && Character.isLetterOrDigit(t.charAt(r)))) {
      return -1;
    }
    if (!Checks.iban(compact.toString())) {
      return -1;
    }
    if (types.contains(EntityType.IBAN_CODE)) {
      out.add(EntityType.IBAN_CODE, i, r, 1.0);
    }
    return r;
  }

  /**
   * A UK National Insurance number: a valid prefix, six digits written either together
   * ("AB123456C") or in pairs each after one space ("AB 12 34 56 C"), and an optional suffix letter
   * A to D. Other groupings ("as 2014 16", "MH17 2012") are words followed by numbers, not NINOs;
   * a prefix not in capitals counts only with its suffix letter, as "be 123456" is far more often
   * a word and a number than a NINO written in lower case.
   */
  private int nino(String t, int i, Hits out) {
    int n = t.length();
    char a = t.charAt(i);
    char b = t.charAt(i + 1);
    boolean spaced = i + 2 < n && t.charAt(i + 2) == ' ';
    // Two digits must follow the letters: most words fail here, before the prefix is checked.
    int d = spaced ? i + 3 : i + 2;
    if (d + 1 >= n || !isDigit(t.charAt(d)) || !isDigit(t.charAt(d + 1)) || !Checks.ninoPrefix(a, b)) {
      return i + 1;
    }
    boolean upper = Character.isUpperCase(a) && Character.isUpperCase(b);
    int r = i + 2;
    // "AB 123456 C": the prefix and the six digits apart, the digits together (a common form).
    boolean together = spaced && sixDigits(t, d);
    for (int pair = 0; pair < 3 && !together; pair++) {
      if (spaced) {
        if (r >= n || t.charAt(r) != ' ') {
          return i + 1;
        }
        r++;
      }
      if (r + 1 < n && isDigit(t.charAt(r)) && isDigit(t.charAt(r + 1))) {
        r += 2;
      } else {
        return i + 1;
      }
    }
    if (together) {
      r = d + 6;
    }
    int end = r;
    boolean suffix = false;
    boolean gap = r < n && t.charAt(r) == ' ';
    int s = gap ? r + 1 : r;
    // The suffix letter after a space: in capitals only when the digits are written together
    // ("AB123456 D"), as a lower-case letter there is more often a word ("a").
    String letters = gap && !spaced ? "ABCD" : "ABCDabcd";
    if (s < n && letters.indexOf(t.charAt(s)) >= 0 && (s + 1 == n || !TextFold.isWordChar(t.charAt(s + 1)))) {
      end = s + 1;
      suffix = true;
    }
    if (end < n && TextFold.isWordChar(t.charAt(end)) || !upper && !suffix) {
      return i + 1;
    }
    if (types.contains(EntityType.UK_NINO)) {
      out.add(EntityType.UK_NINO, i, end, suffix && upper ? 0.9 : 0.6);
    }
    return end;
  }

  /** Whether six digits, and no seventh, start at {@code k}. */
  private static boolean sixDigits(String t, int k) {
    if (k + 6 > t.length() || k + 6 < t.length() && isDigit(t.charAt(k + 6))) {
      return false;
    }
    for (int j = k; j < k + 6; j++) {
      if (!isDigit(t.charAt(j))) {
        return false;
      }
    }
    return true;
  }

  // ---- runs of digits -----------------------------------------------------------------------

  private static boolean handleChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /** Whether one to four hex digits from {@code i} are followed by a ':'. */
  private static boolean hexGroupThenColon(char[] cs, int i) {
    int j = i;
    while (j < cs.length && j - i < 4 && isHex(cs[j])) {
      j++;
    }
    return j < cs.length && cs[j] == ':';
  }

  private static boolean numberSep(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || noBreakSpace(c);
  }

  /**
   * U+00A0, U+2007 (figure space) and U+202F (narrow no-break space), which French and other
   * typography put between digit groups: a space inside a number.
   */
  static boolean noBreakSpace(char c) {
    return c == '\u00a0' || c == '\u2007' || c == '\u202f';
  }

  /** {@link #noBreakSpace} chars, as separators {@link #joinedBy} allows. */
  private static final String NO_BREAK_SPACES = "\u00a0\u2007\u202f";

  private int number(String t, int i, DetectionContext ctx, Hits out) {
    int n = t.length();
    int dashed = dashed(t, i, out);
    if (dashed > i) {
      return dashed;
    }
    // The run: digits and single separators, so "4377 8771 8963 5137" and "+41 (0)96 471 07 95"
    // are one run, while a double space, a newline or a letter ends it.
    int r = i;
    int lastDigit = -1;
    int digits = 0;
    int seps = 0;
    while (r < n && r - i < MAX_NUMBER_RUN) {
      char c = t.charAt(r);
      if (isDigit(c)) {
        lastDigit = r;
        digits++;
        seps = 0;
      } else if (c == '+' && r == i) {
        seps = 0;
      } else if (numberSep(c) && seps < 2) {
        seps++;
      } else if ((c == 'x' || c == 'X') && lastDigit == r - 1 && r + 1 < n && isDigit(t.charAt(r + 1))) {
        seps = 0;
      } else {
        break;
      }
      r++;
    }
    if (lastDigit < 0) {
      return i + 1;
    }
    int end = lastDigit + 1;
    if (end < n && Character.isLetter(t.charAt(end))) {
      // "123abc" is a word, not a number; move on past it.
      return skipWord(t, end);
    }
    if (digits < 4) {
      // Most numbers of prose ("2", "10", "365"): too few digits for a card (12), an IPv4
      // address (four groups), an SSN (9) or a phone number (7), so no run string or groups. A
      // run holds no ':', so it may still lead an IPv6 address.
      if (end < n && t.charAt(end) == ':' && end + 1 < n && isHex(t.charAt(end + 1))) {
        return Math.max(end, ipv6(t, i, out));
      }
      return end;
    }
    String run = t.substring(i, end);
    List<int[]> groups = groups(run);
    int before = out.size;
    cards(t, i, run, groups, out);
    ipv4(t, i, run, groups, out);
    ssn(t, i, run, groups, out);
    // A run that is wholly a card, an IP address or an SSN is not also read as a phone number:
    // the stronger typed hit would win anyway, and libphonenumber is the costliest step here.
    boolean claimed = false;
    for (int h = before; h < out.size; h++) {
      claimed |= out.starts[h] <= i && out.ends[h] >= end;
    }
    // Longer runs are tables or serial numbers; no phone number has more than 17 digits.
    if (!claimed && !dateShaped(run, groups) && digits >= 7 && digits <= 17 && types.contains(EntityType.PHONE_NUMBER)) {
      phones(t, i, end, digits, ctx, out);
    }
    if (run.indexOf(':') < 0 && end < n && t.charAt(end) == ':' && end + 1 < n && isHex(t.charAt(end + 1))) {
      return Math.max(end, ipv6(t, i, out));
    }
    return end;
  }

  /**
   * Digit groups joined by a separator a run does not take: an en dash ("123–45–6789") or a
   * spaced hyphen or en dash ("4111 - 1111 - 1111 - 1111"). Found as an SSN (three groups of 3, 2
   * and 4 digits joined by an en dash) or a card (13 to 19 digits passing the Luhn check); returns
   * where it ends, or -1 for anything else, which is left to the run. Most numbers are answered at
   * the char after their first group.
   */
  private int dashed(String t, int i, Hits out) {
    int n = t.length();
    int k = i;
    while (k < n && isDigit(t.charAt(k))) {
      k++;
    }
    String sep;
    if (k == i || k == n) {
      return -1;
    } else if (t.charAt(k) == '\u2013') {
      sep = "\u2013";
    } else if (t.startsWith(" - ", k)) {
      sep = " - ";
    } else if (t.startsWith(" \u2013 ", k)) {
      sep = " \u2013 ";
    } else {
      return -1;
    }
    List<int[]> groups = new ArrayList<>();
    groups.add(new int[] {i, k});
    StringBuilder digits = new StringBuilder(t.substring(i, k));
    while (t.startsWith(sep, k) && k + sep.length() < n && isDigit(t.charAt(k + sep.length())) && digits.length() <= 19) {
      int s = k + sep.length();
      k = s;
      while (k < n && isDigit(t.charAt(k))) {
        k++;
      }
      groups.add(new int[] {s, k});
      digits.append(t, s, k);
    }
    if (groups.size() < 2 || k < n && (TextFold.isWordChar(t.charAt(k)) || t.startsWith(sep, k))) {
      return -1;
    }
    if (sep.equals("\u2013") && groups.size() == 3 && digits.length() == 9
        && groups.get(0)[1] - groups.get(0)[0] == 3 && groups.get(1)[1] - groups.get(1)[0] == 2
        && Checks.ssn(Integer.parseInt(digits.substring(0, 3)), Integer.parseInt(digits.substring(3, 5)),
            Integer.parseInt(digits.substring(5)))) {
      if (types.contains(EntityType.US_SSN)) {
        out.add(EntityType.US_SSN, i, k, Cues.before(t, i, 40, Cues.SSN) ? 0.95 : 0.85);
      }
      return k;
    }
    if (digits.length() >= 13 && digits.length() <= 19 && Checks.creditCard(digits.toString())) {
      if (types.contains(EntityType.CREDIT_CARD)) {
        out.add(EntityType.CREDIT_CARD, i, k, 1.0);
      }
      return k;
    }
    return -1;
  }

  /**
   * "7/30/1964", "30.07.1964", "1964-07-30": three groups shaped like a calendar date, joined by
   * one date separator. Such a run is left to the date scanner rather than tried as a phone number
   * in every region.
   */
  static boolean dateShaped(String run, List<int[]> g) {
    if (g.size() != 3 || g.get(0)[0] != 0 || g.get(2)[1] != run.length()) {
      return false;
    }
    int a = g.get(0)[1] - g.get(0)[0];
    int b = g.get(1)[1] - g.get(1)[0];
    int c = g.get(2)[1] - g.get(2)[0];
    boolean dayFirst = a <= 2 && b <= 2 && (c == 4 || c == 2) && joinedBy(run, g, 0, 3, "/.");
    boolean yearFirst = a == 4 && b <= 2 && c <= 2 && joinedBy(run, g, 0, 3, "-/.");
    return dayFirst || yearFirst;
  }

  private static int skipWord(String t, int k) {
    while (k < t.length() && TextFold.isWordChar(t.charAt(k))) {
      k++;
    }
    return k;
  }

  /** Digit groups of the run as [start, end) offsets within it. */
  private static List<int[]> groups(String run) {
    List<int[]> g = new ArrayList<>();
    int k = 0;
    while (k < run.length()) {
      if (isDigit(run.charAt(k))) {
        int s = k;
        while (k < run.length() && isDigit(run.charAt(k))) {
          k++;
        }
        g.add(new int[] {s, k});
      } else {
        k++;
      }
    }
    return g;
  }

  private static String digitsOf(String run, List<int[]> g, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int k = from; k < to; k++) {
      sb.append(run, g.get(k)[0], g.get(k)[1]);
    }
    return sb.toString();
  }

  /** Whether the groups from..to-1 are joined by one and the same one-char separator. */
  private static boolean joinedBy(String run, List<int[]> g, int from, int to, String allowed) {
    char sep = 0;
    for (int k = from + 1; k < to; k++) {
      int gap = g.get(k)[0] - g.get(k - 1)[1];
      if (gap != 1) {
        return false;
      }
      char c = run.charAt(g.get(k - 1)[1]);
      if (allowed.indexOf(c) < 0 || (sep != 0 && c != sep)) {
        return false;
      }
      sep = c;
    }
    return true;
  }

  private void cards(String t, int base, String run, List<int[]> g, Hits out) {
    if (!types.contains(EntityType.CREDIT_CARD)) {
      return;
    }
    for (int s = 0; s < g.size(); s++) {
      int count = 0;
      for (int e = s; e < g.size(); e++) {
        count += g.get(e)[1] - g.get(e)[0];
        if (count > 19) {
          break;
        }
        // Maestro numbers can be as short as 12 digits; at that length a Luhn-valid run is
        // common by chance, so it needs a card word just before it.
        boolean shortCard = count == 12 && Cues.before(t, base + g.get(s)[0], 40, Cues.CARD);
        // Groups joined by one kind of separator: spaces, hyphens or dots ("4111.1111.1111.1111").
        if ((count >= 13 || shortCard) && joinedBy(run, g, s, e + 1, " -." + NO_BREAK_SPACES)
            && (shortCard ? Checks.maestro12(digitsOf(run, g, s, e + 1))
                : Checks.creditCard(digitsOf(run, g, s, e + 1)))) {
          out.add(EntityType.CREDIT_CARD, base + g.get(s)[0], base + g.get(e)[1], count >= 13 ? 1.0 : 0.9);
          s = e;
          break;
        }
      }
    }
  }

  private void ipv4(String t, int base, String run, List<int[]> g, Hits out) {
    if (!types.contains(EntityType.IP_ADDRESS)) {
      return;
    }
    for (int s = 0; s + 4 <= g.size(); s++) {
      boolean ok = joinedBy(run, g, s, s + 4, ".");
      for (int k = s; ok && k < s + 4; k++) {
        int len = g.get(k)[1] - g.get(k)[0];
        ok = len <= 3 && Integer.parseInt(run.substring(g.get(k)[0], g.get(k)[1])) <= 255
            && !(len > 1 && run.charAt(g.get(k)[0]) == '0');
      }
      boolean before = s == 0 || run.charAt(g.get(s)[0] - 1) != '.';
      boolean after = s + 4 == g.size() || run.charAt(g.get(s + 3)[1]) != '.';
      if (ok && before && after) {
        out.add(EntityType.IP_ADDRESS, base + g.get(s)[0], base + g.get(s + 3)[1], 0.95);
        s += 3;
      }
    }
  }

  private void ssn(String t, int base, String run, List<int[]> g, Hits out) {
    if (!types.contains(EntityType.US_SSN)) {
      return;
    }
    for (int s = 0; s < g.size(); s++) {
      int len0 = g.get(s)[1] - g.get(s)[0];
      if (len0 == 9) {
        String d = run.substring(g.get(s)[0], g.get(s)[1]);
        if (Cues.before(t, base + g.get(s)[0], 40, Cues.SSN)
            && Checks.ssn(Integer.parseInt(d.substring(0, 3)), Integer.parseInt(d.substring(3, 5)),
                Integer.parseInt(d.substring(5)))) {
          out.add(EntityType.US_SSN, base + g.get(s)[0], base + g.get(s)[1], 0.8);
        }
        continue;
      }
      if (s + 3 > g.size() || len0 != 3 || g.get(s + 1)[1] - g.get(s + 1)[0] != 2
          || g.get(s + 2)[1] - g.get(s + 2)[0] != 4 || !joinedBy(run, g, s, s + 3, "- ")) {
        continue;
      }
      boolean alone = (s == 0 || g.get(s)[0] - g.get(s - 1)[1] > 1)
          && (s + 3 == g.size() || g.get(s + 3)[0] - g.get(s + 2)[1] > 1);
      int area = Integer.parseInt(run.substring(g.get(s)[0], g.get(s)[1]));
      int group = Integer.parseInt(run.substring(g.get(s + 1)[0], g.get(s + 1)[1]));
      int serial = Integer.parseInt(run.substring(g.get(s + 2)[0], g.get(s + 2)[1]));
      if (alone && Checks.ssn(area, group, serial)) {
        boolean cue = Cues.before(t, base + g.get(s)[0], 40, Cues.SSN);
        out.add(EntityType.US_SSN, base + g.get(s)[0], base + g.get(s + 2)[1], cue ? 0.95 : 0.85);
        s += 2;
      }
    }
  }

  private void phones(String t, int start, int end, int digits, DetectionContext ctx, Hits out) {
    // libphonenumber's matcher for the member's own region (or the US when unknown), on a window
    // around the run rather than the whole text: the run already bounds where a number can be.
    String home = ctx.country().orElse("US");
    int ws = Math.max(0, start - 1);
    int we = Math.min(t.length(), end + 1);
    String window = t.substring(ws, we);
    for (int k = 0; k < window.length(); k++) {
      if (noBreakSpace(window.charAt(k))) {
        // libphonenumber reads a plain space between groups; the same length keeps the offsets.
        window = window.replace('\u00a0', ' ').replace('\u2007', ' ').replace('\u202f', ' ');
        break;
      }
    }
    boolean cue = Cues.before(t, start, 40, Cues.PHONE);
    PhoneAnswers memo = answers.get();
    String key = PhoneAnswers.key(home, window, start - ws, we - end, cue);
    List<PhoneAnswers.Found> found = memo.get(key);
    if (found == null) {
      found = new ArrayList<>(1);
      ask(window, start - ws, end - ws, digits, home, cue, found);
      memo.put(key, found);
    }
    for (PhoneAnswers.Found f : found) {
      out.add(EntityType.PHONE_NUMBER, ws + f.start(), ws + f.end(), f.score());
    }
  }

  /**
   * The phone numbers libphonenumber finds for the run at [start, end) of {@code window} (the run
   * and at most one character either side), with offsets into the window.
   */
  private static void ask(String window, int start, int end, int digits, String home, boolean cue,
      List<PhoneAnswers.Found> out) {
    String candidate = window.substring(start, end);
    // A run led by '+' and a country calling code parses to the same number whatever the region
    // given (see regionFree), so the parse below serves every region tried at the end.
    boolean regionFree = regionFree(candidate);
    Phonenumber.PhoneNumber international = null;
    // Fast path: the run itself parses as a valid number ("+44 20 7946 0958", "(555) 010-4477"
    // at home). Parsing one string is several times cheaper than the matcher's pattern search.
    if (candidate.charAt(0) == '+' || candidate.charAt(0) == '(' || candidate.indexOf(' ') > 0
        || candidate.indexOf('-') > 0) {
      try {
        Phonenumber.PhoneNumber pn = PHONES.parse(candidate, home);
        if (PHONES.isValidNumber(pn)) {
          out.add(new PhoneAnswers.Found(start, end, 0.8));
          return;
        }
        international = pn;
      } catch (NumberParseException e) {
        // not parseable on its own; the matcher below may still find a number inside the run
      }
    }
    boolean found = false;
    if (international == null || !matcherFindsNothing(window, start, end, home)) {
      for (PhoneNumberMatch m : PHONES.findNumbers(window, home, PhoneNumberUtil.Leniency.VALID, 4)) {
        out.add(new PhoneAnswers.Found(m.start(), m.end(), 0.8));
        found = true;
      }
    }
    if (found) {
      return;
    }
    // Then the run as a national number of each common region: parsing one candidate is far
    // cheaper than running the matcher once per region.
    boolean formatted = candidate.chars().anyMatch(ch -> ch < '0' || ch > '9');
    if (!formatted && !cue) {
      return; // a bare digit string is valid somewhere (7 digits in Iceland): not enough alone
    }
    if (!cue && proseNumber(candidate)) {
      return; // valid somewhere too, but written as prose writes years and decimals
    }
    // Without '+' or an extension mark the run holds only digits and the separators that
    // libphonenumber drops before it reads the number, so parsing the bare digits gives the same
    // number in every region, and skips the pattern work on the separators 28 times over.
    if (regionFree) {
      if (international == null) {
        return; // it failed to parse at home, and so fails in every region
      }
      for (String region : COMMON_REGIONS) {
        if (!region.equals(home) && PHONES.isValidNumberForRegion(international, region)) {
          out.add(new PhoneAnswers.Found(start, end, 0.7));
          return;
        }
      }
      if (digits <= 15 && cue) {
        out.add(new PhoneAnswers.Found(start, end, 0.6));
      }
      return;
    }
    String national = candidate.charAt(0) == '+' || candidate.indexOf('x') >= 0 || candidate.indexOf('X') >= 0
        ? candidate : digitsOnly(candidate);
    for (String region : COMMON_REGIONS) {
      if (region.equals(home)) {
        continue;
      }
      try {
        Phonenumber.PhoneNumber pn = PHONES.parse(national, region);
        if (PHONES.isValidNumberForRegion(pn, region)) {
          out.add(new PhoneAnswers.Found(start, end, 0.7));
          return;
        }
      } catch (NumberParseException e) {
        return; // not a number in any region's terms either
      }
    }
    if (digits <= 15 && cue) {
      out.add(new PhoneAnswers.Found(start, end, 0.6));
    }
  }

  /** A span of years ("1999-2005", "2010–2015") or a decimal ("3.14159265", "20240315.1"). */
  private static final Pattern PROSE_NUMBER =
      Pattern.compile("(?:19|20)\\d\\d[-\u2013](?:19|20)\\d\\d|\\d{1,2}\\.\\d+|\\d+\\.\\d{1,2}");

  /**
   * Whether a digit run that is no number at home is written the way prose writes years and
   * decimals rather than phone numbers; without a phone word before it, it is not tried as a
   * number of the other regions, where some such strings happen to be valid.
   */
  static boolean proseNumber(String run) {
    return PROSE_NUMBER.matcher(run).matches();
  }

  /**
   * Whether libphonenumber's matcher ({@code findNumbers} at home, leniency VALID), run on the
   * window around the run at [start, end), which has just parsed at home to an invalid number, is
   * sure to find nothing. True for a run of ASCII digit groups joined by single spaces, with at
   * most a space or a mark of prose ({@code , ; ! ? " '}) either side, none of whose groups alone
   * is a valid number at home. The matcher reads exactly that run as its candidate (no char
   * either side can lead or end a number), rejects it (the same digits, invalid), and then tries
   * its inner parts, which for groups split by spaces are the first group and each later group
   * alone; it reports a part only if it parses at home to a valid number. A national number
   * written in another country's groups ("01632 960123" for a member in the US) is the usual
   * case, and the matcher's pattern search costs several parses. {@code PhoneParsingTest} holds
   * this against the library.
   */
  static boolean matcherFindsNothing(String window, int start, int end, String home) {
    if (start > 0 && !quietEdge(window.charAt(start - 1)) || end < window.length() && !quietEdge(window.charAt(end))) {
      return false;
    }
    int group = start;
    for (int k = start; k <= end; k++) {
      if (k == end || window.charAt(k) == ' ') {
        if (k == group) {
          return false;
        }
        try {
          if (PHONES.isValidNumber(PHONES.parse(window.substring(group, k), home))) {
            return false;
          }
        } catch (NumberParseException e) {
          // not a number at home at all, so not a valid one
        }
        group = k + 1;
      } else if (!isDigit(window.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /** A char next to a digit run that libphonenumber's matcher never reads as part of a number. */
  private static boolean quietEdge(char c) {
    return c == ' ' || c == ',' || c == ';' || c == '!' || c == '?' || c == '"' || c == '\'';
  }

  /**
   * Whether libphonenumber parses the run to the same number, or fails alike, whatever the default
   * region: true for a run of ASCII digits and separators, without an extension mark, that starts
   * with '+' and a calling code. The library reads the country from the digits after '+' and then
   * uses only that country's metadata; the default region matters only when no calling code
   * follows the '+' (it then retries with the region's international prefix), or when letters are
   * read as digits, which an 'x' could start.
   */
  static boolean regionFree(String run) {
    if (run.charAt(0) != '+' || run.indexOf('x') >= 0 || run.indexOf('X') >= 0) {
      return false;
    }
    String d = digitsOnly(run);
    if (d.length() <= 3 || d.charAt(0) == '0') {
      return false;
    }
    // As the library reads a calling code: the shortest prefix of one to three digits it knows.
    for (int len = 1; len <= 3; len++) {
      if (CALLING_CODES.contains(Integer.parseInt(d.substring(0, len)))) {
        return true;
      }
    }
    return false;
  }

  private static final Set<Integer> CALLING_CODES = Set.copyOf(PHONES.getSupportedCallingCodes());

  static String digitsOnly(String run) {
    StringBuilder sb = new StringBuilder(run.length());
    for (int k = 0; k < run.length(); k++) {
      if (isDigit(run.charAt(k))) {
        sb.append(run.charAt(k));
      }
    }
    return sb.toString();
  }

  // ---- IPv6 -------------------------------------------------------------------------------

  private int ipv6(String t, int i, Hits out) {
    int n = t.length();
    int r = i;
    while (r < n && r - i < 45 && (isHex(t.charAt(r)) || t.charAt(r) == ':' || t.charAt(r) == '.')) {
      r++;
    }
    while (r > i && (t.charAt(r - 1) == '.' || (t.charAt(r - 1) == ':' && !(r - 2 >= i && t.charAt(r - 2) == ':')))) {
      r--;
    }
    if (r < n && TextFold.isWordChar(t.charAt(r))) {
      return i + 1;
    }
    // Groups joined by colons on either side: a chain longer than an address ("1:2:3:…:12",
    // "a:b:…:f:a:b") is not one, however many of its groups would make eight.
    if (i >= 2 && t.charAt(i - 1) == ':' && (isHex(t.charAt(i - 2)) || t.charAt(i - 2) == ':')
        || r + 1 < n && t.charAt(r) == ':' && isHex(t.charAt(r + 1))) {
      return i + 1;
    }
    if (validIpv6(t.substring(i, r))) {
      // A zone after it ("fe80::1%eth0") names the host's interface: redacted with the address.
      if (r + 1 < n && t.charAt(r) == '%' && TextFold.isWordChar(t.charAt(r + 1))) {
        r++;
        while (r < n && (TextFold.isWordChar(t.charAt(r)) || t.charAt(r) == '.') && !(t.charAt(r) == '.'
            && (r + 1 == n || !TextFold.isWordChar(t.charAt(r + 1))))) {
          r++;
        }
      }
      if (types.contains(EntityType.IP_ADDRESS)) {
        out.add(EntityType.IP_ADDRESS, i, r, 0.95);
      }
      return r;
    }
    return i + 1;
  }

  static boolean validIpv6(String s) {
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return false;
    }
    String[] parts = s.split(":", -1);
    int groups = 0;
    int empties = 0;
    for (int k = 0; k < parts.length; k++) {
      String p = parts[k];
      if (p.isEmpty()) {
        empties++;
        continue;
      }
      if (k == parts.length - 1 && p.indexOf('.') >= 0) {
        if (!validIpv4(p)) {
          return false;
        }
        groups += 2;
        continue;
      }
      if (p.length() > 4) {
        return false;
      }
      for (int q = 0; q < p.length(); q++) {
        if (!isHex(p.charAt(q))) {
          return false;
        }
      }
      groups++;
    }
    if (dbl < 0) {
      return empties == 0 && groups == 8;
    }
    return groups < 8 && groups >= 1 && parts.length >= 3;
  }

  private static boolean validIpv4(String s) {
    String[] p = s.split("\\.", -1);
    if (p.length != 4) {
      return false;
    }
    for (String q : p) {
      if (q.isEmpty() || q.length() > 3 || !q.chars().allMatch(ch -> ch >= '0' && ch <= '9')
          || Integer.parseInt(q) > 255) {
        return false;
      }
    }
    return true;
  }
}
