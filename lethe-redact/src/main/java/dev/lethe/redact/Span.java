package dev.lethe.redact;

import java.util.Objects;

/**
 * One detected piece of personal data. Offsets count Unicode code points (not UTF-16 units) from
 * the start of the text; {@code end} is exclusive. Immutable, so safe to share between threads.
 *
 * @param type what was found, never null
 * @param start first code point, {@code >= 0}
 * @param end one past the last code point, {@code > start}
 * @param score confidence in [0, 1]
 */
public record Span(EntityType type, int start, int end, double score) {

  public Span {
    Objects.requireNonNull(type, "type");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
    }
    if (!(score >= 0.0 && score <= 1.0)) {
      throw new IllegalArgumentException("score out of [0,1]: " + score);
    }
  }

  /** Whether the two spans share at least one code point. */
  public boolean overlaps(Span other) {
    return start < other.end && other.start < end;
  }
}
