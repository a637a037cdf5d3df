package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.store.StoreException;
import dev.lethe.store.audit.AuditReport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's audit figures come from a verification run once per state of the log and reused
 * for at most {@link AuditVerification#MAX_AGE}: reused while nothing changes, run again after a
 * new leaf or once too old, and a tampered row that keeps the log's size and checkpoint is
 * reported once the kept verification has expired.
 */
class AuditVerificationTest {

  @TempDir Path dir;
  TestServer t;
  String auditor;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(dir);
    auditor = t.token(Role.AUDITOR);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private JsonNode summary() throws Exception {
    return t.get("/v1/audit/report", auditor).json().get("summary");
  }

  @Test
  void aVerificationIsReusedUntilItExpiresAndThenFindsATamperedLeaf() throws Exception {
    JsonNode first = summary();
    assertThat(first.get("audit_ok").asBoolean()).isTrue();
    assertThat(first.get("audit_verified_at").asText()).isEqualTo(TestServer.NOW.toString());
    long leaves = first.get("audit_leaves").asLong();
    assertThat(leaves).isEqualTo(t.store.auditSize());

    // Rewrite a leaf's bytes in place: the log's size and checkpoint stay as they were.
    tamperLeaf(3);

    t.clock.advance(AuditVerification.MAX_AGE.minusSeconds(1));
    JsonNode reused = summary();
    assertThat(reused.get("audit_verified_at").asText()).as("the kept verification").isEqualTo(TestServer.NOW.toString());
    assertThat(reused.get("audit_ok").asBoolean()).as("the kept verification ran before the tampering").isTrue();
    assertThat(reused.get("audit_leaves").asLong()).isEqualTo(leaves);
    // The audit page shows the same kept summary.
    assertThat(page("/audit")).contains("<dd id=\"audit-ok\">yes</dd>")
        .contains("<dd id=\"audit-verified-at\">" + TestServer.NOW);

    t.clock.advance(Duration.ofSeconds(1));
    JsonNode expired = summary();
    assertThat(expired.get("audit_verified_at").asText()).isEqualTo(TestServer.NOW.plus(AuditVerification.MAX_AGE).toString());
    assertThat(expired.get("audit_ok").asBoolean()).isFalse();
    assertThat(expired.get("all_checks_pass").asBoolean()).isFalse();
    assertThat(expired.get("audit_problems")).extracting(JsonNode::asText)
        .contains("audit leaf 3: its stored hash does not match its bytes");
    assertThat(page("/audit")).contains("<dd id=\"audit-ok\">NO</dd>").contains("audit leaf 3: its stored hash does not match its bytes");
  }

  @Test
  void aNewLeafIsVerifiedInTheBackgroundWhileTheKeptVerificationIsServed() throws Exception {
    JsonNode first = summary();
    long leaves = first.get("audit_leaves").asLong();

    t.clock.advance(Duration.ofMinutes(1));
    assertThat(summary().get("audit_verified_at").asText()).as("nothing changed").isEqualTo(first.get("audit_verified_at").asText());

    tamperLeaf(2);
    t.store.append("{\"type\":\"notice.sent\",\"at\":\"2024-12-04T00:00:00Z\",\"member\":\"alice\",\"policy_version\":\"v1\"}", null);
    t.clock.advance(Duration.ofMinutes(1));
    // At once: the kept verification, saying when it ran and over how many leaves.
    JsonNode kept = summary();
    assertThat(kept.get("audit_verified_at").asText()).isEqualTo(first.get("audit_verified_at").asText());
    assertThat(kept.get("audit_leaves").asLong()).isEqualTo(leaves);
    // Meanwhile the new state is verified in the background; a later request gets it.
    JsonNode grown = kept;
    for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        grown.get("audit_verified_at").asText().equals(first.get("audit_verified_at").asText()) && System.nanoTime() < until; ) {
      Thread.sleep(50);
      grown = summary();
    }
    assertThat(grown.get("audit_verified_at").asText()).isEqualTo(TestServer.NOW.plus(Duration.ofMinutes(2)).toString());
    assertThat(grown.get("audit_leaves").asLong()).isEqualTo(leaves + 1);
    assertThat(grown.get("audit_checkpoints").asLong()).as("the report signed a checkpoint over the new leaf")
        .isEqualTo(first.get("audit_checkpoints").asLong() + 1);
    // The new state's verification reads every leaf, so it finds the older tampered one too.
    assertThat(grown.get("audit_ok").asBoolean()).isFalse();
    assertThat(grown.get("audit_problems")).extracting(JsonNode::asText)
        .contains("audit leaf 2: its stored hash does not match its bytes");
  }

  @Test
  void concurrentRequestsShareTheOneVerificationInProgress() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AuditVerification v = AuditVerification.of(() -> {
      runs.incrementAndGet();
      started.countDown();
      await(release);
      return t.store.verifyAudit();
    }, t.clock, AuditVerification.MAX_AGE);
    AuditVerification.State state = new AuditVerification.State(t.store.auditSize(), t.store.checkpoint().note());
    AuditVerification.State grown = new AuditVerification.State(state.size() + 1, state.checkpointNote() + "x");
    FutureTask<AuditVerification.Verified> a = new FutureTask<>(() -> v.current(state));
    FutureTask<AuditVerification.Verified> b = new FutureTask<>(() -> v.current(state));
    // A request for a log that has grown since the running verification began.
    FutureTask<AuditVerification.Verified> c = new FutureTask<>(() -> v.current(grown));
    Thread ta = new Thread(a);
    Thread tb = new Thread(b);
    Thread tc = new Thread(c);
    ta.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    tb.start();
    tc.start();
    // Both park waiting for the running verification rather than starting their own.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((tb.getState() != Thread.State.WAITING || tc.getState() != Thread.State.WAITING) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(tb.getState()).isEqualTo(Thread.State.WAITING);
    assertThat(tc.getState()).isEqualTo(Thread.State.WAITING);
    assertThat(runs).hasValue(1);
    release.countDown();
    AuditVerification.Verified done = a.get(10, TimeUnit.SECONDS);
    assertThat(b.get(10, TimeUnit.SECONDS)).isSameAs(done);
    assertThat(c.get(10, TimeUnit.SECONDS)).as("shared, and it says which state it verified").isSameAs(done);
    assertThat(done.state()).isEqualTo(state);
    assertThat(done.report().ok()).isTrue();
    assertThat(runs).hasValue(1);
    // Kept for its own state; the grown state gets its own verification next time.
    assertThat(v.current(state)).isSameAs(done);
    assertThat(runs).hasValue(1);
    assertThat(v.current(grown).state()).isEqualTo(grown);
    assertThat(runs).hasValue(2);
  }

  @Test
  void aVerificationThatFailsIsNotKept() {
    AtomicInteger runs = new AtomicInteger();
    AuditVerification v = AuditVerification.of(() -> {
      if (runs.incrementAndGet() == 1) {
        throw new StoreException("the database is not reachable");
      }
      return new AuditReport(0, 0, List.of());
    }, t.clock, AuditVerification.MAX_AGE);
    AuditVerification.State state = new AuditVerification.State(0, "note");
    assertThatThrownBy(() -> v.current(state)).isInstanceOf(StoreException.class).hasMessage("the database is not reachable");
    assertThat(v.current(state).report().ok()).isTrue();
    assertThat(v.current(state).startedAt()).isEqualTo(t.clock.instant());
    assertThat(runs).hasValue(2);
  }

  @Test
  void aClockSetBackDoesNotKeepAVerification() {
    AtomicInteger runs = new AtomicInteger();
    AuditVerification v = AuditVerification.of(() -> {
      runs.incrementAndGet();
      return new AuditReport(0, 0, List.of());
    }, t.clock, AuditVerification.MAX_AGE);
    AuditVerification.State state = new AuditVerification.State(0, "note");
    v.current(state);
    t.clock.set(TestServer.NOW.minusSeconds(1));
    assertThat(v.current(state).startedAt()).isEqualTo(Instant.parse("2025-03-03T09:59:59Z"));
    assertThat(runs).hasValue(2);
    assertThatThrownBy(() -> AuditVerification.of(t.store, t.clock, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Rewrites leaf {@code index}'s bytes through the database the store has open (the same URL in the same JVM joins it). */
  private void tamperLeaf(long index) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + t.dir.resolve("data").toAbsolutePath().resolve("ledger")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;REUSE_SPACE=FALSE");
        PreparedStatement st = c.prepareStatement("UPDATE audit_leaf SET leaf_bytes = ? WHERE leaf_index = ?")) {
      st.setBytes(1, "{\"kind\":\"forged\"}".getBytes(StandardCharsets.UTF_8));
      st.setLong(2, index);
      assertThat(st.executeUpdate()).isEqualTo(1);
    }
  }

  private String page(String path) throws Exception {
    HttpResponse<String> page = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + path))
        .header("Cookie", Auth.COOKIE + "=" + auditor).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    return page.body();
  }

  @Test
  void withARefresherAGrownLogGetsTheKeptResultAtOnceAndOneVerificationInTheBackground() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    List<Runnable> queued = new java.util.ArrayList<>();
    AuditVerification v = AuditVerification.of(() -> {
      runs.incrementAndGet();
      return t.store.verifyAudit();
    }, t.clock, AuditVerification.MAX_AGE, queued::add);
    AuditVerification.State state = new AuditVerification.State(t.store.auditSize(), t.store.checkpoint().note());
    AuditVerification.Verified first = v.current(state);
    assertThat(runs).as("nothing kept yet: verified in the caller's thread").hasValue(1);

    AuditVerification.State grown = new AuditVerification.State(state.size() + 1, state.checkpointNote() + "x");
    assertThat(v.current(grown)).as("served at once").isSameAs(first);
    assertThat(v.current(grown)).isSameAs(first);
    assertThat(queued).as("one verification started for both").hasSize(1);
    queued.get(0).run();
    assertThat(runs).hasValue(2);
    assertThat(v.current(grown).state()).isEqualTo(grown);

    // Past the maximum age nothing is served stale: the request waits for a new verification.
    t.clock.advance(AuditVerification.MAX_AGE);
    AuditVerification.State later = new AuditVerification.State(grown.size() + 1, grown.checkpointNote() + "y");
    assertThat(v.current(later).state()).isEqualTo(later);
    assertThat(runs).hasValue(3);
    assertThat(queued).hasSize(1);
  }
}
