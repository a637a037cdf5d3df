package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One run at a time, periodic runs that survive failures, and the admin's run refused while one is in progress. */
class ForgetSchedulerTest {

  final MutableClock clock = new MutableClock(TestServer.NOW);
  final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void anAdminRunIsRefusedWhileAScheduledRunIsInProgressAndRunsNeverOverlap() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger afterRuns = new AtomicInteger();
    ForgetScheduler.Job job = () -> {
      maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      try {
        if (runs.incrementAndGet() == 1) {
          started.countDown();
          release.await(10, TimeUnit.SECONDS);
        }
        return Json.object().put("executed", 0);
      } catch (InterruptedException e) {
        throw new IOException(e);
      } finally {
        inside.decrementAndGet();
      }
    };
    try (ForgetScheduler s = new ForgetScheduler(job, executor, false, Duration.ofMillis(20), clock, afterRuns::incrementAndGet)) {
      s.start();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(s.status().get("running").asBoolean()).isTrue();
      assertThatThrownBy(s::runNow).isInstanceOfSatisfying(ProblemException.class, e -> {
        assertThat(e.status()).isEqualTo(409);
        assertThat(e.slug()).isEqualTo("forget-run-in-progress");
      });
      release.countDown();
      for (int i = 0; i < 200 && runs.get() < 4; i++) {
        Thread.sleep(10);
      }
    }
    executor.shutdown(); // a tick that began just before close may still be running: let it end
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(runs.get()).isGreaterThanOrEqualTo(4);
    assertThat(maxInside.get()).as("runs never overlap").isEqualTo(1);
    assertThat(afterRuns.get()).isEqualTo(runs.get());
  }

  @Test
  void aFailedRunIsReportedAndTheScheduleGoesOn() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    ForgetScheduler.Job job = () -> {
      runs.incrementAndGet();
      throw new IOException("disk full");
    };
    try (ForgetScheduler s = new ForgetScheduler(job, executor, false, Duration.ofMillis(10), clock, () -> {})) {
      s.start();
      for (int i = 0; i < 300 && runs.get() < 3; i++) {
        Thread.sleep(10);
      }
      assertThat(runs.get()).as("a failure does not cancel later runs").isGreaterThanOrEqualTo(3);
      assertThat(s.status().get("last_run").get("error").asText()).isEqualTo("disk full");
    }
    // Without a schedule, so that no tick can hold the run when the admin asks.
    try (ForgetScheduler s = new ForgetScheduler(job, executor, false, Duration.ZERO, clock, () -> {})) {
      assertThatThrownBy(s::runNow).isInstanceOf(IOException.class).hasMessage("disk full");
      assertThat(s.status().get("last_run").get("trigger").asText()).isEqualTo("admin");
      assertThat(s.status().get("last_run").get("error").asText()).isEqualTo("disk full");
    }
  }

  @Test
  void aZeroPeriodSchedulesNothingAndAnOwnedExecutorIsShutDownOnClose() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor();
    ForgetScheduler s = new ForgetScheduler(() -> {
      runs.incrementAndGet();
      return Json.object();
    }, own, true, Duration.ZERO, clock, () -> {});
    s.start();
    Thread.sleep(100);
    assertThat(runs.get()).isZero();
    assertThat(s.status().get("every").isNull()).isTrue();
    assertThat(s.status().get("next_run").isNull()).isTrue();
    ObjectNode admin = s.runNow();
    assertThat(admin.get("trigger").asText()).isEqualTo("admin");
    assertThat(admin.get("started_at").asText()).isEqualTo("2025-03-03T10:00:00Z");
    assertThat(runs.get()).isEqualTo(1);
    assertThat(s.status().get("last_run")).isEqualTo(admin);
    s.close();
    assertThat(own.isShutdown()).isTrue();
  }
}
