package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Where is my data" over a real snapshot and model, and forgetting driven by the server: an
 * erasure becomes a forget request at once, an admin's run rebuilds the snapshot, retrains the
 * model, verifies and audits, and every view follows.
 */
class ForgettingTest {

  static final Instant AS_OF = Instant.parse("2025-03-01T00:00:00Z");

  @TempDir Path dir;
  TestServer t;

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
  }

  @Test
  void anErasureIsForgottenByAnAdminRunAndEveryViewFollows() throws Exception {
    t = new TestServer(dir, b -> b.forgetEvery(Duration.ZERO));
    TestServer.Trained trained = t.publishSnapshotAndModel(AS_OF);
    String snapshot = trained.snapshot().metadata().snapshot();
    String model = trained.model().model().id();

    JsonNode first = t.get("/v1/members/alice/data-usage", t.token("alice")).json();
    assertThat(first.get("snapshots")).singleElement().satisfies(s -> {
      assertThat(s.get("snapshot").asText()).isEqualTo(snapshot);
      assertThat(s.get("shards")).isNotEmpty();
    });
    assertThat(first.get("models")).singleElement().satisfies(m -> {
      assertThat(m.get("model").asText()).isEqualTo(model);
      assertThat(m.get("snapshot").asText()).isEqualTo(snapshot);
      assertThat(m.get("origin").asText()).isEqualTo("scratch");
      assertThat(m.get("status").asText()).isEqualTo("in-use");
      assertThat(m.get("shards")).isEqualTo(first.get("snapshots").get(0).get("shards"));
    });
    assertThat(first.get("forget_requests")).isEmpty();
    JsonNode dan = t.get("/v1/members/dan/data-usage", t.token("dan")).json();
    assertThat(dan.get("snapshots")).as("dan lives in a blocked region").isEmpty();
    assertThat(dan.get("models")).isEmpty();

    TestServer.Response erasure = t.send("POST", "/v1/members/alice/erasure", t.token("alice"), null);
    assertThat(erasure.status()).isEqualTo(202);
    assertThat(erasure.json().get("forget_requests")).singleElement().satisfies(r -> {
      assertThat(r.get("cause").asText()).isEqualTo("erasure");
      assertThat(r.get("deadline").asText()).isEqualTo("2025-04-03T10:00:00Z");
      assertThat(r.get("status").asText()).isEqualTo("pending");
      assertThat(r.get("queued").asBoolean()).as("shown before the scheduler syncs").isFalse();
    });
    JsonNode usage = t.get("/v1/members/alice/data-usage", t.token("alice")).json();
    assertThat(usage.get("models").get(0).get("status").asText()).isEqualTo("forgetting-pending");
    String requestId = usage.get("forget_requests").get(0).get("id").asText();

    t.clock.advance(Duration.ofDays(2));
    String admin = t.token(Role.ADMIN);
    JsonNode queue = t.get("/v1/admin/forget-queue", admin).json();
    assertThat(queue.get("requests")).singleElement().satisfies(r -> {
      assertThat(r.get("id").asText()).isEqualTo(requestId);
      assertThat(r.get("member").asText()).isEqualTo("alice");
      assertThat(r.get("days_left").asInt()).isEqualTo(29);
    });
    assertThat(queue.get("schedule").get("every").isNull()).isTrue();

    TestServer.Response run = t.send("POST", "/v1/admin/forget/run", admin, null);
    assertThat(run.status()).as(run.body()).isEqualTo(200);
    JsonNode report = run.json();
    assertThat(report.get("trigger").asText()).isEqualTo("admin");
    assertThat(report.get("error").isNull()).isTrue();
    assertThat(report.get("queued").asInt()).isEqualTo(1);
    assertThat(report.get("executed").asInt()).isEqualTo(1);
    assertThat(report.get("completed").asInt()).isEqualTo(1);
    assertThat(report.get("failed").asInt()).isZero();
    assertThat(report.get("blocked").asInt()).as("no rebuild was stopped by its environment").isZero();
    assertThat(report.get("requests")).singleElement().satisfies(r -> {
      assertThat(r.get("id").asText()).isEqualTo(requestId);
      assertThat(r.get("status").asText()).isEqualTo("completed");
      assertThat(r.get("verified").asBoolean()).isTrue();
      assertThat(r.get("completed_at").asText()).isEqualTo("2025-03-05T10:00:00Z");
    });
    JsonNode replacement = report.get("replacements").get(0);
    assertThat(replacement.get("old_snapshot").asText()).isEqualTo(snapshot);
    assertThat(replacement.get("old_model").asText()).isEqualTo(model);
    assertThat(replacement.get("digests_equal").asBoolean()).as("the retrained model equals one trained from scratch").isTrue();
    assertThat(replacement.get("content_absent").asBoolean()).isTrue();
    assertThat(replacement.get("canaries").asInt()).as("alice's planted canary was checked").isEqualTo(1);
    assertThat(replacement.get("records_retrained").asLong()).isLessThan(replacement.get("records_full_retrain").asLong());
    String newSnapshot = replacement.get("new_snapshot").asText();
    String newModel = replacement.get("new_model").asText();

    usage = t.get("/v1/members/alice/data-usage", t.token("alice")).json();
    assertThat(usage.get("snapshots")).isEmpty();
    assertThat(usage.get("models")).isEmpty();
    assertThat(usage.get("forget_requests")).singleElement().satisfies(r -> {
      assertThat(r.get("status").asText()).isEqualTo("completed");
      assertThat(r.get("queued").asBoolean()).isTrue();
      assertThat(r.get("verified").asBoolean()).isTrue();
      assertThat(r.get("new_snapshot").asText()).isEqualTo(newSnapshot);
      assertThat(r.get("affected_models")).extracting(JsonNode::asText).containsExactly(model);
    });
    JsonNode bob = t.get("/v1/members/bob/data-usage", t.token("bob")).json();
    assertThat(bob.get("snapshots")).singleElement().satisfies(s -> assertThat(s.get("snapshot").asText()).isEqualTo(newSnapshot));
    assertThat(bob.get("models")).singleElement().satisfies(m -> {
      assertThat(m.get("model").asText()).isEqualTo(newModel);
      assertThat(m.get("origin").asText()).isEqualTo("retrained-shards");
      assertThat(m.get("parent").asText()).isEqualTo(model);
    });

    // The member's page says what was removed and that the model was retrained, in words, to the minute.
    String alicePage = page("alice");
    assertThat(alicePage).contains("<tr id=\"forget-" + requestId + "\"><td>You asked for your data to be erased</td>"
        + "<td><time datetime=\"2025-03-03T10:00:00Z\">3 March 2025, 10:00 UTC</time></td>"
        + "<td><time datetime=\"2025-04-03T10:00:00Z\">3 April 2025, 10:00 UTC</time></td>"
        + "<td>Done on <time datetime=\"2025-03-05T10:00:00Z\">5 March 2025, 10:00 UTC</time>: removed from 1 training data snapshot;"
        + " the model trained on it was retrained without your data and checked against a model trained without it from the start.</td>")
        .contains("None of your content is in a training data snapshot.", "No trained model used your content.")
        .doesNotContain("nothing needed removing");
    assertThat(usage.get("forget_requests").get(0).get("snapshots_rebuilt").asInt()).isEqualTo(1);
    assertThat(usage.get("forget_requests").get(0).get("models_retrained").asInt()).isEqualTo(1);
    assertThat(usage.get("forget_requests").get(0).get("nothing_held").asBoolean()).isFalse();
    // Bob, still in the rebuilt snapshot, reads how its model was made, and where his content is, in words.
    String bobPage = page("bob");
    assertThat(bobPage).contains("Data for Generative AI Improvement training data as of <time datetime=\"2025-03-01T00:00:00Z\">1 March 2025</time>",
        "retrained after other data was removed from the snapshot (only the changed parts were trained again)", "<td>part ")
        .doesNotContain("retrained-shards").doesNotContain("[" + bob.get("snapshots").get(0).get("shards").get(0).asInt() + "]");

    queue = t.get("/v1/admin/forget-queue", admin).json();
    assertThat(queue.get("requests")).isEmpty();
    assertThat(queue.get("schedule").get("last_run").get("completed").asInt()).isEqualTo(1);

    String auditor = t.token(Role.AUDITOR);
    assertThat(t.get("/v1/audit/log?from=0&limit=200", auditor).body()).contains("forget.verification");
    JsonNode compliance = t.get("/v1/audit/report", auditor).json();
    assertThat(compliance.get("snapshots")).as("the rebuild supersedes the original").singleElement().satisfies(s -> {
      assertThat(s.get("snapshot").asText()).isEqualTo(newSnapshot);
      assertThat(s.get("blocked_regions")).extracting(JsonNode::asText).contains("EEA");
      assertThat(s.get("blocked_regions_included").asLong()).isZero();
      assertThat(s.get("minors_included").asLong()).isZero();
    });
    assertThat(compliance.get("forget_requests")).singleElement().satisfies(r -> {
      assertThat(r.get("verification").asText()).isEqualTo("passed");
      assertThat(r.get("on_time").asBoolean()).isTrue();
      assertThat(r.get("member").asText()).as("members appear by commitment only").isNotEqualTo("alice").startsWith("hmac-sha256:");
    });
    assertThat(compliance.get("summary").get("all_checks_pass").asBoolean()).isTrue();
    assertThat(compliance.get("summary").get("forget_requests_open").asInt()).isZero();

    // Every listing says what forgetting replaced, and the counts in use agree with the report.
    JsonNode listed = t.get("/v1/audit/snapshots", auditor).json();
    assertThat(listed.get("in_use").asInt()).isEqualTo(compliance.get("summary").get("snapshots").asInt()).isEqualTo(1);
    assertThat(listed.get("replaced").asInt()).isEqualTo(1);
    assertThat(listed.get("snapshots")).hasSize(2).anySatisfy(s -> {
      assertThat(s.get("snapshot").asText()).isEqualTo(snapshot);
      assertThat(s.get("status").asText()).isEqualTo("replaced");
      assertThat(s.get("shards").asInt()).as("forgetting deleted its shard files").isZero();
      assertThat(s.get("replaced").get("at").asText()).isEqualTo("2025-03-05T10:00:00Z");
      assertThat(s.get("replaced").get("by")).extracting(JsonNode::asText).containsExactly(newSnapshot);
      assertThat(s.get("replaced").get("files_deleted").asBoolean()).isTrue();
      assertThat(s.get("replaced").get("forget_requests")).extracting(JsonNode::asText).containsExactly(requestId);
    }).anySatisfy(s -> {
      assertThat(s.get("snapshot").asText()).isEqualTo(newSnapshot);
      assertThat(s.get("status").asText()).isEqualTo("in-use");
      assertThat(s.get("replaced").isNull()).isTrue();
    });
    JsonNode models = t.get("/v1/audit/models", auditor).json();
    assertThat(models.get("in_use").asInt()).isEqualTo(1);
    assertThat(models.get("retired").asInt()).isEqualTo(1);
    assertThat(models.get("complete").asBoolean()).isTrue();
    assertThat(models.get("models")).hasSize(2).anySatisfy(m -> {
      assertThat(m.get("model").asText()).isEqualTo(model);
      assertThat(m.get("status").asText()).isEqualTo("retired");
      assertThat(m.get("retired").get("snapshot").asText()).isEqualTo(snapshot);
      assertThat(m.get("retired").get("by")).extracting(JsonNode::asText).containsExactly(newModel);
      assertThat(m.get("retired").get("artefacts_deleted").asBoolean()).isTrue();
      assertThat(m.get("retired").get("forget_requests")).extracting(JsonNode::asText).containsExactly(requestId);
    }).anySatisfy(m -> {
      assertThat(m.get("model").asText()).isEqualTo(newModel);
      assertThat(m.get("status").asText()).isEqualTo("in-use");
    });

    JsonNode again = t.send("POST", "/v1/admin/forget/run", admin, null).json();
    assertThat(again.get("executed").asInt()).as("nothing is left to do").isZero();
  }

  @Test
  void aRequestWhoseSnapshotsWereAllMadeAfterTheMemberConsentedAgainSaysNothingNeededRemovingAndWhy() throws Exception {
    t = new TestServer(dir, b -> b.forgetEvery(Duration.ZERO));
    String alice = t.token("alice");
    // Alice switches the purpose off (a retroactive withdrawal) and on again the next day; the
    // snapshot and model are made after that, with her consent.
    assertThat(t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"withdraw\"}").status()).isEqualTo(200);
    t.clock.advance(Duration.ofDays(1));
    // Tokens last an hour: each call after the clock moves on signs in afresh.
    alice = t.token("alice");
    assertThat(t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"grant\"}").status()).isEqualTo(200);
    t.clock.advance(Duration.ofHours(1));
    t.publishSnapshotAndModel(t.clock.instant());
    t.clock.advance(Duration.ofHours(1));

    TestServer.Response run = t.send("POST", "/v1/admin/forget/run", t.token(Role.ADMIN), null);
    assertThat(run.status()).as(run.body()).isEqualTo(200);
    JsonNode request = t.get("/v1/members/alice/data-usage", t.token("alice")).json().get("forget_requests").get(0);
    assertThat(request.get("cause").asText()).isEqualTo("withdrawal");
    assertThat(request.get("status").asText()).isEqualTo("completed");
    assertThat(request.get("snapshots_rebuilt").asInt()).isZero();
    assertThat(request.get("snapshots_left_alone").asInt()).isEqualTo(1);
    assertThat(request.get("only_left_alone").asBoolean()).isTrue();
    assertThat(request.get("nothing_held").asBoolean()).as("a snapshot did hold her data").isFalse();

    String page = page("alice");
    assertThat(page).contains("<td>Done on <time datetime=\"2025-03-04T12:00:00Z\">4 March 2025, 12:00 UTC</time>. Nothing needed removing:"
        + " you allowed this use again before the training data snapshot holding your data was made, so it was left as it is.</td>")
        .doesNotContain("none of your data was in any").doesNotContain("was retrained");
  }

  @Test
  void aRequestExecutedBeforeRunsCountedClaimsNothingWhateverItsSentenceSays() throws Exception {
    t = new TestServer(dir, b -> b.forgetEvery(Duration.ZERO));
    // As a run before counts were kept stored it: the sentence the server once matched, and no counts.
    var old = dev.lethe.unlearn.forget.ForgetRequests.pending("bob", dev.lethe.unlearn.forget.ForgetReason.MANUAL, null,
        TestServer.NOW).executed(dev.lethe.unlearn.forget.ForgetRequest.Status.COMPLETED,
        new dev.lethe.unlearn.forget.ForgetRequest.Outcome(TestServer.NOW, java.util.List.of(), java.util.List.of(), true,
            "no snapshot or model held the member's data"));
    dev.lethe.unlearn.forget.ForgetQueue.open(dir.resolve("data").resolve("forget")).save(old);

    JsonNode request = t.get("/v1/members/bob/data-usage", t.token("bob")).json().get("forget_requests").get(0);
    assertThat(request.get("status").asText()).isEqualTo("completed");
    assertThat(request.get("nothing_held").asBoolean()).isFalse();
    assertThat(request.get("only_left_alone").asBoolean()).isFalse();
    assertThat(request.get("snapshots_left_alone").asInt()).isZero();
    assertThat(page("bob")).contains("<td>Done on <time datetime=\"2025-03-03T10:00:00Z\">3 March 2025, 10:00 UTC</time>.</td>")
        .doesNotContain("nothing needed removing").doesNotContain("Nothing needed removing");
  }

  /** The member's page, as their browser gets it. */
  private String page(String member) throws Exception {
    HttpResponse<String> r = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/privacy"))
        .header("Cookie", Auth.COOKIE + "=" + t.token(member)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void theInjectedExecutorRunsForgettingPeriodicallyAndStaysTheCallers() throws Exception {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      t = new TestServer(dir, b -> b.forgetEvery(Duration.ofMillis(100)).forgetExecutor(executor));
      assertThat(t.send("POST", "/v1/members/bob/erasure", t.token("bob"), null).status()).isEqualTo(202);
      JsonNode lastRun = null;
      // Up to a minute: the first scheduled run can wait behind class loading and JIT on a busy
      // machine; the loop ends as soon as the run is seen.
      for (int i = 0; i < 1200 && (lastRun == null || lastRun.isNull() || lastRun.get("completed").asInt() == 0); i++) {
        Thread.sleep(50);
        lastRun = t.get("/v1/admin/forget-queue", t.token(Role.ADMIN)).json().get("schedule").get("last_run");
      }
      assertThat(lastRun.get("trigger").asText()).isEqualTo("schedule");
      assertThat(lastRun.get("requests")).singleElement().satisfies(r -> {
        assertThat(r.get("member").asText()).isEqualTo("bob");
        assertThat(r.get("detail").asText()).contains("no snapshot or model");
      });
      // Nothing of bob's was in a snapshot or model: the member is told exactly that, not that models were retrained.
      JsonNode request = t.get("/v1/members/bob/data-usage", t.token("bob")).json().get("forget_requests").get(0);
      assertThat(request.get("nothing_held").asBoolean()).isTrue();
      assertThat(request.get("snapshots_rebuilt").asInt()).isZero();
      assertThat(page("bob")).contains(": none of your data was in any training data snapshot or model; nothing needed removing.")
          .doesNotContain("was retrained").doesNotContain("were retrained");
      t.close();
      t = null;
      assertThat(executor.isShutdown()).as("an injected executor is the caller's to shut down").isFalse();
    } finally {
      executor.shutdownNow();
    }
  }
}
