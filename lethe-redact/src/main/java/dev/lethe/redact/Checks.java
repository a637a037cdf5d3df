package dev.lethe.redact;

import java.util.Map;

/** Validity rules for identifiers with check digits or reserved ranges. */
final class Checks {
  private Checks() {}

  /** Luhn mod-10 over the digits of {@code s}; other characters are skipped. */
  static boolean luhn(CharSequence s) {
    int sum = 0;
    int n = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if ((n & 1) == 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      n++;
    }
    return n > 0 && sum % 10 == 0;
  }

  /**
   * A payment card number: 13 to 19 digits, Luhn-valid, not one repeated digit, and a first digit
   * that some issuer uses (1 and 2 for JCB's old 1800/2131 ranges and Mastercard's 2-series).
   */
  static boolean creditCard(String digits) {
    int n = digits.length();
    if (n < 13 || n > 19) {
      return false;
    }
    char first = digits.charAt(0);
    if (first < '1' || first > '6') {
      return false;
    }
    boolean same = true;
    for (int i = 1; i < n; i++) {
      same &= digits.charAt(i) == first;
    }
    return !same && luhn(digits);
  }

  /**
   * A 12-digit Maestro number: Maestro's issuer ranges (50, 56 to 69) and Luhn. Only meaningful
   * next to a card word, since one 12-digit string in ten is Luhn-valid.
   */
  static boolean maestro12(String digits) {
    if (digits.length() != 12) {
      return false;
    }
    int prefix = (digits.charAt(0) - '0') * 10 + (digits.charAt(1) - '0');
    return (prefix == 50 || (prefix >= 56 && prefix <= 69)) && luhn(digits);
  }

  /** IBAN length per country (ISO 13616 registry, SWIFT release of 2024). */
  static final Map<String, Integer> IBAN_LENGTHS =
      Map.ofEntries(
          Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20),
          Map.entry("AZ", 28), Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22),
          Map.entry("BH", 22), Map.entry("BI", 27), Map.entry("BR", 29), Map.entry("BY", 28),
          Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
          Map.entry("DE", 22), Map.entry("DJ", 27), Map.entry("DK", 18), Map.entry("DO", 28),
          Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24), Map.entry("FI", 18),
          Map.entry("FK", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
          Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27),
          Map.entry("GT", 28), Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22),
          Map.entry("IL", 23), Map.entry("IQ", 23), Map.entry("IS", 26), Map.entry("IT", 27),
          Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28),
          Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
          Map.entry("LV", 21), Map.entry("LY", 25), Map.entry("MC", 27), Map.entry("MD", 24),
          Map.entry("ME", 22), Map.entry("MK", 19), Map.entry("MN", 20), Map.entry("MR", 27),
          Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NI", 28), Map.entry("NL", 18),
          Map.entry("NO", 15), Map.entry("OM", 23), Map.entry("PK", 24), Map.entry("PL", 28),
          Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29), Map.entry("RO", 24),
          Map.entry("RS", 22), Map.entry("RU", 33), Map.entry("SA", 24), Map.entry("SC", 31),
          Map.entry("SD", 18), Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24),
          Map.entry("SM", 27), Map.entry("SO", 23), Map.entry("ST", 25), Map.entry("SV", 28),
          Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29),
          Map.entry("VA", 22), Map.entry("VG", 24), Map.entry("XK", 20), Map.entry("YE", 30));

  /**
   * An IBAN in compact form (no spaces, any case): known country, that country's length, check
   * digits 02..98, and the ISO 7064 mod-97 remainder 1.
   */
  static boolean iban(String compact) {
    if (compact.length() < 15 || compact.length() > 34) {
      return false;
    }
    String cc = compact.substring(0, 2).toUpperCase(java.util.Locale.ROOT);
    Integer len = IBAN_LENGTHS.get(cc);
    if (len == null || len != compact.length()) {
      return false;
    }
    int rem = 0;
    int n = compact.length();
    for (int k = 0; k < n; k++) {
      char c = compact.charAt((k + 4) % n);
      int v;
      if (c >= '0' && c <= '9') {
        v = c - '0';
      } else if (c >= 'A' && c <= 'Z') {
        v = c - 'A' + 10;
      } else if (c >= 'a' && c <= 'z') {
        v = c - 'a' + 10;
      } else {
        return false;
      }
      // After the rotation the country code sits at n-4..n-3 (letters), check digits at n-2..n-1.
      if ((k >= n - 2 && v > 9) || (k >= n - 4 && k < n - 2 && v <= 9)) {
        return false;
      }
      rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
    }
    return rem == 1;
  }

  /**
   * A US Social Security number that the SSA could have issued: area not 000, 666 or 900-999,
   * group not 00, serial not 0000 (and not the 078-05-1120 "wallet" number).
   */
  static boolean ssn(int area, int group, int serial) {
    if (area == 0 || area == 666 || area >= 900) {
      return false;
    }
    if (group == 0 || serial == 0) {
      return false;
    }
    return !(area == 78 && group == 5 && serial == 1120);
  }

  /**
   * A UK National Insurance number prefix: first letter not D, F, I, Q, U, V; second not D, F, I,
   * O, Q, U, V; and not BG, GB, KN, NK, NT, TN or ZZ (never issued).
   */
  static boolean ninoPrefix(char a, char b) {
    a = Character.toUpperCase(a);
    b = Character.toUpperCase(b);
    if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') {
      return false;
    }
    if ("DFIQUV".indexOf(a) >= 0 || "DFIOQUV".indexOf(b) >= 0) {
      return false;
    }
    return !((a == 'B' && b == 'G') || (a == 'G' && b == 'B') || (a == 'K' && b == 'N')
        || (a == 'N' && b == 'K') || (a == 'N' && b == 'T') || (a == 'T' && b == 'N')
        || (a == 'Z' && b == 'Z'));
  }
}
