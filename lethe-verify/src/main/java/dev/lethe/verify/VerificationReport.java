package dev.lethe.verify;

import java.util.List;

/**
 * Everything the verifier established about one bundle.
 *
 * @param bundle the bundle directory as given
 * @param keySource where the verifier key came from (the bundle, or a pinned file)
 * @param key the verifier key in text form, or null if it could not be read
 * @param origin the origin bundle.json declares, or null
 * @param leaves leaves declared in bundle.json, or null
 * @param checkpoints checkpoint files read
 * @param latest the last checkpoint (by file order) that parsed, or null
 * @param checks every check in the order it ran
 * @param elapsedMillis wall time of the verification
 */
public record VerificationReport(
    String bundle,
    String keySource,
    String key,
    String origin,
    Long leaves,
    int checkpoints,
    Checkpoint latest,
    List<CheckResult> checks,
    long elapsedMillis) {

  /** Copies the list so a report cannot change afterwards. */
  public VerificationReport {
    checks = List.copyOf(checks);
  }

  /** True only when every check passed: the one answer an auditor's script should use. */
  public boolean verified() {
    return !checks.isEmpty()
        && checks.stream().allMatch(c -> c.status() == CheckResult.Status.PASS);
  }

  /** The failed checks, first failure first. */
  public List<CheckResult> failures() {
    return checks.stream().filter(c -> c.status() == CheckResult.Status.FAIL).toList();
  }

  /** The lowest leaf index any check found tampered with, or null. */
  public Long firstTamperedLeaf() {
    return checks.stream().map(CheckResult::leafIndex).filter(i -> i != null)
        .min(Long::compare).orElse(null);
  }

  /** Leaves the bundle holds beyond the latest checkpoint: not yet committed by any signature. */
  public Long leavesAfterLatestCheckpoint() {
    if (leaves == null) {
      return null;
    }
    return latest == null ? leaves : Math.max(0, leaves - latest.size());
  }
}
