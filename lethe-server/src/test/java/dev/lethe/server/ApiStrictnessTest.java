package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API takes exactly what it documents: bodies in application/json (UTF-8) with exactly the
 * documented fields, no body where none is taken, only the documented query parameters, each once;
 * HEAD is GET without the body; a 405 says what is allowed. Each refusal is a problem document
 * (in UTF-8) and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiStrictnessTest {

  static final String SETTING = "/v1/members/alice/settings/genai-training";

  TestServer t;
  String alice;
  String admin;
  String auditor;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    t = new TestServer(dir);
    alice = t.token("alice");
    admin = t.token(Role.ADMIN);
    auditor = t.token(Role.AUDITOR);
  }

  @AfterAll
  void stop() {
    t.close();
  }

  TestServer.Response refused(int status, String method, String path, String token, String body, Map<String, String> headers) throws Exception {
    return t.refused(status, method, path, token, body, headers);
  }

  String refusedDetail(int status, String method, String path, String token, String body) throws Exception {
    return refused(status, method, path, token, body, Map.of()).json().get("detail").asText();
  }

  /** A raw HTTP/1.1 exchange: status line and headers as text, then the body bytes as sent. */
  record Raw(String head, byte[] body) {
    int status() {
      return Integer.parseInt(head.substring(9, 12));
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  Raw raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", t.server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.getInputStream().transferTo(out);
      byte[] all = out.toByteArray();
      String text = new String(all, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      return new Raw(text.substring(0, end), Arrays.copyOfRange(all, end + 4, all.length));
    }
  }

  @Test
  void problemsAreUtf8() throws Exception {
    TestServer.Response r = refused(422, "PUT", SETTING, alice, "{\"chöice≥±\":\"grant\"}", Map.of());
    assertThat(r.json().get("detail").asText()).contains("unknown field \"chöice≥±\"");
    String body = "{\"chöice≥±\":\"grant\"}";
    Raw raw = raw("PUT " + SETTING + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + alice
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
    assertThat(raw.status()).isEqualTo(422);
    assertThat(new String(raw.body(), StandardCharsets.UTF_8)).contains("chöice≥±");
    assertThat(raw.body()).doesNotContain((byte) '?');
  }

  @Test
  void duplicateKeysAreRefused() throws Exception {
    String detail = refusedDetail(400, "PUT", SETTING, alice, "{\"choice\":\"grant\",\"choice\":\"withdraw\"}");
    assertThat(detail).contains("\"choice\"").contains("more than once");
    refusedDetail(400, "POST", "/v1/admin/policies/preview", admin, "{\"policy\":{},\"policy\":{}}");
  }

  @Test
  void unknownAndMissingFieldsAreNamed() throws Exception {
    assertThat(refusedDetail(422, "PUT", SETTING, alice, "{\"choice\":\"grant\",\"extra\":1}"))
        .contains("unknown field \"extra\"").doesNotContain("missing");
    assertThat(refusedDetail(422, "PUT", SETTING, alice, "{\"Choice\":\"grant\"}"))
        .contains("unknown field \"Choice\"").contains("field \"choice\" is missing");
    assertThat(refusedDetail(422, "PUT", SETTING, alice, "{}")).isEqualTo("field \"choice\" is missing");
    assertThat(refusedDetail(422, "POST", "/v1/members/alice/objections", alice,
        "{\"purpose\":\"personalization\",\"reason\":\"no\",\"at\":\"2020-01-01T00:00:00Z\"}")).contains("unknown field \"at\"");
    assertThat(refusedDetail(422, "POST", "/v1/admin/policies", admin,
        "{\"policy\":" + TestServer.POLICY_V1.replace("\"v1\"", "\"v7\"") + ",\"bogus\":true}")).contains("unknown field \"bogus\"");
    assertThat(refusedDetail(422, "POST", "/v1/admin/objections/obj-x/decision", admin, "{\"outcome\":\"upheld\"}"))
        .contains("field \"justification\" is missing");
  }

  @Test
  void bodiesMustBeJsonInUtf8() throws Exception {
    String body = "{\"choice\":\"withdraw\"}";
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/json;charset=utf-16",
        "application/jsonx", "text/json; charset=utf-8"}) {
      refused(415, "PUT", SETTING, alice, body, Map.of("Content-Type", type));
    }
    // No Content-Type at all (java.net.http always sends one with a body, so by hand).
    Raw raw = raw("PUT " + SETTING + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + alice
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertThat(raw.status()).isEqualTo(415);
    assertThat(raw.header("Content-Type")).startsWith("application/problem+json");
    assertThat(t.events("alice", "consent.set")).noneMatch(e -> e.get("choice").asText().equals("withdraw") && e.toString().contains("api"));
    for (String type : new String[] {"application/json", "application/json; charset=utf-8", "Application/JSON;Charset=\"UTF-8\""}) {
      assertThat(t.call("PUT", SETTING, alice, "{\"choice\":\"grant\"}", Map.of("Content-Type", type)).status()).as(type).isEqualTo(200);
    }
  }

  @Test
  void unknownRepeatedAndMalformedQueryParametersAreRefused() throws Exception {
    assertThat(refusedDetail(400, "GET", "/v1/audit/proofs/0?size=6", auditor, null))
        .contains("\"size\"").contains("\"tree_size\"");
    assertThat(refusedDetail(400, "GET", "/v1/audit/log?fromm=3", auditor, null)).contains("\"fromm\"").contains("\"from\", \"limit\"");
    assertThat(refusedDetail(400, "GET", "/v1/audit/log?from=1&from=5", auditor, null)).contains("\"from\"").contains("more than once");
    // java.net.URI refuses a bad %-escape, so by hand.
    Raw badEscape = raw("GET /v1/audit/log?from=%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + auditor + "\r\n\r\n");
    assertThat(badEscape.status()).isEqualTo(400);
    assertThat(new String(badEscape.body(), StandardCharsets.UTF_8)).contains("%-escape");
    assertThat(refusedDetail(400, "GET", "/v1/members/alice/receipts?download=maybe", alice, null)).contains("download");
    assertThat(refusedDetail(400, "GET", "/v1/members/alice/settings?verbose=1", alice, null)).contains("takes no query parameters");
    assertThat(refusedDetail(400, "POST", "/v1/members/alice/erasure?confirm=false", alice, null)).contains("\"confirm\"");
    assertThat(t.get("/v1/members/alice/receipts?download=1", alice).header("Content-Disposition")).startsWith("attachment");
    assertThat(t.get("/v1/audit/log?from=1&limit=2", auditor).json().get("leaves").size()).isEqualTo(2);
  }

  @Test
  void limitsAreSaidTheSameWayAndTreeSizesBeyondTheLogAreBadParameters() throws Exception {
    String minus = refusedDetail(400, "GET", "/v1/audit/log?limit=-5", auditor, null);
    assertThat(refusedDetail(400, "GET", "/v1/audit/log?limit=0", auditor, null)).isEqualTo(minus);
    assertThat(refusedDetail(400, "GET", "/v1/audit/log?limit=201", auditor, null)).isEqualTo(minus);
    assertThat(minus).isEqualTo("limit must be an integer from 1 to 200");
    TestServer.Response r = refused(400, "GET", "/v1/audit/proofs/5?tree_size=99999", auditor, null, Map.of());
    assertThat(r.json().get("detail").asText()).contains("tree_size 99999 exceeds the log's size");
    refused(400, "GET", "/v1/audit/proofs/0?tree_size=0", auditor, null, Map.of());
    assertThat(t.get("/v1/audit/proofs/0?tree_size=1", auditor).json().get("verifies").asBoolean()).isTrue();
  }

  @Test
  void theBodyLimitIsSaid() throws Exception {
    String huge = "{\"purpose\":\"personalization\",\"reason\":\"" + "x".repeat(70 * 1024) + "\"}";
    assertThat(refusedDetail(413, "POST", "/v1/members/alice/objections", alice, huge)).contains(Long.toString(64 * 1024)).contains("bytes");
  }

  @Test
  void aBodyWhereNoneIsTakenIsRefused() throws Exception {
    assertThat(refusedDetail(400, "POST", "/v1/members/alice/erasure", alice, "{\"confirm\":false}")).contains("takes no body");
    refusedDetail(400, "POST", "/v1/members/alice/erasure", alice, "{\"confirm\":false");
    refusedDetail(400, "POST", "/v1/admin/forget/run", admin, "{}");
    refusedDetail(400, "GET", "/v1/members/alice/settings", alice, "{}");
    assertThat(t.events("alice", "erasure.requested")).isEmpty();
  }

  @Test
  void headIsGetWithoutTheBody() throws Exception {
    // Javalin alone would answer an empty 200 here without authenticating: another member's data included.
    Raw other = raw("HEAD /v1/members/alice/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + t.token("bob") + "\r\n\r\n");
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.header("Content-Type")).startsWith("application/problem+json");
    assertThat(other.body()).isEmpty();
    assertThat(raw("HEAD /v1/members/alice/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status()).isEqualTo(401);
    assertThat(raw("HEAD /v1/members/alice/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + auditor
        + "\r\n\r\n").status()).isEqualTo(403);
    assertThat(raw("HEAD /v1/members/nobody/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + admin
        + "\r\n\r\n").status()).isEqualTo(404);
    Raw own = raw("HEAD /v1/members/alice/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + alice + "\r\n\r\n");
    assertThat(own.status()).isEqualTo(200);
    assertThat(own.header("Content-Type")).startsWith("application/json");
    assertThat(own.body()).isEmpty();
    assertThat(raw("HEAD /v1/audit/log?fromm=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + auditor
        + "\r\n\r\n").status()).isEqualTo(400);
    Raw proof = raw("HEAD /v1/audit/proofs/0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + auditor + "\r\n\r\n");
    assertThat(proof.status()).isEqualTo(200);
    Raw health = raw("HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.header("Content-Type")).startsWith("application/json");
    assertThat(health.body()).isEmpty();
    Raw page = raw("HEAD /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    Raw manifest = raw("HEAD /audit/snapshots/none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(manifest.status()).isEqualTo(raw("GET /audit/snapshots/none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status());
    assertThat(manifest.body()).isEmpty();
    // Only POST is taken here: HEAD gets Javalin's 405, with Allow.
    Raw post = raw("HEAD /v1/admin/forget/run HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + admin + "\r\n\r\n");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("POST");
  }

  @Test
  void a405SaysWhatIsAllowed() throws Exception {
    TestServer.Response r = refused(405, "DELETE", "/v1/members/alice/settings", alice, null, Map.of());
    assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
    TestServer.Response put = refused(405, "POST", "/v1/members/alice/settings/genai-training", alice, "{\"choice\":\"grant\"}", Map.of());
    assertThat(put.header("Allow")).isEqualTo("PUT");
    TestServer.Response both = refused(405, "DELETE", "/v1/members/alice/objections", alice, null, Map.of());
    assertThat(both.header("Allow")).contains("GET").contains("HEAD").contains("POST");
  }

  @Test
  void jettyRefusalsNameNoMadeUpInstance() throws Exception {
    Raw nul = raw("GET /v1/members/%00/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(nul.status()).isEqualTo(400);
    JsonNode problem = Json.MAPPER.readTree(nul.body());
    assertThat(problem.path("instance").asText("/v1/members/%00/settings")).doesNotContain("badMessage");
    Raw longUri = raw("GET /v1/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(longUri.status()).isEqualTo(414);
    assertThat(new String(longUri.body(), StandardCharsets.UTF_8)).doesNotContain("badMessage");
  }

  @Test
  void auditorsDoNotReadMembersPersonalData() throws Exception {
    for (String part : new String[] {"settings", "history", "objections", "data-usage", "receipts", "ai-signals"}) {
      String detail = refusedDetail(403, "GET", "/v1/members/alice/" + part, auditor, null);
      assertThat(detail).contains("auditors do not read members' personal data");
    }
    assertThat(t.get("/v1/audit/report", auditor).status()).isEqualTo(200);
  }
}
