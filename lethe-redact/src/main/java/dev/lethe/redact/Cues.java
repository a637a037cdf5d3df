package dev.lethe.redact;

import java.util.List;

/** Context words that make an ambiguous candidate likely; looked up in a short window. */
final class Cues {
  private Cues() {}

  static final List<String> SSN = List.of("ssn", "social security", "social sec", "ss#", "ss #");
  static final List<String> PHONE =
      List.of("phone", "call", "mobile", "cell", "tel", "fax", "desk", "number", "contact",
          "text me", "whatsapp", "reach me", "dial", "ring");
  static final List<String> CARD = List.of("card", "visa", "mastercard", "maestro", "amex");
  static final List<String> BIRTH = List.of("born", "birth", "dob", "d.o.b", "birthday", "b.");
  static final List<String> ZIP =
      List.of("zip", "postcode", "postal code", "post code", "zip code", "plz");

  /** Whether one of {@code cues} occurs (case-insensitively) in the window before {@code at}. */
  static boolean before(String t, int at, int window, List<String> cues) {
    int from = Math.max(0, at - window);
    for (String c : cues) {
      int len = c.length();
      for (int k = at - len; k >= from; k--) {
        if (TextFold.regionMatchesIgnoreCase(t, k, c, len)) {
          return true;
        }
      }
    }
    return false;
  }
}
