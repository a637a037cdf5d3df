package dev.lethe.unlearn;

import java.util.Objects;

/**
 * The format of a secret canary (Carlini et al., "The Secret Sharer", USENIX Security 2019): a
 * fixed prefix, {@code digits} decimal digits, a fixed suffix, e.g. {@code "my pin is "} + 6
 * digits. Its candidate space R holds the 10^digits strings of the format; candidate {@code i} has
 * the digits of {@code i}, zero-padded.
 *
 * @param digits between 1 and 7: an exact rank scores every candidate and keeps one double per
 *     candidate (80 MB at 7 digits)
 */
public record CanaryFormat(String prefix, int digits, String suffix) {

  public CanaryFormat {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(suffix, "suffix");
    if (digits < 1 || digits > 7) {
      throw new IllegalArgumentException("a canary has 1 to 7 digits, not " + digits);
    }
    if (endsWithDigit(prefix) || (!suffix.isEmpty() && Character.isDigit(suffix.codePointAt(0)))) {
      throw new IllegalArgumentException("the prefix must not end and the suffix must not start with a digit");
    }
  }

  private static boolean endsWithDigit(String s) {
    return !s.isEmpty() && Character.isDigit(s.codePointBefore(s.length()));
  }

  /** |R| = 10^digits. */
  public int size() {
    int size = 1;
    for (int i = 0; i < digits; i++) {
      size *= 10;
    }
    return size;
  }

  /** The candidate with the digits of {@code index} (0 ≤ index < size()). */
  public String candidate(int index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException(index);
    }
    String number = Integer.toString(index);
    return prefix + "0".repeat(digits - number.length()) + number + suffix;
  }

  /**
   * The index of a canary of this format.
   *
   * @throws IllegalArgumentException if {@code canary} is not prefix + digits + suffix
   */
  public int indexOf(String canary) {
    if (canary.length() != prefix.length() + digits + suffix.length() || !canary.startsWith(prefix) || !canary.endsWith(suffix)) {
      throw new IllegalArgumentException("\"" + canary + "\" is not of the format " + this);
    }
    String number = canary.substring(prefix.length(), prefix.length() + digits);
    for (int i = 0; i < number.length(); i++) {
      if (number.charAt(i) < '0' || number.charAt(i) > '9') {
        throw new IllegalArgumentException("\"" + canary + "\" is not of the format " + this);
      }
    }
    return Integer.parseInt(number);
  }

  @Override
  public String toString() {
    return prefix + "#".repeat(digits) + suffix;
  }
}
