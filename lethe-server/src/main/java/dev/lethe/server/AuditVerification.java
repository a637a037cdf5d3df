package dev.lethe.server;

import dev.lethe.store.LedgerStore;
import dev.lethe.store.audit.AuditReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The audit log's full verification ({@link LedgerStore#verifyAudit}), run once per state of the
 * log and shared: it reads every leaf, node and checkpoint, which takes tens of seconds to minutes
 * on a log of millions of leaves, so the report and the audit page must not pay it per request.
 *
 * <p>Contract of {@link #of}:
 *
 * <ul>
 *   <li>A result is reused while the log's {@link State} (its size and latest signed checkpoint
 *       note, which holds the root) is the one it was verified for and it began less than {@code
 *       maxAge} ago. A new leaf or checkpoint changes the state, so the next request verifies
 *       again.
 *   <li>At most one verification runs at a time. A request that needs one while another is running
 *       waits for that one and gets its result, even if the log has grown since it began; the
 *       result says when it began and how many leaves it checked, so nobody takes it for more.
 *   <li>Tampering that keeps the size and the checkpoint (rewriting a leaf's bytes, a node, a key
 *       file or the key history in place) does not change the state: it is reported by the first
 *       verification after the reused one expires, at most {@code maxAge} later. This is why the
 *       age is bounded and why {@link Verified#startedAt} is reported.
 *   <li>A verification that throws is not kept: its waiters get the exception and the next request
 *       tries again.
 *   <li>With a refresher ({@link #of(LedgerStore, Clock, Duration, Executor)}), a request for a
 *       state the kept result is not of, while that result is younger than {@code maxAge}, gets
 *       the kept result at once, and one verification of the new state starts on the refresher;
 *       on a log that grows all the time (every consent change is a leaf) the report would
 *       otherwise verify millions of leaves per request. The result says when it began and how
 *       many leaves it checked, so it is never taken for a verification of leaves added since;
 *       past {@code maxAge} the request waits for a new verification as without a refresher.
 * </ul>
 */
final class AuditVerification {

  /** How long a verification is reused for an unchanged log before it is run again. */
  static final Duration MAX_AGE = Duration.ofMinutes(10);

  /**
   * What identifies the audit log's state cheaply: its size and the latest checkpoint's signed note
   * (size, root and signatures). Both change with every appended leaf once it is checkpointed.
   */
  record State(long size, String checkpointNote) {
    State {
      Objects.requireNonNull(checkpointNote, "checkpointNote");
    }
  }

  /**
   * A finished verification.
   *
   * @param state the state of the log when it was asked for
   * @param report what {@link LedgerStore#verifyAudit} found ({@link AuditReport#leaves} is how
   *     many leaves it checked, which may be more than {@code state.size()} if leaves were appended
   *     meanwhile)
   * @param startedAt when it began reading the log; it is reused until {@code startedAt + maxAge}
   */
  record Verified(State state, AuditReport report, Instant startedAt) {}

  private final Supplier<AuditReport> verify;
  private final Clock clock;
  private final Duration maxAge;
  /** Where a verification of a newer state runs while the kept one is served; null: never served stale. */
  private final Executor refresher;

  /** The latest finished verification, or null. Guarded by this. */
  private Verified last;
  /** The verification running now, or null. Guarded by this. */
  private CompletableFuture<Verified> running;

  private AuditVerification(Supplier<AuditReport> verify, Clock clock, Duration maxAge, Executor refresher) {
    this.verify = verify;
    this.clock = clock;
    this.maxAge = maxAge;
    this.refresher = refresher;
  }

  /** Verifies with {@code store.verifyAudit()}, reusing a result for {@code maxAge} (see the class contract). */
  static AuditVerification of(LedgerStore store, Clock clock, Duration maxAge) {
    return of(store::verifyAudit, clock, maxAge);
  }

  /**
   * As {@link #of(LedgerStore, Clock, Duration)}, serving the kept result while a verification of
   * a newer state runs on {@code refresher} (see the class contract).
   */
  static AuditVerification of(LedgerStore store, Clock clock, Duration maxAge, Executor refresher) {
    return of(store::verifyAudit, clock, maxAge, Objects.requireNonNull(refresher, "refresher"));
  }

  /** As {@link #of(LedgerStore, Clock, Duration)}, verifying with {@code verify} (tests time and count the runs). */
  static AuditVerification of(Supplier<AuditReport> verify, Clock clock, Duration maxAge) {
    return of(verify, clock, maxAge, null);
  }

  /** As {@link #of(LedgerStore, Clock, Duration, Executor)}, verifying with {@code verify}; a null refresher never serves stale. */
  static AuditVerification of(Supplier<AuditReport> verify, Clock clock, Duration maxAge, Executor refresher) {
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("the maximum age of an audit verification must be positive, not " + maxAge);
    }
    return new AuditVerification(Objects.requireNonNull(verify, "verify"), Objects.requireNonNull(clock, "clock"), maxAge,
        refresher);
  }

  /**
   * The verification of the log in {@code state}: the kept one if it is of this state and younger
   * than the maximum age, else the one running now, else a new one run in this thread.
   */
  Verified current(State state) {
    CompletableFuture<Verified> result;
    boolean mine = false;
    Verified stale = null;
    CompletableFuture<Verified> background = null;
    synchronized (this) {
      if (last != null && fresh(last)) {
        if (last.state().equals(state)) {
          return last;
        }
        if (refresher != null) {
          stale = last;
          if (running == null) {
            running = new CompletableFuture<>();
            background = running;
          }
        }
      }
      if (stale == null && running == null) {
        running = new CompletableFuture<>();
        mine = true;
      }
      result = running;
    }
    if (stale != null) {
      if (background != null) {
        refresh(state, background);
      }
      return stale;
    }
    if (mine) {
      run(state, result);
    }
    try {
      return result.join();
    } catch (CompletionException e) {
      // Rethrow what verifyAudit threw, as a direct call would have.
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Starts the verification of {@code state} on the refresher; its failure is reported, not kept. */
  private void refresh(State state, CompletableFuture<Verified> result) {
    result.whenComplete((done, failed) -> {
      if (failed != null) {
        // Nobody waits for it; the next request that needs a verification starts another.
        System.err.println("lethe-server: the background audit verification failed: " + failed);
      }
    });
    try {
      refresher.execute(() -> run(state, result));
    } catch (RuntimeException e) { // rejected: the next request tries again
      synchronized (this) {
        running = null;
      }
      result.completeExceptionally(e);
    }
  }

  private boolean fresh(Verified v) {
    Instant now = clock.instant();
    // A clock set back before the verification began says nothing about its age: verify again.
    return !now.isBefore(v.startedAt()) && now.isBefore(v.startedAt().plus(maxAge));
  }

  private void run(State state, CompletableFuture<Verified> result) {
    Verified done = null;
    Throwable failed = null;
    try {
      Instant started = clock.instant();
      done = new Verified(state, verify.get(), started);
    } catch (Throwable e) {
      failed = e;
    } finally {
      synchronized (this) {
        if (done != null) {
          last = done;
        }
        running = null;
      }
    }
    if (done != null) {
      result.complete(done);
    } else {
      result.completeExceptionally(failed);
    }
  }
}
