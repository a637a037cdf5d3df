package dev.lethe.server;

import static dev.lethe.testkit.Trees.copy;
import static dev.lethe.testkit.Trees.restoreMissing;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After every forget run the server checks the requests completed before it again: a member's
 * data restored from a backup after forgetting completed is found, shown to admins (API and
 * page), recorded in the audit log, and the request is reopened so that the next run forgets the
 * member again.
 */
class RecheckTest {

  @TempDir Path dir;
  TestServer t;

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
  }

  @Test
  void dataRestoredAfterForgettingIsFlaggedReopenedAndForgottenAgain() throws Exception {
    t = new TestServer(dir, b -> b.forgetEvery(Duration.ZERO));
    TestServer.Trained trained = t.publishSnapshotAndModel(ForgettingTest.AS_OF);
    String snapshot = trained.snapshot().metadata().snapshot();
    String model = trained.model().model().id();
    Path snapshotDir = trained.snapshot().directory();
    Path modelDir = dir.resolve("data").resolve("models").resolve(model);
    Path backup = dir.resolve("backup");
    copy(snapshotDir, backup.resolve("snapshot"));
    copy(modelDir, backup.resolve("model"));
    String admin = t.token(Role.ADMIN);

    assertThat(t.get("/v1/admin/forget-queue", admin).json().get("recheck").isNull()).as("no run yet").isTrue();
    assertThat(page(admin)).contains("No re-check yet");

    assertThat(t.send("POST", "/v1/members/alice/erasure", t.token("alice"), null).status()).isEqualTo(202);
    JsonNode first = t.send("POST", "/v1/admin/forget/run", admin, null).json();
    assertThat(first.get("completed").asInt()).isEqualTo(1);
    String requestId = first.get("requests").get(0).get("id").asText();
    // The request this run completed was verified by it; nothing was completed before.
    assertThat(first.get("recheck").get("checked").asInt()).isZero();
    JsonNode second = t.send("POST", "/v1/admin/forget/run", admin, null).json();
    assertThat(second.get("recheck").get("checked").asInt()).isEqualTo(1);
    assertThat(second.get("recheck").get("holding").asInt()).isEqualTo(1);
    assertThat(second.get("recheck").get("failed")).isEmpty();
    assertThat(page(admin)).contains("1 completed request(s) checked, 1 hold.");

    // The operator restores the backup over the retired snapshot and the retired model.
    restoreMissing(backup.resolve("snapshot"), snapshotDir);
    restoreMissing(backup.resolve("model"), modelDir);
    t.clock.advance(Duration.ofDays(40));
    admin = t.token(Role.ADMIN);
    TestServer.Response thirdRun = t.send("POST", "/v1/admin/forget/run", admin, null);
    assertThat(thirdRun.status()).as(thirdRun.body()).isEqualTo(200);
    JsonNode third = thirdRun.json();
    assertThat(third.get("executed").asInt()).isZero();
    JsonNode recheck = third.get("recheck");
    assertThat(recheck.get("checked").asInt()).isEqualTo(1);
    assertThat(recheck.get("holding").asInt()).isZero();
    assertThat(recheck.get("reopened").asInt()).isEqualTo(1);
    assertThat(recheck.get("failed")).singleElement().satisfies(f -> {
      assertThat(f.get("id").asText()).isEqualTo(requestId);
      assertThat(f.get("member").asText()).isEqualTo("alice");
      assertThat(f.get("reopened").asBoolean()).isTrue();
      assertThat(f.get("problems").toString()).contains("retired snapshot " + snapshot, "holds the member again",
          "model " + model, "deleted artefact(s) back");
    });
    // The admin's queue shows the latest re-check and the reopened request, overdue under its original deadline.
    JsonNode queue = t.get("/v1/admin/forget-queue", admin).json();
    assertThat(queue.get("recheck")).isEqualTo(recheck);
    assertThat(queue.get("requests")).singleElement().satisfies(r -> {
      assertThat(r.get("id").asText()).isEqualTo(requestId);
      assertThat(r.get("status").asText()).isEqualTo("pending");
      assertThat(r.get("deadline").asText()).isEqualTo("2025-04-03T10:00:00Z");
      assertThat(r.get("days_left").asInt()).isNegative();
    });
    assertThat(page(admin)).contains("1 no longer hold", "1 reopened", requestId, "retired snapshot " + snapshot);
    // The member is told it was completed, then found undone (when, by which snapshot and model), and is being
    // removed again under the original deadline: in the API, additively, and on their page; never a directory.
    JsonNode usage = t.get("/v1/members/alice/data-usage", t.token("alice")).json();
    String completedAt = first.get("requests").get(0).get("completed_at").asText();
    assertThat(usage.get("forget_requests")).singleElement().satisfies(r -> {
      assertThat(r.get("id").asText()).isEqualTo(requestId);
      assertThat(r.get("status").asText()).isEqualTo("pending");
      assertThat(r.get("reopened").asBoolean()).isTrue();
      assertThat(r.get("deadline").asText()).isEqualTo("2025-04-03T10:00:00Z");
      assertThat(r.get("reopenings")).singleElement().satisfies(ro -> {
        assertThat(ro.get("found_at").asText()).isEqualTo(recheck.get("at").asText());
        assertThat(ro.get("completed_at").asText()).isEqualTo(completedAt);
        assertThat(ro.get("verified").asBoolean()).isTrue();
        assertThat(ro.get("found")).extracting(f -> f.get("kind").asText() + " " + f.get("snapshot").asText() + " "
            + f.get("model").asText()).containsExactly("restored-snapshot " + snapshot + " null", "restored-model " + snapshot + " " + model);
        assertThat(ro.get("found").get(0).get("purpose").asText()).isEqualTo("genai-training");
        assertThat(ro.get("found").get(0).get("as_of").asText()).isEqualTo("2025-03-01T00:00:00Z");
        assertThat(ro.get("explanation").asText())
            .startsWith("Completed on " + completedAt.substring(0, 10) + " and verified. A check on "
                + recheck.get("at").asText().substring(0, 10) + " found your data again: a copy of the genai-training training data"
                + " (snapshot " + snapshot + ", data as of 2025-03-01) that we had deleted was restored")
            .contains("model " + model, "We are removing it again. It is due by 2025-04-03, the deadline of your original request"
                + " (overdue by");
      });
      assertThat(r.toString()).doesNotContain(dir.toString()).doesNotContain("shard").doesNotContain("digest");
    });
    String memberPage = memberPage(t.token("alice"));
    assertThat(memberPage).contains("found undone on a re-check; being removed again, overdue by",
        "id=\"forget-" + requestId + "-reopening-1\"", "that we had deleted was restored", "model " + model)
        .doesNotContain(dir.toString());
    // The audit log holds the failed re-check, by commitment only.
    List<JsonNode> leaves = leaves("forget.recheck");
    assertThat(leaves).singleElement().satisfies(l -> {
      assertThat(l.toString()).contains("hmac-sha256:", "retired snapshot " + snapshot).doesNotContain("\"alice\"");
    });

    // The next run forgets alice again: what came back is deleted, and the request holds again.
    JsonNode fourth = t.send("POST", "/v1/admin/forget/run", admin, null).json();
    assertThat(fourth.get("executed").asInt()).isEqualTo(1);
    assertThat(fourth.get("completed").asInt()).isEqualTo(1);
    assertThat(fourth.get("requests")).singleElement()
        .satisfies(r -> assertThat(r.get("detail").asText()).contains("deleted again", snapshot));
    try (Stream<Path> files = Files.list(modelDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.json");
    }
    assertThat(t.get("/v1/members/alice/data-usage", t.token("alice")).json().get("snapshots")).isEmpty();
    assertThat(leaves("forget.removed-again")).hasSize(1);
    assertThat(t.get("/v1/members/alice/data-usage", t.token("alice")).json().get("forget_requests")).singleElement()
        .satisfies(r -> {
          assertThat(r.get("status").asText()).isEqualTo("completed");
          assertThat(r.get("reopened").asBoolean()).isTrue();
          assertThat(r.get("reopenings")).singleElement().satisfies(ro -> assertThat(ro.get("explanation").asText())
              .endsWith("It was removed again on " + r.get("completed_at").asText().substring(0, 10) + "."));
        });
    JsonNode fifth = t.send("POST", "/v1/admin/forget/run", admin, null).json();
    assertThat(fifth.get("recheck").get("checked").asInt()).isEqualTo(1);
    assertThat(fifth.get("recheck").get("holding").asInt()).isEqualTo(1);
    assertThat(page(admin)).contains("1 completed request(s) checked, 1 hold.");
  }

  /** The audit log's leaves of one kind, read page by page. */
  private List<JsonNode> leaves(String kind) throws Exception {
    String auditor = t.token(Role.AUDITOR);
    List<JsonNode> out = new java.util.ArrayList<>();
    long size = Long.MAX_VALUE;
    for (long from = 0; from < size; from += 200) {
      JsonNode page = t.get("/v1/audit/log?from=" + from + "&limit=200", auditor).json();
      size = page.get("size").asLong();
      for (JsonNode l : page.get("leaves")) {
        if (l.toString().contains("\"" + kind + "\"")) {
          out.add(l);
        }
      }
    }
    return out;
  }

  private String memberPage(String member) throws Exception {
    HttpResponse<String> r = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/privacy"))
        .header("Cookie", Auth.COOKIE + "=" + member).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private String page(String admin) throws Exception {
    HttpResponse<String> r = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/admin"))
        .header("Cookie", Auth.COOKIE + "=" + admin).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
