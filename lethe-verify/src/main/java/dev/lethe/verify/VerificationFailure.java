package dev.lethe.verify;

/**
 * A bundle element failed a check. The message is meant for the auditor and names what failed;
 * callers add where (file, line, leaf, checkpoint).
 */
public final class VerificationFailure extends Exception {

  private static final long serialVersionUID = 1L;

  /** Creates a failure with an auditor-readable reason. */
  public VerificationFailure(String message) {
    super(message);
  }
}
