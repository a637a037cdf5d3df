package dev.lethe.verify;

/**
 * The outcome of one named check.
 *
 * @param name short stable name of the check (e.g. {@code leaf-hashes})
 * @param status whether it passed, failed or could not run
 * @param detail what was verified, or the first failure with its file / line / leaf / checkpoint
 * @param leafIndex the tampered leaf the failure points at, or null
 */
public record CheckResult(String name, Status status, String detail, Long leafIndex) {

  /** Outcome of a check. A bundle verifies only when every check is {@link #PASS}. */
  public enum Status {
    /** Everything this check covers verified. */
    PASS,
    /** Something this check covers does not verify. */
    FAIL,
    /** The check could not run because an earlier one failed; it proves nothing. */
    SKIPPED
  }

  static CheckResult pass(String name, String detail) {
    return new CheckResult(name, Status.PASS, detail, null);
  }

  static CheckResult fail(String name, String detail) {
    return new CheckResult(name, Status.FAIL, detail, null);
  }

  static CheckResult failAtLeaf(String name, String detail, long leafIndex) {
    return new CheckResult(name, Status.FAIL, detail, leafIndex);
  }

  static CheckResult skipped(String name, String why) {
    return new CheckResult(name, Status.SKIPPED, why, null);
  }
}
