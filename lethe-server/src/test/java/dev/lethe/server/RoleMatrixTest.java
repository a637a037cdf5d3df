package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint × every caller: member alice on her own data, member bob on alice's, admin,
 * auditor, no token and a forged token. A refused request never changes the ledger.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoleMatrixTest {

  TestServer t;
  String objection;
  final AtomicInteger versions = new AtomicInteger();

  enum Caller { SELF, OTHER_MEMBER, ADMIN, AUDITOR, NONE, FORGED }

  enum Scope { MEMBER_READ, MEMBER_WRITE, ADMIN_READ, ADMIN_WRITE, AUDIT_READ }

  record Endpoint(String method, String template, String path, Scope scope, Supplier<String> body) {
    @Override
    public String toString() {
      return method + " " + template;
    }
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    t = new TestServer(dir);
    objection = "obj-matrix";
    t.store.append("{\"type\":\"objection.filed\",\"at\":\"2025-03-01T00:00:00Z\",\"objection\":\"obj-matrix\","
        + "\"member\":\"bob\",\"purpose\":\"personalization\",\"reason\":\"matrix\"}", null);
    t.store.checkpoint();
  }

  @AfterAll
  void stop() {
    t.close();
  }

  String policy() {
    String v = "matrix-" + versions.incrementAndGet();
    // Effective in the future: a policy effective before its publication is refused.
    return "{\"policy\":" + TestServer.POLICY_V1.replace("\"version\":\"v1\"", "\"version\":\"" + v + "\"")
        .replace("\"effective\":\"2025-01-01T00:00:00Z\"", "\"effective\":\"2030-01-01T00:00:00Z\"") + "}";
  }

  /**
   * An objection of alice's; the one she filed before is decided first, as a member may have only
   * one objection per purpose awaiting its answer.
   */
  String objection() {
    try {
      for (JsonNode o : t.get("/v1/admin/objections", t.token(Role.ADMIN)).json().get("objections")) {
        if (o.get("status").asText().equals("pending") && o.get("member").asText().equals("alice")) {
          t.send("POST", "/v1/admin/objections/" + o.get("objection").asText() + "/decision", t.token(Role.ADMIN),
              "{\"outcome\":\"rejected\",\"justification\":\"matrix\"}");
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return "{\"purpose\":\"personalization\",\"reason\":\"matrix check\"}";
  }

  List<Endpoint> endpoints() {
    List<Endpoint> e = new ArrayList<>();
    String m = "/v1/members/alice";
    e.add(new Endpoint("GET", "/v1/members/{id}/settings", m + "/settings", Scope.MEMBER_READ, () -> null));
    e.add(new Endpoint("PUT", "/v1/members/{id}/settings/{purpose}", m + "/settings/genai-training", Scope.MEMBER_WRITE, () -> "{\"choice\":\"withdraw\"}"));
    e.add(new Endpoint("GET", "/v1/members/{id}/history", m + "/history", Scope.MEMBER_READ, () -> null));
    e.add(new Endpoint("POST", "/v1/members/{id}/objections", m + "/objections", Scope.MEMBER_WRITE,
        this::objection));
    e.add(new Endpoint("GET", "/v1/members/{id}/objections", m + "/objections", Scope.MEMBER_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/members/{id}/data-usage", m + "/data-usage", Scope.MEMBER_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/members/{id}/receipts", m + "/receipts", Scope.MEMBER_READ, () -> null));
    e.add(new Endpoint("POST", "/v1/members/{id}/erasure", m + "/erasure", Scope.MEMBER_WRITE, () -> null));
    e.add(new Endpoint("GET", "/v1/members/{id}/ai-signals", m + "/ai-signals", Scope.MEMBER_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/admin/policies", "/v1/admin/policies", Scope.ADMIN_READ, () -> null));
    e.add(new Endpoint("POST", "/v1/admin/policies", "/v1/admin/policies", Scope.ADMIN_WRITE, this::policy));
    e.add(new Endpoint("POST", "/v1/admin/policies/preview", "/v1/admin/policies/preview", Scope.ADMIN_WRITE, this::policy));
    e.add(new Endpoint("GET", "/v1/admin/outbox", "/v1/admin/outbox", Scope.ADMIN_READ, () -> null));
    e.add(new Endpoint("POST", "/v1/admin/outbox/send", "/v1/admin/outbox/send", Scope.ADMIN_WRITE, () -> null));
    e.add(new Endpoint("GET", "/v1/admin/objections", "/v1/admin/objections", Scope.ADMIN_READ, () -> null));
    e.add(new Endpoint("POST", "/v1/admin/objections/{objection}/decision", "/v1/admin/objections/obj-matrix/decision", Scope.ADMIN_WRITE,
        () -> "{\"outcome\":\"rejected\",\"justification\":\"legitimate interest\"}"));
    e.add(new Endpoint("GET", "/v1/admin/forget-queue", "/v1/admin/forget-queue", Scope.ADMIN_READ, () -> null));
    e.add(new Endpoint("POST", "/v1/admin/forget/run", "/v1/admin/forget/run", Scope.ADMIN_WRITE, () -> null));
    e.add(new Endpoint("GET", "/v1/audit/log", "/v1/audit/log", Scope.AUDIT_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/audit/checkpoints", "/v1/audit/checkpoints", Scope.AUDIT_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/audit/keys", "/v1/audit/keys", Scope.AUDIT_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/audit/proofs/{leaf}", "/v1/audit/proofs/0", Scope.AUDIT_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/audit/snapshots", "/v1/audit/snapshots", Scope.AUDIT_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/audit/models", "/v1/audit/models", Scope.AUDIT_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/audit/snapshots/{snapshot}", "/v1/audit/snapshots/none", Scope.AUDIT_READ, () -> null));
    e.add(new Endpoint("GET", "/v1/audit/report", "/v1/audit/report", Scope.AUDIT_READ, () -> null));
    return e;
  }

  Stream<Arguments> matrix() {
    List<Arguments> args = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      for (Caller c : Caller.values()) {
        args.add(Arguments.of(e, c));
      }
    }
    return args.stream();
  }

  /** Whether the caller may make the call; null when authentication itself fails. */
  static Boolean allowed(Scope scope, Caller caller) {
    return switch (caller) {
      case NONE, FORGED -> null;
      case SELF -> scope == Scope.MEMBER_READ || scope == Scope.MEMBER_WRITE;
      case OTHER_MEMBER -> false;
      case ADMIN -> true;
      // Auditors verify compliance from the audit views; members' personal data is not theirs to read.
      case AUDITOR -> scope == Scope.ADMIN_READ || scope == Scope.AUDIT_READ;
    };
  }

  String token(Caller c) {
    return switch (c) {
      case SELF -> t.token("alice");
      case OTHER_MEMBER -> t.token("bob");
      case ADMIN -> t.token(Role.ADMIN);
      case AUDITOR -> t.token(Role.AUDITOR);
      case NONE -> null;
      case FORGED -> Tokens.hs256(new byte[32], t.clock).issue(Principal.of(Role.ADMIN), Duration.ofHours(1));
    };
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("matrix")
  void everyEndpointAndRole(Endpoint e, Caller c) throws Exception {
    String body = e.body.get(); // may prepare the store (objection), so before counting events
    long before = t.store.eventCount();
    t.clock.advance(Duration.ofSeconds(1));
    TestServer.Response r = t.send(e.method, e.path, token(c), body);
    Boolean ok = allowed(e.scope, c);
    if (ok == null) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    } else if (ok) {
      int expected = e.template.equals("/v1/audit/snapshots/{snapshot}") ? 404 : 200;
      assertThat(r.status()).as(r.body()).isIn(expected, 201, 202);
    } else {
      assertThat(r.status()).as(r.body()).isEqualTo(403);
    }
    if (ok == null || !ok || e.method.equals("GET")) {
      assertThat(t.store.eventCount()).as("events after %s as %s", e, c).isEqualTo(before);
    }
  }

  @Test
  void theMatrixCoversEveryDocumentedApiOperation() throws Exception {
    Set<String> covered = new HashSet<>();
    endpoints().forEach(e -> covered.add(e.method + " " + e.template));
    List<String> documented = t.contract().operations().stream().filter(o -> o.contains(" /v1/")).toList();
    assertThat(covered).containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void anAdminChangeIsRecordedWithSourceAdmin() throws Exception {
    t.clock.advance(Duration.ofSeconds(1));
    TestServer.Response r = t.send("PUT", "/v1/members/bob/settings/personalization", t.token(Role.ADMIN), "{\"choice\":\"withdraw\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(t.events("bob", "consent.set")).last().satisfies(e -> assertThat(e.get("source").asText()).isEqualTo("admin"));
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    String token = t.token("alice");
    t.clock.advance(Duration.ofHours(2));
    assertThat(t.get("/v1/members/alice/settings", token).status()).isEqualTo(401);
  }
}
