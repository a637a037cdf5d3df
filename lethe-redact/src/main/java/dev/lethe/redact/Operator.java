package dev.lethe.redact;

/** What a {@link Redactor} puts in place of a detected span. */
public enum Operator {
  /** A typed placeholder such as {@code [EMAIL_ADDRESS]}. */
  PLACEHOLDER,
  /**
   * A keyed pseudonym such as {@code [PERSON_7f3a9c]}: HMAC-SHA-256 of the normalised value under
   * the snapshot's secret, so the same value maps to the same token within one snapshot and tokens
   * cannot be linked across snapshots with different secrets.
   */
  PSEUDONYM,
  /** Every code point of the value replaced by {@code *}, keeping the text's length. */
  MASK,
  /** Left as it is: the type is detected and counted but not redacted. */
  KEEP
}
