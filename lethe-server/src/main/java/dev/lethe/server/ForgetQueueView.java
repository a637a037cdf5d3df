package dev.lethe.server;

import java.time.Instant;
import java.util.List;

/**
 * The forget requests (withdrawals, erasures and region blocks turned into retraining work) as the
 * server shows them: to the member whose data it is, and to admins as a queue. Read-only; the
 * queue itself is lethe-unlearn's ({@link UnlearnViews}), written by the forget scheduler.
 *
 * <p>Requests the ledger already gives rise to but the scheduler has not queued yet are shown too
 * (with {@code queued} false): a member who just asked for erasure sees the request and its
 * deadline at once, under the id the scheduler will queue it with.
 */
public interface ForgetQueueView {

  /** The member's forget requests, oldest first. */
  List<ForgetRequest> requestsFor(String member);

  /** Every request still to be done (pending or failed), earliest deadline first. */
  List<ForgetRequest> openRequests();

  /**
   * One forget request.
   *
   * @param id the request id
   * @param member the member whose data is to be forgotten
   * @param cause {@code erasure}, {@code withdrawal}, {@code region-blocked} or {@code manual}
   * @param purpose the purpose it concerns, or null for every purpose
   * @param requestedAt when it was received (the ledger event's instant)
   * @param deadline when the law requires it done: one month after receipt (GDPR Art. 12(3))
   * @param status {@code pending}, {@code completed} or {@code failed}
   * @param queued whether the scheduler has queued it (false: derived from the ledger, not yet synced)
   * @param completedAt when it was executed, or null
   * @param verified whether every verification held, or null while pending
   * @param detail a sentence on what the execution found, or null
   * @param affectedModels the models that held the member
   * @param newSnapshot the snapshot that replaced the one holding the member, or null
   */
  record ForgetRequest(
      String id, String member, String cause, String purpose, Instant requestedAt, Instant deadline, String status,
      boolean queued, Instant completedAt, Boolean verified, String detail, List<String> affectedModels, String newSnapshot) {
    public ForgetRequest {
      affectedModels = List.copyOf(affectedModels);
    }

    /** Whether the request still needs work. */
    public boolean open() {
      return !"completed".equals(status);
    }
  }
}
