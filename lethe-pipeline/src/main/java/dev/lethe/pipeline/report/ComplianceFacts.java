package dev.lethe.pipeline.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Everything the compliance report states, gathered by the caller from the ledger, the
 * snapshots, the forget queue and the audit log. Member ids never appear: forget requests name
 * members by their audit-log commitment. Immutable.
 *
 * @param title report title
 * @param generatedAt when the facts were gathered
 * @param snapshots one entry per snapshot, by as-of instant
 * @param objections every objection, by filing instant
 * @param forgetRequests every forget request, by receipt
 * @param audit the audit-log checkpoint an auditor can verify independently
 */
public record ComplianceFacts(
    String title,
    Instant generatedAt,
    List<SnapshotFacts> snapshots,
    List<ObjectionFacts> objections,
    List<ForgetFacts> forgetRequests,
    AuditFacts audit) {

  public ComplianceFacts {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(generatedAt, "generatedAt");
    snapshots = List.copyOf(snapshots);
    objections = List.copyOf(objections);
    forgetRequests = List.copyOf(forgetRequests);
    Objects.requireNonNull(audit, "audit");
  }

  /**
   * One snapshot.
   *
   * @param includedByRegion included records by region group (every group of the layout, zeros too)
   * @param blockedRegions region groups whose rule is {@code blocked} for the purpose at the as-of
   * @param minorsIncluded members with records in the snapshot who were under the purpose's
   *     minimum age at the as-of instant (must be 0)
   * @param withoutNotice members with records in the snapshot whose decision at the as-of instant,
   *     asked again, is not allowed — e.g. allowed by default without a timely notice (must be 0)
   * @param allowedBy number of members allowed, by reason ({@code consented}, {@code default-opt-out})
   */
  public record SnapshotFacts(
      String snapshot,
      String purpose,
      Instant asOf,
      String policyVersion,
      long included,
      SortedMap<String, Long> excluded,
      Map<String, Long> includedByRegion,
      List<String> blockedRegions,
      long minorsIncluded,
      long withoutNotice,
      SortedMap<String, Long> allowedBy,
      SortedMap<String, Long> redactions) {}

  /**
   * One objection; {@code decidedAt} and {@code outcome} are null while undecided.
   *
   * @param deadline one month after filing (GDPR Art. 12(3))
   */
  public record ObjectionFacts(String objection, String purpose, Instant filedAt, Instant deadline, Instant decidedAt, String outcome) {
    /**
     * {@code decided-on-time}, {@code decided-late}, {@code pending} (undecided, deadline not yet
     * passed at {@code now}) or {@code overdue} (undecided past its deadline).
     */
    public String status(Instant now) {
      if (decidedAt != null) {
        return decidedAt.isAfter(deadline) ? "decided-late" : "decided-on-time";
      }
      return now.isAfter(deadline) ? "overdue" : "pending";
    }
  }

  /**
   * One forget request.
   *
   * @param memberCommitment the member's keyed commitment as the audit log records it
   * @param completedAt when the affected models were retrained, or null
   * @param verification {@code passed}, {@code failed} or {@code pending}
   */
  public record ForgetFacts(
      String request,
      String memberCommitment,
      String reason,
      Instant receivedAt,
      Instant deadline,
      Instant completedAt,
      String verification,
      long recordsRetrained,
      long recordsFullRetrain) {}

  /**
   * The audit log.
   *
   * @param checkpoint the latest signed checkpoint, as text
   * @param verifyCommand the exact command an auditor runs to check it
   */
  public record AuditFacts(long leaves, String checkpoint, String rootBase64, String verifyCommand) {}
}
