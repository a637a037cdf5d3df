package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or broken input: always a 4xx problem (checked against the OpenAPI document), nothing stored. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

  TestServer t;
  String alice;
  String admin;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    t = new TestServer(dir);
    alice = t.token("alice");
    admin = t.token(Role.ADMIN);
  }

  @AfterAll
  void stop() {
    t.close();
  }

  TestServer.Response refused(int status, String method, String path, String token, String body, Map<String, String> headers) throws Exception {
    return t.refused(status, method, path, token, body, headers);
  }

  TestServer.Response refused(int status, String method, String path, String token, String body) throws Exception {
    return refused(status, method, path, token, body, Map.of());
  }

  @Test
  void oversizedBodies() throws Exception {
    String huge = "{\"purpose\":\"personalization\",\"reason\":\"" + "x".repeat(70 * 1024) + "\"}";
    refused(413, "POST", "/v1/members/alice/objections", alice, huge);
  }

  @Test
  void malformedJson() throws Exception {
    refused(400, "PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":");
    refused(400, "PUT", "/v1/members/alice/settings/genai-training", alice, "[\"grant\"]");
    refused(400, "PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"grant\"} trailing");
    refused(400, "PUT", "/v1/members/alice/settings/genai-training", alice, "[".repeat(5000));
    refused(400, "POST", "/v1/admin/policies", admin, "");
    refused(422, "PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":true}");
    refused(422, "PUT", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"maybe\"}");
  }

  @Test
  void unknownPurposesAndMembers() throws Exception {
    refused(404, "PUT", "/v1/members/alice/settings/mind-reading", alice, "{\"choice\":\"grant\"}");
    refused(404, "GET", "/v1/members/nobody/settings", admin, null);
    refused(404, "POST", "/v1/members/nobody/erasure", admin, null);
    refused(404, "POST", "/v1/members/alice/objections", alice, "{\"purpose\":\"mind-reading\",\"reason\":\"no\"}");
    refused(404, "POST", "/v1/admin/objections/obj-none/decision", admin, "{\"outcome\":\"upheld\",\"justification\":\"x\"}");
    refused(404, "GET", "/v1/audit/proofs/999999", t.token(Role.AUDITOR), null);
    refused(404, "GET", "/v1/no/such/path", alice, null);
    refused(405, "DELETE", "/v1/members/alice/settings", alice, null);
  }

  @Test
  void scriptTagsInObjections() throws Exception {
    TestServer.Response r = refused(422, "POST", "/v1/members/alice/objections", alice,
        "{\"purpose\":\"personalization\",\"reason\":\"<script>alert(1)</script>\"}");
    assertThat(r.json().get("type").asText()).endsWith("/unsafe-text");
    refused(422, "POST", "/v1/members/alice/objections", alice,
        "{\"purpose\":\"personalization\",\"reason\":\"hi < SCRIPT src=//x.example>\"}");
  }

  @Test
  void sqlMetacharacters() throws Exception {
    refused(404, "GET", "/v1/members/alice'%20OR%20'1'='1/settings", admin, null);
    refused(404, "PUT", "/v1/members/alice/settings/x';%20DROP%20TABLE%20events;--", alice, "{\"choice\":\"grant\"}");
    refused(403, "GET", "/v1/members/bob';--/settings", alice, null);
    refused(400, "GET", "/v1/audit/log?from=1;DROP", t.token(Role.AUDITOR), null);
    // The ledger is intact afterwards.
    assertThat(t.get("/v1/members/alice/settings", alice).status()).isEqualTo(200);
  }

  @Test
  void hugeQueryParameters() throws Exception {
    refused(414, "GET", "/v1/members/alice/settings?x=" + "a".repeat(5000), alice, null);
    refused(414, "GET", "/v1/members/alice/settings?x=" + "a".repeat(40_000), alice, null);
    refused(400, "GET", "/v1/audit/log?limit=100000", t.token(Role.AUDITOR), null);
    refused(400, "GET", "/v1/audit/log?from=99999999999999999999999", t.token(Role.AUDITOR), null);
  }

  @Test
  void badPolicies() throws Exception {
    refused(422, "POST", "/v1/admin/policies/preview", admin, "{\"policy\":{\"version\":\"x\"}}");
    refused(422, "POST", "/v1/admin/policies", admin, "{\"policy\":\"v9\"}");
    refused(409, "POST", "/v1/admin/policies", admin, "{\"policy\":" + TestServer.POLICY_V1 + "}");
    // The ledger reads longer notice periods (the spec sets no bound), but a published one over
    // ten years is taken for a typo: it could never be taken back out of the ledger.
    String tooLong = TestServer.POLICY_V1.replace("\"v1\"", "\"v9\"").replace("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
        .replace("\"notice_days\":30", "\"notice_days\":3651");
    for (String path : new String[] {"/v1/admin/policies/preview", "/v1/admin/policies"}) {
      assertThat(refused(422, "POST", path, admin, "{\"policy\":" + tooLong + "}").json().get("detail").asText())
          .isEqualTo("\"policy.notice_days\" must be at most 3650 (ten years) for a policy published here, not 3651");
    }
    String misspelled = tooLong.replace("\"notice_days\":3651", "\"notice_days\":30")
        .replace("\"retroactive_withdrawal\":true", "\"retroactive_withdrawl\":true");
    assertThat(misspelled).contains("retroactive_withdrawl");
    assertThat(refused(422, "POST", "/v1/admin/policies", admin, "{\"policy\":" + misspelled + "}").json().get("detail").asText())
        .startsWith("unknown field \"policy.purposes.genai-training.retroactive_withdrawl\": the fields here are title, default,");
    assertThat(refused(422, "POST", "/v1/admin/policies/preview", admin,
        "{\"policy\":" + misspelled.replace("\"retroactive_withdrawl\"", "\"retroactive_withdrawal\"").replace("{\"version\"", "{\"versoin\":1,\"version\"")
            + "}").json().get("detail").asText())
        .startsWith("unknown field \"policy.versoin\"");
    TestServer.Response tenYears = t.call("POST", "/v1/admin/policies/preview", admin,
        "{\"policy\":" + tooLong.replace("\"notice_days\":3651", "\"notice_days\":3650") + "}", Map.of());
    assertThat(tenYears.status()).as(tenYears.body()).isEqualTo(200);
  }

  @Test
  void garbageTokens() throws Exception {
    refused(401, "GET", "/v1/members/alice/settings", "not.a.jwt", null);
    refused(401, "GET", "/v1/members/alice/settings", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSIsInJvbGUiOiJhZG1pbiJ9.", null);
    refused(401, "GET", "/v1/members/alice/settings", "x".repeat(12_000), null);
  }
}
