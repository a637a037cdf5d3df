package dev.lethe.server;

import dev.lethe.store.LedgerStore;
import dev.lethe.store.audit.AuditReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

  /** The latest finished verification, or null. Guarded by this. */
  private Verified last;
  /** The verification running now, or null. Guarded by this. */
  private CompletableFuture<Verified> running;

  private AuditVerification(Supplier<AuditReport> verify, Clock clock, Duration maxAge) {
    this.verify = verify;
    this.clock = clock;
    this.maxAge = maxAge;
  }

  /** Verifies with {@code store.verifyAudit()}, reusing a result for {@code maxAge} (see the class contract). */
  static AuditVerification of(LedgerStore store, Clock clock, Duration maxAge) {
    return of(store::verifyAudit, clock, maxAge);
  }

  /** As {@link #of(LedgerStore, Clock, Duration)}, verifying with {@code verify} (tests time and count the runs). */
  static AuditVerification of(Supplier<AuditReport> verify, Clock clock, Duration maxAge) {
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("the maximum age of an audit verification must be positive, not " + maxAge);
    }
    return new AuditVerification(Objects.requireNonNull(verify, "verify"), Objects.requireNonNull(clock, "clock"), maxAge);
  }

  /**
   * The verification of the log in {@code state}: the kept one if it is of this state and younger
   * than the maximum age, else the one running now, else a new one run in this thread.
   */
  Verified current(State state) {
    CompletableFuture<Verified> result;
    boolean mine = false;
    synchronized (this) {
      if (last != null && last.state().equals(state) && fresh(last)) {
        return last;
      }
      if (running == null) {
        running = new CompletableFuture<>();
        mine = true;
      }
      result = running;
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
