package dev.lethe.redact;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Finds personal data in text. Implementations are immutable and thread-safe: one instance is
 * meant to be shared by every worker thread of a snapshot build.
 *
 * <p>Returned spans never overlap and are sorted by start. When detectors disagree about a piece
 * of text, the overlapping candidates are merged into one span that covers all of them and takes
 * the type and score of the strongest, so that redacting the span removes every candidate.
 *
 * <p>Running time is linear in the length of the text: no detector backtracks over unbounded
 * input.
 */
public interface Detector {

  /**
   * Spans of personal data in {@code text}, offsets in code points.
   *
   * @throws NullPointerException if an argument is null
   */
  List<Span> detect(String text, DetectionContext context);

  /** Same as {@code detect(text, DetectionContext.none())}. */
  default List<Span> detect(String text) {
    return detect(text, DetectionContext.none());
  }

  /** The types this detector can report. */
  Set<EntityType> types();

  /**
   * Every detector, including the statistical name finder shipped with Lethe. The model is loaded
   * once per JVM on first use.
   */
  static Detector standard() {
    return StandardDetector.standard();
  }

  /**
   * A detector restricted to {@code types}. With {@code statisticalNames} false, PERSON is found
   * only from the member directory and from explicit cues ("my name is ..."), which is much faster.
   */
  static Detector of(Set<EntityType> types, boolean statisticalNames) {
    Objects.requireNonNull(types, "types");
    return StandardDetector.create(
        types.isEmpty() ? EnumSet.noneOf(EntityType.class) : EnumSet.copyOf(types),
        statisticalNames);
  }
}
