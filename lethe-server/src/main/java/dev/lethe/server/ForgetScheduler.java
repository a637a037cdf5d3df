package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs forgetting periodically and on an admin's demand, never two runs at once: a forget run
 * rebuilds snapshots and retrains models in place, so two overlapping runs would rebuild the same
 * snapshot twice and race on the queue. A scheduled tick that finds a run in progress is skipped
 * (that run covers it); an admin's demand gets a 409 problem.
 *
 * <p>Periodic runs use a fixed delay (the next run starts {@code every} after the previous one
 * ended), so a run longer than the period never queues up a backlog of runs. The report of the
 * latest run, including a failed one, is kept for the admin's view, and so is the latest re-check
 * of completed requests a run made (a run that failed before re-checking leaves it as it was).
 */
final class ForgetScheduler implements AutoCloseable {

  /** What one run does; returns its report. */
  interface Job {
    ObjectNode run() throws IOException;
  }

  /** How long closing waits for a run in progress before leaving it to the executor. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final Job job;
  private final ScheduledExecutorService executor;
  private final boolean ownsExecutor;
  private final Duration every;
  private final Clock clock;
  private final Runnable afterRun;
  private final ReentrantLock running = new ReentrantLock();
  private volatile ObjectNode lastRun;
  private volatile ObjectNode lastRecheck;
  private volatile Instant nextRun;
  private ScheduledFuture<?> future;

  /**
   * @param executor where periodic runs execute
   * @param ownsExecutor whether {@link #close} shuts the executor down (false when the embedding
   *     application injected it)
   * @param every the delay between runs; zero disables periodic runs
   * @param clock the source of the instants in reports
   * @param afterRun called after every run, failed or not (views drop their caches)
   */
  ForgetScheduler(Job job, ScheduledExecutorService executor, boolean ownsExecutor, Duration every, Clock clock, Runnable afterRun) {
    if (every.isNegative()) {
      throw new IllegalArgumentException("the forget period must not be negative: " + every);
    }
    this.job = job;
    this.executor = executor;
    this.ownsExecutor = ownsExecutor;
    this.every = every;
    this.clock = clock;
    this.afterRun = afterRun;
  }

  /** Schedules the periodic runs, the first one period from now; does nothing if disabled. */
  synchronized void start() {
    if (every.isZero() || future != null) {
      return;
    }
    nextRun = clock.instant().plus(every);
    long millis = Math.max(1, every.toMillis());
    future = executor.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    if (!running.tryLock()) {
      return;
    }
    try {
      execute("schedule");
    } catch (IOException | RuntimeException e) {
      // Reported in last_run; the executor would silently cancel every later run if this escaped.
      System.err.println("lethe-server: scheduled forget run failed: " + e);
    } finally {
      nextRun = clock.instant().plus(every);
      running.unlock();
    }
  }

  /**
   * Runs now, in the caller's thread.
   *
   * @throws ProblemException 409 if a run is in progress (here or in another process)
   * @throws IOException if the run failed (its report, with the error, becomes the last run)
   */
  ObjectNode runNow() throws IOException {
    if (!running.tryLock()) {
      throw new ProblemException(409, "forget-run-in-progress", "Forget run in progress",
          "a forget run is in progress; its report will be the last run once it ends");
    }
    try {
      return execute("admin");
    } catch (dev.lethe.unlearn.forget.ForgetRunner.ConcurrentRunException e) {
      // Another process (lethe forget-run) holds the queue: the same answer as a run in here.
      throw new ProblemException(409, "forget-run-in-progress", "Forget run in progress", e.getMessage());
    } finally {
      running.unlock();
    }
  }

  private ObjectNode execute(String trigger) throws IOException {
    ObjectNode report = Json.object();
    report.put("trigger", trigger);
    report.put("started_at", Rfc3339.format(clock.instant()));
    try {
      ObjectNode result = job.run();
      report.put("finished_at", Rfc3339.format(clock.instant()));
      report.putNull("error");
      report.setAll(result);
      lastRun = report;
      if (result.hasNonNull("recheck")) {
        lastRecheck = (ObjectNode) result.get("recheck");
      }
      return report;
    } catch (IOException | RuntimeException e) {
      report.put("finished_at", Rfc3339.format(clock.instant()));
      report.put("error", String.valueOf(e.getMessage()));
      lastRun = report;
      throw e;
    } finally {
      afterRun.run();
    }
  }

  /** The schedule, whether a run is in progress, and the latest run's report. */
  ObjectNode status() {
    ObjectNode o = Json.object();
    o.put("every", every.isZero() ? null : every.toString());
    Instant next = nextRun;
    o.put("next_run", every.isZero() || next == null ? null : Rfc3339.format(next));
    o.put("running", running.isLocked());
    o.set("last_run", lastRun == null ? null : lastRun.deepCopy());
    return o;
  }

  /**
   * The latest re-check of completed requests (the last run that got as far as re-checking), or
   * null if no run has re-checked since the server started.
   */
  ObjectNode lastRecheck() {
    ObjectNode r = lastRecheck;
    return r == null ? null : r.deepCopy();
  }

  /**
   * Cancels the periodic runs and waits (up to {@link #CLOSE_WAIT}) for a run in progress, so the
   * store the run writes to is not closed under it. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (future != null) {
        future.cancel(false);
      }
    }
    try {
      if (running.tryLock(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        running.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsExecutor) {
      executor.shutdownNow();
    }
  }
}
