package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberApiTest {

  @TempDir Path dir;
  TestServer t;
  String alice;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(dir);
    alice = t.token("alice");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static JsonNode setting(JsonNode settings, String purpose) {
    for (JsonNode s : settings.get("settings")) {
      if (s.get("purpose").asText().equals(purpose)) {
        return s;
      }
    }
    throw new AssertionError("no setting " + purpose + " in " + settings);
  }

  @Test
  void settingsShowTheDecisionAndAWithdrawalIsRecordedWithSourceApi() throws Exception {
    JsonNode genai = setting(t.get("/v1/members/alice/settings", alice).json(), "genai-training");
    assertThat(genai.get("title").asText()).isEqualTo("Data for Generative AI Improvement");
    assertThat(genai.get("offered").asBoolean()).isTrue();
    assertThat(genai.get("allowed").asBoolean()).isTrue();
    assertThat(genai.get("reason").asText()).isEqualTo("default-opt-out");

    t.clock.advance(Duration.ofMinutes(1));
    TestServer.Response r = t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"withdraw\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("allowed").asBoolean()).isFalse();
    assertThat(r.json().get("reason").asText()).isEqualTo("withdrawn");
    assertThat(r.json().get("choice").asText()).isEqualTo("withdraw");
    assertThat(t.events("alice", "consent.set")).singleElement().satisfies(e -> {
      assertThat(e.get("source").asText()).isEqualTo("api");
      assertThat(e.get("at").asText()).isEqualTo("2025-03-03T10:01:00Z");
    });
    assertThat(t.store.decide("alice", "genai-training", t.clock.instant()).allowed()).isFalse();
  }

  @Test
  void aUkMemberIsNotOfferedGenAiTrainingAndGetsTheSignals() throws Exception {
    String carol = t.token("carol");
    publishBlockingGb();
    JsonNode genai = setting(t.get("/v1/members/carol/settings", carol).json(), "genai-training");
    assertThat(genai.get("offered").asBoolean()).isFalse();
    assertThat(genai.get("reason").asText()).isEqualTo("jurisdiction-blocked");
    assertThat(genai.get("explanation").asText()).contains("(United Kingdom)").doesNotContain("(GB)");

    TestServer.Response put = t.send("PUT", "/v1/members/carol/settings/genai-training", carol, "{\"choice\":\"grant\"}");
    assertThat(put.status()).isEqualTo(409);
    assertThat(t.events("carol", "consent.set")).isEmpty();

    TestServer.Response signals = t.get("/v1/members/carol/ai-signals", carol);
    assertThat(signals.json().get("allowed").asBoolean()).isFalse();
    assertThat(signals.json().get("headers").get("tdm-reservation").asText()).isEqualTo("1");
    assertThat(signals.json().get("headers").get("Content-Usage").asText()).isEqualTo("train-ai=n");
    assertThat(signals.header("tdm-reservation")).isEqualTo("1");
    assertThat(signals.header("Content-Usage")).isEqualTo("train-ai=n");
  }

  /** Publishes v2 (GB blocked too), effective now, and tells every member in time. */
  void publishBlockingGb() throws Exception {
    t.clock.advance(Duration.ofMinutes(1));
    String v2 = TestServer.POLICY_V1.replace("\"version\":\"v1\"", "\"version\":\"v2\"")
        .replace("\"effective\":\"2025-01-01T00:00:00Z\"", "\"effective\":\"2025-03-03T10:01:00Z\"")
        .replace("\"notice_days\":30", "\"notice_days\":0")
        .replace("\"rules\":{\"EEA\":\"blocked\",\"CH\":\"blocked\"}", "\"rules\":{\"EEA\":\"blocked\",\"CH\":\"blocked\",\"UK\":\"blocked\"}");
    String admin = t.token(Role.ADMIN);
    assertThat(t.send("POST", "/v1/admin/policies", admin, "{\"policy\":" + v2 + "}").status()).isEqualTo(201);
    assertThat(t.send("POST", "/v1/admin/outbox/send", admin, null).status()).isEqualTo(200);
  }

  @Test
  void aiSignalsAreEmptyWhenTrainingIsAllowed() throws Exception {
    TestServer.Response r = t.get("/v1/members/alice/ai-signals", alice);
    assertThat(r.json().get("allowed").asBoolean()).isTrue();
    assertThat(r.json().get("headers").size()).isZero();
    assertThat(r.header("tdm-reservation")).isNull();
  }

  @Test
  void secGpcRecordsOneSignalHoweverOftenItIsSent() throws Exception {
    Map<String, String> gpc = Map.of("Sec-GPC", "1");
    t.call("GET", "/v1/members/alice/settings", alice, null, gpc);
    t.clock.advance(Duration.ofSeconds(5));
    TestServer.Response again = t.call("GET", "/v1/members/alice/settings", alice, null, gpc);
    t.call("GET", "/v1/members/alice/receipts", alice, null, gpc);
    assertThat(t.events("alice", "gpc.signal")).hasSize(1);
    assertThat(setting(again.json(), "genai-training").get("reason").asText()).isEqualTo("gpc");
    // An explicit grant after the signal wins, and the browser's next GPC request does not undo it.
    t.clock.advance(Duration.ofSeconds(5));
    t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"grant\"}");
    TestServer.Response after = t.call("GET", "/v1/members/alice/settings", alice, null, gpc);
    assertThat(setting(after.json(), "genai-training").get("reason").asText()).isEqualTo("consented");
    assertThat(t.events("alice", "gpc.signal")).hasSize(1);
  }

  @Test
  void aGrantRepeatedAfterAGpcSignalIsRecordedAndWinsWhileARepeatedWithdrawalIsNot() throws Exception {
    assertThat(t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"grant\"}").status()).isEqualTo(200);
    t.clock.advance(Duration.ofSeconds(5));
    TestServer.Response signalled = t.call("GET", "/v1/members/alice/settings", alice, null, Map.of("Sec-GPC", "1"));
    assertThat(setting(signalled.json(), "genai-training").get("reason").asText()).isEqualTo("gpc");
    t.clock.advance(Duration.ofSeconds(5));
    // The signal came after the grant, so the member's latest word is a withdrawal (spec rule 8):
    // granting again is a change, recorded, and wins over the signal.
    TestServer.Response again = t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"grant\"}");
    assertThat(again.status()).isEqualTo(200);
    assertThat(t.events("alice", "consent.set")).hasSize(2);
    assertThat(setting(t.get("/v1/members/alice/settings", alice).json(), "genai-training").get("reason").asText())
        .isEqualTo("consented");
    // A withdrawal repeated is still no change: one consent.set, one forget request.
    t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"withdraw\"}");
    t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"withdraw\"}");
    assertThat(t.events("alice", "consent.set")).hasSize(3);
  }

  @Test
  void concurrentIdenticalRequestsAppendOnce() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> sent = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        sent.add(pool.submit(() -> t.send("POST", "/v1/members/alice/objections", alice,
            "{\"purpose\":\"personalization\",\"reason\":\"twice clicked\"}").status()));
        sent.add(pool.submit(() -> t.send("PUT", "/v1/members/alice/settings/genai-training", alice,
            "{\"choice\":\"withdraw\"}").status()));
      }
      for (java.util.concurrent.Future<Integer> f : sent) {
        assertThat(f.get()).isIn(200, 201, 409);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(t.events("alice", "objection.filed")).hasSize(1);
    assertThat(t.events("alice", "consent.set")).hasSize(1);
  }

  @Test
  void gpcFromAnAdminRecordsNothing() throws Exception {
    t.call("GET", "/v1/members/alice/settings", t.token(Role.ADMIN), null, Map.of("Sec-GPC", "1"));
    assertThat(t.events("alice", "gpc.signal")).isEmpty();
  }

  @Test
  void objectionsCarryAOneMonthDeadline() throws Exception {
    TestServer.Response r = t.send("POST", "/v1/members/alice/objections", alice,
        "{\"purpose\":\"personalization\",\"reason\":\"I do not want profiling\"}");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().get("status").asText()).isEqualTo("pending");
    assertThat(r.json().get("deadline").asText()).isEqualTo("2025-04-03T10:00:00Z");
    assertThat(r.json().get("days_left").asInt()).isEqualTo(31);
    assertThat(t.get("/v1/members/alice/objections", alice).json().get("objections")).hasSize(1);
    assertThat(t.events("alice", "objection.filed")).singleElement()
        .satisfies(e -> assertThat(e.get("reason").asText()).isEqualTo("I do not want profiling"));
  }

  @Test
  void anObjectionToAConsentPurposeIsRefused() throws Exception {
    TestServer.Response r = t.send("POST", "/v1/members/alice/objections", alice, "{\"purpose\":\"genai-training\",\"reason\":\"no\"}");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("type").asText()).endsWith("/not-objectable");
    assertThat(t.events("alice", "objection.filed")).isEmpty();
  }

  @Test
  void receiptsFollowKantaraV11OnePerChoice() throws Exception {
    t.clock.advance(Duration.ofMinutes(1));
    t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"withdraw\"}");
    t.clock.advance(Duration.ofMinutes(1));
    t.send("PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"grant\"}");
    TestServer.Response r = t.get("/v1/members/alice/receipts?download=1", alice);
    JsonNode receipts = r.json().get("receipts");
    assertThat(receipts).hasSize(2);
    JsonNode first = receipts.get(0);
    assertThat(first.get("version").asText()).isEqualTo("KI-CR-v1.1.0");
    assertThat(first.get("piiPrincipalId").asText()).isEqualTo("alice");
    assertThat(first.get("consentTimestamp").asLong()).isEqualTo(TestServer.NOW.plusSeconds(60).getEpochSecond());
    assertThat(first.get("choice").asText()).isEqualTo("withdraw");
    assertThat(first.get("services").get(0).get("purposes").get(0).get("purpose").asText()).contains("Data for Generative AI Improvement");
    assertThat(receipts.get(1).get("consentReceiptID").asText()).isNotEqualTo(first.get("consentReceiptID").asText());
    assertThat(r.header("Content-Disposition")).contains("attachment");
    // Ids are stable: the same receipt has the same id on every request.
    assertThat(t.get("/v1/members/alice/receipts", alice).json().get("receipts").get(0).get("consentReceiptID"))
        .isEqualTo(first.get("consentReceiptID"));
  }

  @Test
  void erasureIsRecordedOnceAndStopsUse() throws Exception {
    TestServer.Response first = t.send("POST", "/v1/members/alice/erasure", alice, null);
    assertThat(first.status()).isEqualTo(202);
    t.clock.advance(Duration.ofMinutes(1));
    TestServer.Response second = t.send("POST", "/v1/members/alice/erasure", alice, null);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().get("requested_at").asText()).isEqualTo("2025-03-03T10:00:00Z");
    assertThat(t.events("alice", "erasure.requested")).hasSize(1);
    assertThat(setting(t.get("/v1/members/alice/settings", alice).json(), "genai-training").get("reason").asText())
        .isEqualTo("erasure-requested");
  }

  @Test
  void afterErasureTheMembersWordsShowAsTheMarkerInTheApiAndThePage() throws Exception {
    String reason = "I do not want profiling, I am a nurse at St Mary's";
    assertThat(t.send("POST", "/v1/members/alice/objections", alice,
        "{\"purpose\":\"personalization\",\"reason\":\"" + reason + "\"}").status()).isEqualTo(201);
    t.clock.advance(Duration.ofMinutes(1));
    assertThat(t.send("POST", "/v1/members/alice/erasure", alice, null).status()).isEqualTo(202);

    JsonNode history = t.get("/v1/members/alice/history", alice).json();
    assertThat(history.toString()).doesNotContain("nurse").contains("\"reason\":\"[erased]\"");
    assertThat(t.get("/v1/members/alice/objections", alice).json().get("objections").get(0).get("reason").asText())
        .isEqualTo("[erased]");
    assertThat(t.get("/v1/admin/objections", t.token(Role.ADMIN)).body()).doesNotContain("nurse");
    // A page, not the API: signed in by the session cookie.
    java.net.http.HttpResponse<String> page = t.http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(t.base() + "/privacy")).header("Cookie", Auth.COOKIE + "=" + alice).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("[erased]", "Erasure requested").doesNotContain("nurse");
  }

  @Test
  void dataUsageIsEmptyBeforeAnySnapshot() throws Exception {
    JsonNode usage = t.get("/v1/members/alice/data-usage", alice).json();
    assertThat(usage.get("snapshots")).isEmpty();
    assertThat(usage.get("models")).isEmpty();
    assertThat(usage.get("forget_requests")).isEmpty();
  }

  @Test
  void historyListsTheMembersEventsWithTheirLeaves() throws Exception {
    JsonNode events = t.get("/v1/members/alice/history", alice).json().get("events");
    assertThat(events).hasSize(2);
    assertThat(events.get(0).get("event").get("type").asText()).isEqualTo("member.registered");
  }

  @Test
  void aPolicyPublishedByAnotherProcessShowsAtOnce() throws Exception {
    // Appended to the store directly, as `lethe import` would: the server's policy cache is stale.
    String v2 = TestServer.POLICY_V1.replace("\"version\":\"v1\"", "\"version\":\"v2\"")
        .replace("\"effective\":\"2025-01-01T00:00:00Z\"", "\"effective\":\"2025-03-03T10:00:00Z\"")
        .replace("\"personalization\":{\"title\":\"Personalization models\"", "\"personalization\":{\"title\":\"Recommendations\"");
    t.store.append("{\"type\":\"policy.published\",\"at\":\"2025-03-03T09:00:00Z\",\"policy\":" + v2.replace("\n", " ") + "}", null);
    JsonNode settings = t.get("/v1/members/alice/settings", alice).json();
    assertThat(setting(settings, "genai-training").get("policy_version").asText()).isEqualTo("v2");
    assertThat(setting(settings, "genai-training").get("reason").asText()).isEqualTo("notice-pending");
    assertThat(setting(settings, "personalization").get("title").asText()).isEqualTo("Recommendations");
  }
}
