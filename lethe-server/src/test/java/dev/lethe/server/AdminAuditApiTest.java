package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminAuditApiTest {

  @TempDir Path dir;
  TestServer t;
  String admin;
  String auditor;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(dir);
    admin = t.token(Role.ADMIN);
    auditor = t.token(Role.AUDITOR);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  static String v2BlockingGb(String effective, int noticeDays) {
    return "{\"policy\":" + TestServer.POLICY_V1.replace("\"version\":\"v1\"", "\"version\":\"v2\"")
        .replace("\"effective\":\"2025-01-01T00:00:00Z\"", "\"effective\":\"" + effective + "\"")
        .replace("\"notice_days\":30", "\"notice_days\":" + noticeDays)
        .replace("\"rules\":{\"EEA\":\"blocked\",\"CH\":\"blocked\"}", "\"rules\":{\"EEA\":\"blocked\",\"CH\":\"blocked\",\"UK\":\"blocked\"}") + "}";
  }

  @Test
  void previewCountsTheMembersWhoseDecisionsChangeOnTheEffectiveDate() throws Exception {
    // v2 blocks GB and needs 0 days' notice: on its effective date carol is blocked for GenAI,
    // and every opt-out decision of a member not yet told of v2 falls to notice-pending: GenAI for
    // alice and bob, personalization for all four (dan's GenAI stays blocked: no change).
    JsonNode p = t.send("POST", "/v1/admin/policies/preview", admin, v2BlockingGb("2025-04-01T00:00:00Z", 0)).json();
    assertThat(p.get("members").asInt()).isEqualTo(4);
    assertThat(p.get("members_changing").asInt()).isEqualTo(4);
    assertThat(p.get("changing_by_purpose").get("genai-training").asInt()).isEqualTo(3);
    assertThat(p.get("transitions").get("personalization: default-opt-out -> notice-pending").asInt()).isEqualTo(4);
    assertThat(p.get("transitions").get("genai-training: default-opt-out -> jurisdiction-blocked").asInt()).isEqualTo(1);
    assertThat(p.get("transitions").get("genai-training: default-opt-out -> notice-pending").asInt()).isEqualTo(2);
    assertThat(p.get("diff").toString()).contains("purposes.genai-training.rules.UK").contains("notice_days").contains("effective");
    assertThat(t.store.eventCount()).as("a preview stores nothing").isEqualTo(9);
  }

  @Test
  void publishingQueuesNoticesThatTheOutboxSendsOnce() throws Exception {
    t.clock.advance(Duration.ofMinutes(1));
    JsonNode published = t.send("POST", "/v1/admin/policies", admin, v2BlockingGb("2025-04-01T00:00:00Z", 14)).json();
    assertThat(published.get("notices_pending").asInt()).isEqualTo(4);
    assertThat(t.get("/v1/admin/policies", auditor).json().get("policies")).hasSize(2);
    assertThat(t.get("/v1/admin/outbox", admin).json().get("pending").asInt()).isEqualTo(4);

    t.notices.fail = true;
    assertThat(t.send("POST", "/v1/admin/outbox/send", admin, null).status()).isEqualTo(503);
    assertThat(t.events("alice", "notice.sent")).hasSize(1);

    t.notices.fail = false;
    assertThat(t.send("POST", "/v1/admin/outbox/send", admin, null).json().get("sent").asInt()).isEqualTo(4);
    assertThat(t.notices.sent).extracting(NoticeSender.Notice::policyVersion).containsOnly("v2");
    assertThat(t.events("alice", "notice.sent")).hasSize(2);
    assertThat(t.send("POST", "/v1/admin/outbox/send", admin, null).json().get("sent").asInt()).isZero();
  }

  @Test
  void objectionsAreReviewedWithACountdown() throws Exception {
    String alice = t.token("alice");
    String id = t.send("POST", "/v1/members/alice/objections", alice,
        "{\"purpose\":\"personalization\",\"reason\":\"<b>stop</b> & \\\"now\\\"\"}").json().get("objection").asText();
    t.clock.advance(Duration.ofDays(10));
    alice = t.token("alice");
    admin = t.token(Role.ADMIN);
    auditor = t.token(Role.AUDITOR);
    JsonNode listed = t.get("/v1/admin/objections", auditor).json().get("objections").get(0);
    assertThat(listed.get("objection").asText()).isEqualTo(id);
    assertThat(listed.get("days_left").asInt()).isEqualTo(21);
    assertThat(listed.get("reason").asText()).isEqualTo("<b>stop</b> & \"now\"");

    JsonNode decided = t.send("POST", "/v1/admin/objections/" + id + "/decision", admin,
        "{\"outcome\":\"upheld\",\"justification\":\"no overriding interest\"}").json();
    assertThat(decided.get("status").asText()).isEqualTo("upheld");
    JsonNode personalization = t.get("/v1/members/alice/settings", alice).json().get("settings").get(1);
    assertThat(personalization.get("reason").asText()).isEqualTo("objection-upheld");
    assertThat(t.get("/v1/audit/report", auditor).json().get("summary").get("objections_open").asInt()).isZero();
  }

  @Test
  void theForgetQueueStartsEmptyWithHourlyRuns() throws Exception {
    JsonNode q = t.get("/v1/admin/forget-queue", admin).json();
    assertThat(q.get("requests")).isEmpty();
    assertThat(q.get("schedule").get("every").asText()).isEqualTo("PT1H");
    assertThat(q.get("schedule").get("next_run").asText()).isEqualTo("2025-03-03T11:00:00Z");
    assertThat(q.get("schedule").get("last_run").isNull()).isTrue();
  }

  @Test
  void theAuditorBrowsesLeavesAndProvesInclusionUnderASignedCheckpoint() throws Exception {
    JsonNode log = t.get("/v1/audit/log?from=1&limit=3", auditor).json();
    assertThat(log.get("size").asLong()).isEqualTo(t.store.auditSize());
    assertThat(log.get("leaves")).hasSize(3);
    assertThat(log.get("leaves").get(0).get("index").asLong()).isEqualTo(1);

    JsonNode cps = t.get("/v1/audit/checkpoints", auditor).json();
    assertThat(cps.get("checkpoints")).isNotEmpty();
    assertThat(cps.get("checkpoints").get(0).get("note").asText()).startsWith(cps.get("origin").asText());

    JsonNode proof = t.get("/v1/audit/proofs/4", auditor).json();
    assertThat(proof.get("verifies").asBoolean()).isTrue();
    assertThat(proof.get("tree_size").asLong()).isEqualTo(9);

    JsonNode report = t.get("/v1/audit/report", auditor).json();
    assertThat(report.get("summary").get("audit_ok").asBoolean()).isTrue();
    assertThat(report.get("summary").get("members").asInt()).isEqualTo(4);
    assertThat(report.get("audit").get("leaves").asLong()).as("the report is under a checkpoint of every leaf").isEqualTo(t.store.auditSize());
    assertThat(report.get("audit").get("verify_command").asText()).contains("lethe-verify");
    assertThat(t.get("/v1/audit/snapshots", auditor).json().get("snapshots")).isEmpty();
  }

  @Test
  void publicEndpoints() throws Exception {
    TestServer.Response health = t.get("/health", null);
    assertThat(health.json().get("status").asText()).isEqualTo("ok");
    assertThat(t.get("/.well-known/gpc.json", null).json().get("gpc").asBoolean()).isTrue();
    t.get("/v1/members/alice/settings", t.token("alice"));
    TestServer.Response metrics = t.get("/metrics", null);
    assertThat(metrics.body()).contains("http_server_requests_seconds_count{method=\"GET\",route=\"/v1/members/{id}/settings\",status=\"200\"}");
  }

  @Test
  void theFileSenderAppendsOneLinePerNotice() throws Exception {
    Path file = dir.resolve("out/notices.jsonl");
    FileNoticeSender sender = new FileNoticeSender(file);
    sender.send(java.util.List.of(new NoticeSender.Notice("alice", "v2", TestServer.NOW, TestServer.NOW),
        new NoticeSender.Notice("bob", "v2", TestServer.NOW, TestServer.NOW)));
    sender.send(java.util.List.of(new NoticeSender.Notice("carol", "v2", TestServer.NOW, TestServer.NOW)));
    assertThat(Files.readAllLines(file)).hasSize(3).first().satisfies(l -> assertThat(Json.MAPPER.readTree(l).get("member").asText()).isEqualTo("alice"));
    assertThat(Map.of()).isEmpty();
  }
}
