package dev.lethe.redact;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What is known about a record besides its text: the member's country (ISO 3166-1 alpha-2, used
 * to read national phone formats) and the member directory. Immutable.
 *
 * @param country upper-case region code, or empty when unknown
 * @param directory the platform's member names; never null ({@link MemberDirectory#empty()})
 */
public record DetectionContext(Optional<String> country, MemberDirectory directory) {

  private static final DetectionContext NONE =
      new DetectionContext(Optional.empty(), MemberDirectory.empty());

  /** Officially assigned ISO 3166-1 alpha-2 codes as the JDK knows them: what the ledger accepts. */
  private static final Set<String> ISO_COUNTRIES = Set.of(Locale.getISOCountries());

  /** Codes people write for a country whose ISO code differs, with the code they mean. */
  private static final Map<String, String> COMMON_MISTAKES = Map.of(
      "UK", "GB (United Kingdom)",
      "EL", "GR (Greece)",
      "EN", "GB (United Kingdom)");

  public DetectionContext {
    Objects.requireNonNull(country, "country");
    Objects.requireNonNull(directory, "directory");
    country = country.map(c -> c.trim().toUpperCase(Locale.ROOT)).filter(c -> c.length() == 2);
  }

  /** No country and no directory. */
  public static DetectionContext none() {
    return NONE;
  }

  /** The member's country, which may be null or blank for "unknown". */
  public static DetectionContext ofCountry(String country) {
    return new DetectionContext(Optional.ofNullable(country), MemberDirectory.empty());
  }

  /**
   * The member's country given by a person or a file, checked: an officially assigned ISO 3166-1
   * alpha-2 code (the set {@link Locale#getISOCountries()} lists, as the consent ledger accepts),
   * in any letter case. Fails closed instead of treating a misspelt code as "unknown", because an
   * unknown country silently changes which phone numbers are found.
   *
   * @throws IllegalArgumentException naming the value (and the intended code for common mistakes
   *     such as {@code UK}) when it is not such a code; null is not accepted either
   */
  public static DetectionContext ofCountryCode(String code) {
    return new DetectionContext(Optional.of(countryCode(code)), MemberDirectory.empty());
  }

  /**
   * The upper-case ISO 3166-1 alpha-2 code for {@code code}, accepted in any letter case but
   * without surrounding spaces.
   *
   * @throws IllegalArgumentException naming the value when it is not an assigned code
   */
  public static String countryCode(String code) {
    Objects.requireNonNull(code, "code");
    // ASCII is checked before upper-casing: "ıt".toUpperCase() is "IT", and "ß" becomes "SS".
    if (code.length() != 2 || !isAsciiLetter(code.charAt(0)) || !isAsciiLetter(code.charAt(1))) {
      throw new IllegalArgumentException(
          quoted(code) + " is not an ISO 3166-1 alpha-2 country code (two letters, such as DE or GB)");
    }
    String upper = code.toUpperCase(Locale.ROOT);
    if (!ISO_COUNTRIES.contains(upper)) {
      String meant = COMMON_MISTAKES.get(upper);
      throw new IllegalArgumentException(quoted(code) + " is not an assigned ISO 3166-1 alpha-2 country code"
          + (meant == null ? "" : "; did you mean " + meant + "?"));
    }
    return upper;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** The value in quotes with control characters escaped, so an error message stays one line. */
  private static String quoted(String value) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < Math.min(value.length(), 40); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append(value.length() > 40 ? "...\"" : "\"").toString();
  }

  /** A copy using this member directory. */
  public DetectionContext withDirectory(MemberDirectory directory) {
    return new DetectionContext(country, directory);
  }
}
