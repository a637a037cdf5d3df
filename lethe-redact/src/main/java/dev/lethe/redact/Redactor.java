package dev.lethe.redact;

import java.util.Objects;

/**
 * Detects personal data in a record and replaces it as a {@link RedactionPolicy} says. Immutable and
 * thread-safe; one instance per snapshot (it holds the snapshot's pseudonym secret).
 *
 * <p>The output never contains a detected value: each detected span is replaced whole, and the
 * pseudonym is a truncated keyed hash, not an encoding of the value. Characters that split a word
 * while showing nothing (zero-width space, word joiner, zero-width no-break space, soft hyphen)
 * are removed from the text first, so that they cannot hide part of a value from the detectors.
 */
public interface Redactor {

  /**
   * Redacts {@code text}.
   *
   * @throws NullPointerException if an argument is null
   */
  Redaction redact(String text, DetectionContext context);

  /**
   * A redactor using {@code detector} and {@code policy}; {@code snapshotSecret} keys the
   * pseudonyms (at least 16 bytes; copied, so the caller may clear its array).
   *
   * @throws IllegalArgumentException if the secret is shorter than 16 bytes
   */
  static Redactor create(Detector detector, RedactionPolicy policy, byte[] snapshotSecret) {
    Objects.requireNonNull(detector, "detector");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(snapshotSecret, "snapshotSecret");
    if (snapshotSecret.length < 16) {
      throw new IllegalArgumentException("snapshot secret must be at least 16 bytes");
    }
    return new PolicyRedactor(detector, policy, snapshotSecret.clone());
  }
}
