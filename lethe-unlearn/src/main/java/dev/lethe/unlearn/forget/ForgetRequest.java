package dev.lethe.unlearn.forget;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * A request to remove a member from every snapshot and trained model, with its legal deadline
 * (one month from receipt, GDPR Art. 12(3)) and, once executed, what was done and whether the
 * forgetting was verified. Immutable; the queue stores successive versions.
 *
 * @param id stable id derived from member, reason, purpose and receipt
 * @param purpose the purpose the request concerns, or null for all purposes (erasure, manual)
 * @param status pending until executed
 * @param outcome what the execution did and found, or null while pending
 * @param reopenings each time a re-check found the member's data back after the request was
 *     completed, oldest first (empty for a request never reopened)
 */
public record ForgetRequest(
    String id, String member, ForgetReason reason, String purpose, Instant receivedAt, Instant deadline,
    Status status, Outcome outcome, List<Reopening> reopenings) {

  public ForgetRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(status, "status");
    reopenings = List.copyOf(reopenings);
  }

  /** A request never reopened. */
  public ForgetRequest(
      String id, String member, ForgetReason reason, String purpose, Instant receivedAt, Instant deadline,
      Status status, Outcome outcome) {
    this(id, member, reason, purpose, receivedAt, deadline, status, outcome, List.of());
  }

  /** The deadline of a request received at {@code receivedAt}: one calendar month later (UTC). */
  public static Instant deadlineFor(Instant receivedAt) {
    return receivedAt.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
  }

  /** A copy with the execution's outcome. */
  public ForgetRequest executed(Status status, Outcome outcome) {
    return new ForgetRequest(id, member, reason, purpose, receivedAt, deadline, status, outcome, reopenings);
  }

  /**
   * A completed request whose forgetting no longer holds, back to pending so that the next run
   * executes it again. Id, receipt and deadline stay: the obligation is the one the member
   * started, so a reopened request past its deadline is overdue and runs first. The outcome it
   * had moves into the new {@link Reopening}.
   *
   * @throws IllegalStateException if the request is not completed
   */
  public ForgetRequest reopened(Instant at, List<String> problems) {
    return reopened(at, problems, List.of());
  }

  /**
   * As {@link #reopened(Instant, List)}, also keeping what the re-check found in a form that can
   * be told to the member (which snapshot or model brought their data back).
   *
   * @throws IllegalStateException if the request is not completed
   */
  public ForgetRequest reopened(Instant at, List<String> problems, List<Finding> findings) {
    if (status != Status.COMPLETED || outcome == null) {
      throw new IllegalStateException("only a completed request can be reopened; " + id + " is " + status.word());
    }
    List<Reopening> history = new java.util.ArrayList<>(reopenings);
    history.add(new Reopening(at, problems, outcome, findings));
    return new ForgetRequest(id, member, reason, purpose, receivedAt, deadline, Status.PENDING, null, history);
  }

  /**
   * The replacements every earlier execution made (kept across reopenings, so that a re-check
   * still checks the rebuilds of the first execution), oldest first.
   */
  public List<Replacement> earlierReplacements() {
    return reopenings.isEmpty() ? List.of() : reopenings.get(reopenings.size() - 1).previous().replacements();
  }

  /**
   * A re-check that found a completed request no longer holding.
   *
   * @param at when the re-check ran
   * @param problems what it found, one line each (never a member id)
   * @param previous the outcome the request had until then
   * @param findings what brought the member's data back, one entry per snapshot or model (no
   *     directory, no member id); empty for a reopening recorded before findings were kept
   */
  public record Reopening(Instant at, List<String> problems, Outcome previous, List<Finding> findings) {
    public Reopening {
      Objects.requireNonNull(at, "at");
      problems = List.copyOf(problems);
      Objects.requireNonNull(previous, "previous");
      findings = List.copyOf(findings);
    }

    /** A reopening without findings. */
    public Reopening(Instant at, List<String> problems, Outcome previous) {
      this(at, problems, previous, List.of());
    }
  }

  /**
   * One thing a re-check found that undoes a completed request, named by snapshot id, purpose,
   * as-of and model id only: what can be shown to the member (the problems lines name directories,
   * for operators).
   *
   * @param kind what was found
   * @param snapshot the snapshot concerned, or null when only a model is
   * @param purpose the snapshot's purpose, or null when unknown
   * @param asOf the snapshot's as-of instant, or null when unknown
   * @param model the model concerned, or null
   * @param items content items of the member found (for {@link FindingKind#CONTENT_IN_REBUILD}), else 0
   */
  public record Finding(FindingKind kind, String snapshot, String purpose, Instant asOf, String model, int items) {
    public Finding {
      Objects.requireNonNull(kind, "kind");
    }
  }

  /** What kind of thing a re-check found. */
  public enum FindingKind {
    /** A snapshot in force (an old copy put back, say) holds the member's records. */
    SNAPSHOT_IN_USE("snapshot-in-use"),
    /** A snapshot forgetting retired has its deleted files back (a backup restored, say). */
    RESTORED_SNAPSHOT("restored-snapshot"),
    /** A model trained from a retired snapshot has its deleted artefacts back. */
    RESTORED_MODEL("restored-model"),
    /** A model trained on a snapshot holding the member's records (still in force). */
    MODEL_IN_USE("model-in-use"),
    /** The rebuild that replaced a snapshot holds some of the member's content. */
    CONTENT_IN_REBUILD("content-in-rebuild"),
    /** A retrained model no longer equals a model trained from scratch without the member. */
    MODEL_CHANGED("model-changed"),
    /** Something the forgetting rests on is missing or cannot be read, so it cannot be shown to hold. */
    UNCHECKABLE("uncheckable");

    private final String word;

    FindingKind(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    public static FindingKind fromWord(String word) {
      for (FindingKind k : values()) {
        if (k.word.equals(word)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown finding kind: " + word);
    }
  }

  /** Where a request stands. */
  public enum Status {
    PENDING("pending"),
    COMPLETED("completed"),
    FAILED("failed");

    private final String word;

    Status(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    public static Status fromWord(String word) {
      for (Status s : values()) {
        if (s.word.equals(word)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown request status: " + word);
    }
  }

  /**
   * What executing a request did.
   *
   * @param completedAt when the affected models were replaced
   * @param affectedModels models that held the member's data
   * @param replacements one entry per rebuilt snapshot and retrained model
   * @param verified whether every check of every replacement held
   * @param detail a sentence for people (what was found, what failed); its wording may change, so
   *     programs read {@code tally} instead
   * @param tally what the execution found, counted; null when it was not counted: an outcome
   *     recorded before counts were kept, or an execution that failed before it could look
   */
  public record Outcome(
      Instant completedAt, List<String> affectedModels, List<Replacement> replacements, boolean verified, String detail,
      Tally tally) {
    public Outcome {
      affectedModels = List.copyOf(affectedModels);
      replacements = List.copyOf(replacements);
    }

    /** An outcome without counts (as recorded before counts were kept). */
    public Outcome(Instant completedAt, List<String> affectedModels, List<Replacement> replacements, boolean verified, String detail) {
      this(completedAt, affectedModels, replacements, verified, detail, null);
    }
  }

  /**
   * What one execution of a request found, counted, so that readers (the server's member page,
   * say) need not parse {@link Outcome#detail}. Counts cover that execution only; replacements of
   * earlier executions of a reopened request are in {@link ForgetRequest#earlierReplacements}.
   *
   * @param snapshotsRebuilt snapshots holding data the request covers that were rebuilt without the member
   * @param snapshotsLeftAlone snapshots holding the member that the request does not cover and left
   *     alone: as of its receipt or later, with the ledger allowing the member at their as-of (a
   *     member who consented again)
   * @param retiredSnapshotsCleared snapshots already retired by forgetting whose deleted files (or
   *     whose models' artefacts) were back and were deleted again
   * @param modelsRetrained models retrained from the rebuilt snapshots
   */
  public record Tally(int snapshotsRebuilt, int snapshotsLeftAlone, int retiredSnapshotsCleared, int modelsRetrained) {
    public Tally {
      if (snapshotsRebuilt < 0 || snapshotsLeftAlone < 0 || retiredSnapshotsCleared < 0 || modelsRetrained < 0) {
        throw new IllegalArgumentException("a forget tally counts things, so none of its counts is negative: " + snapshotsRebuilt
            + ", " + snapshotsLeftAlone + ", " + retiredSnapshotsCleared + ", " + modelsRetrained);
      }
    }

    /** Whether no snapshot or model held the member at all: nothing rebuilt, left alone, deleted again or retrained. */
    public boolean nothingHeld() {
      return snapshotsRebuilt == 0 && snapshotsLeftAlone == 0 && retiredSnapshotsCleared == 0 && modelsRetrained == 0;
    }

    /**
     * Whether snapshots held the member but only ones the request does not cover (the member
     * allowed the use again before they were built): nothing needed removing.
     */
    public boolean onlyLeftAlone() {
      return snapshotsLeftAlone > 0 && snapshotsRebuilt == 0 && retiredSnapshotsCleared == 0 && modelsRetrained == 0;
    }
  }

  /**
   * One rebuilt snapshot and the model retrained from it.
   *
   * @param oldModel the model that held the member, or null when the snapshot had no model
   * @param newModel the retrained model, or null
   * @param digestsEqual the retrained model's digest equals a model trained from scratch on the new snapshot
   * @param contentAbsent none of the member's content ids is in any shard of the new snapshot
   * @param canaries exposure of the member's planted canaries before and after
   * @param recordsRetrained records retrained
   * @param recordsFullRetrain records a full retrain would have read
   * @param millis wall-clock time of rebuild, retrain and verification
   */
  public record Replacement(
      String oldSnapshot, String newSnapshot, String oldModel, String newModel, boolean digestsEqual, boolean contentAbsent,
      List<CanaryExposure> canaries, long recordsRetrained, long recordsFullRetrain, long millis) {
    public Replacement {
      canaries = List.copyOf(canaries);
    }
  }

  /** A planted canary's exposure (bits) in the old model, the new one, and a model trained from scratch. */
  public record CanaryExposure(String canary, double before, double after, double scratch) {}
}
