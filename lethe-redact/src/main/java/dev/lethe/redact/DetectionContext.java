package dev.lethe.redact;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

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

  /** A copy using this member directory. */
  public DetectionContext withDirectory(MemberDirectory directory) {
    return new DetectionContext(country, directory);
  }
}
