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
   * @param reopenings each time a re-check found the request undone after it was completed (the
   *     member's data back), oldest first; the request then runs again under its original deadline
   * @param snapshotsRebuilt how many snapshots holding the member were rebuilt without them, over
   *     every execution of the request (0 while pending, or when none held the member)
   * @param modelsRetrained how many models trained on those snapshots were retrained and verified
   * @param tally what the latest execution found, counted by the forget run; null while pending,
   *     and for a request executed before runs counted (the server then claims nothing from it)
   */
  record ForgetRequest(
      String id, String member, String cause, String purpose, Instant requestedAt, Instant deadline, String status,
      boolean queued, Instant completedAt, Boolean verified, String detail, List<String> affectedModels, String newSnapshot,
      List<Reopening> reopenings, int snapshotsRebuilt, int modelsRetrained, Tally tally) {

    public ForgetRequest {
      affectedModels = List.copyOf(affectedModels);
      reopenings = List.copyOf(reopenings);
    }

    /** A request without counts (pending, or executed before runs counted). */
    public ForgetRequest(
        String id, String member, String cause, String purpose, Instant requestedAt, Instant deadline, String status,
        boolean queued, Instant completedAt, Boolean verified, String detail, List<String> affectedModels, String newSnapshot,
        List<Reopening> reopenings, int snapshotsRebuilt, int modelsRetrained) {
      this(id, member, cause, purpose, requestedAt, deadline, status, queued, completedAt, verified, detail, affectedModels,
          newSnapshot, reopenings, snapshotsRebuilt, modelsRetrained, null);
    }

    /** A request never reopened, with nothing rebuilt. */
    public ForgetRequest(
        String id, String member, String cause, String purpose, Instant requestedAt, Instant deadline, String status,
        boolean queued, Instant completedAt, Boolean verified, String detail, List<String> affectedModels, String newSnapshot) {
      this(id, member, cause, purpose, requestedAt, deadline, status, queued, completedAt, verified, detail, affectedModels,
          newSnapshot, List.of(), 0, 0, null);
    }

    /**
     * Whether the request is done and found nothing of the member's to remove: the run's counts
     * say no snapshot or model held the member, and nothing was removed or came back. Fails
     * closed: false without counts (a request executed before runs counted), whatever its detail says.
     */
    public boolean nothingHeld() {
      return settledWithoutRemoving() && tally.nothingHeld();
    }

    /**
     * Whether the request is done and every snapshot holding the member was left alone because
     * the member allowed the use again before it was made: nothing needed removing. False
     * without counts, as {@link #nothingHeld}.
     */
    public boolean onlyLeftAlone() {
      return settledWithoutRemoving() && tally.onlyLeftAlone();
    }

    private boolean settledWithoutRemoving() {
      return "completed".equals(status) && tally != null && snapshotsRebuilt == 0 && modelsRetrained == 0
          && affectedModels.isEmpty() && reopenings.isEmpty();
    }

    /** Whether the request still needs work. */
    public boolean open() {
      return !"completed".equals(status);
    }
  }

  /**
   * What one execution of a forget request found, as the forget run counted it (lethe-unlearn's
   * {@code ForgetRequest.Tally}); the server reads these, never the run's sentence.
   *
   * @param snapshotsRebuilt snapshots rebuilt without the member
   * @param snapshotsLeftAlone snapshots holding the member that the request does not cover (made
   *     after it was received, at a time the member allowed the use again) and were left alone
   * @param retiredSnapshotsCleared snapshots forgetting had retired whose files were back and were deleted again
   * @param modelsRetrained models retrained from the rebuilt snapshots
   */
  record Tally(int snapshotsRebuilt, int snapshotsLeftAlone, int retiredSnapshotsCleared, int modelsRetrained) {
    boolean nothingHeld() {
      return snapshotsRebuilt == 0 && snapshotsLeftAlone == 0 && retiredSnapshotsCleared == 0 && modelsRetrained == 0;
    }

    boolean onlyLeftAlone() {
      return snapshotsLeftAlone > 0 && snapshotsRebuilt == 0 && retiredSnapshotsCleared == 0 && modelsRetrained == 0;
    }
  }

  /**
   * A completed request found undone by a re-check and set back to pending.
   *
   * @param foundAt when the re-check found the member's data back
   * @param completedAt when the request had been completed before, or null
   * @param verified whether that completion had been verified
   * @param found what brought the data back, one entry per snapshot or model; empty when the
   *     re-check predates keeping it
   */
  record Reopening(Instant foundAt, Instant completedAt, boolean verified, List<Found> found) {
    public Reopening {
      found = List.copyOf(found);
    }
  }

  /**
   * One snapshot or model that held the member's data again, named by id, purpose and as-of only
   * (never a directory: members are not told the server's paths).
   *
   * @param kind {@code restored-snapshot}, {@code snapshot-in-use}, {@code restored-model},
   *     {@code model-in-use}, {@code content-in-rebuild}, {@code model-changed} or {@code uncheckable}
   * @param snapshot the snapshot id, or null
   * @param purpose the snapshot's purpose, or null
   * @param asOf the snapshot's as-of instant, or null
   * @param model the model id, or null
   * @param items the member's content items found (content-in-rebuild), else 0
   */
  record Found(String kind, String snapshot, String purpose, Instant asOf, String model, int items) {}
}
