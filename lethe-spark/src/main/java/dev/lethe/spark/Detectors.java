package dev.lethe.spark;

import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import java.util.EnumSet;
import java.util.List;

/**
 * Detectors named by a word, because detectors hold compiled patterns and models that are not
 * serializable: the driver ships the name and each executor builds its own detector.
 */
public final class Detectors {

  /** Every detector, the statistical name finder included: what {@code lethe build} uses. */
  public static final String STANDARD = "standard";

  /**
   * Every entity type, but PERSON found only from the member directory and explicit cues (no
   * statistical name finder): much faster, for tests and throughput comparisons.
   */
  public static final String PATTERNS = "patterns";

  /** The names {@link #byName} accepts. */
  public static final List<String> NAMES = List.of(STANDARD, PATTERNS);

  private Detectors() {}

  /**
   * The detector a name stands for.
   *
   * @throws IllegalArgumentException if the name is not one of {@link #NAMES}
   */
  public static Detector byName(String name) {
    return switch (name) {
      case STANDARD -> Detector.standard();
      case PATTERNS -> Detector.of(EnumSet.allOf(EntityType.class), false);
      default -> throw new IllegalArgumentException("unknown detector \"" + name + "\"; one of " + NAMES);
    };
  }
}
