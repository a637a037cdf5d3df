package dev.lethe.core.event;

/**
 * Checks that a string is well-formed Unicode. JSON lets a {@code \uD800} escape stand alone, and
 * Jackson decodes it into a Java string without complaint, but such a string has no UTF-8 form:
 * a writer then emits an invalid escape or replaces the char, and two outputs of the same record
 * differ. Stateless; thread-safe.
 */
public final class UnicodeText {

  private UnicodeText() {}

  /**
   * The index of the first surrogate char of {@code s} that is not half of a pair, or -1 if
   * there is none.
   *
   * @throws NullPointerException if {@code s} is null
   */
  public static int unpairedSurrogate(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The problem with {@code value} of field {@code field}, or null when it is well-formed: the
   * message names the field, the char and its index.
   */
  public static String problem(String field, String value) {
    int at = unpairedSurrogate(value);
    if (at < 0) {
      return null;
    }
    return field + " holds an unpaired surrogate U+" + Integer.toHexString(value.charAt(at)).toUpperCase(java.util.Locale.ROOT)
        + " at char " + at + ", which is not Unicode text";
  }
}
