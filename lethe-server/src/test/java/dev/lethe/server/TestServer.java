package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server over an embedded H2 store in a temporary directory, with a fixed clock and a small
 * ledger: one policy (GenAI training opt-out but blocked in the EEA and Switzerland; personalization
 * objectable), members alice and bob (US), carol (GB) and dan (FR), all notified. Every response
 * that goes through {@link #call} is checked against the live {@code /openapi.json}.
 */
final class TestServer implements AutoCloseable {

  static final Instant NOW = Instant.parse("2025-03-03T10:00:00Z");

  static final String POLICY_V1 =
      """
      {"version":"v1","effective":"2025-01-01T00:00:00Z","notice_days":30,
       "regions":{"EEA":["FR","DE","IE","NL"],"CH":["CH"],"UK":["GB"]},
       "purposes":{
         "genai-training":{"title":"Data for Generative AI Improvement","default":"opt-out","min_age":18,
           "honor_gpc":true,"retroactive_withdrawal":true,"content_kinds":["post","comment"],"visibility":["public"],
           "rules":{"EEA":"blocked","CH":"blocked"}},
         "personalization":{"title":"Personalization models","default":"opt-out","min_age":0,"honor_gpc":false,
           "objectable":true,"content_kinds":["post"],"visibility":["public","connections"]}}}
      """;

  final Path dir;
  final MutableClock clock = new MutableClock(NOW);
  final LedgerStore store;
  final Tokens tokens;
  final LetheServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final RecordingSender notices = new RecordingSender();
  private OpenApiContract contract;

  TestServer(Path dir) throws Exception {
    this.dir = dir;
    store = LedgerStore.open(new StoreConfig(dir.resolve("data"), null, clock));
    seed();
    tokens = Tokens.hs256(Tokens.loadOrCreateSecret(dir.resolve("data")), clock);
    server = LetheServer.start(ServerConfig.builder(store, tokens, dir.resolve("data")).clock(clock).port(0).noticeSender(notices).build());
  }

  private void seed() throws Exception {
    store.append("{\"type\":\"policy.published\",\"at\":\"2024-12-01T00:00:00Z\",\"policy\":" + POLICY_V1.replace("\n", " ") + "}", null);
    String[][] members = {{"alice", "US"}, {"bob", "US"}, {"carol", "GB"}, {"dan", "FR"}};
    for (String[] m : members) {
      store.append("{\"type\":\"member.registered\",\"at\":\"2024-12-02T00:00:00Z\",\"member\":\"" + m[0]
          + "\",\"country\":\"" + m[1] + "\",\"birth_date\":\"1990-01-01\"}", null);
      store.append("{\"type\":\"notice.sent\",\"at\":\"2024-12-03T00:00:00Z\",\"member\":\"" + m[0] + "\",\"policy_version\":\"v1\"}", null);
    }
  }

  String base() {
    return "http://127.0.0.1:" + server.port();
  }

  String token(String member) {
    return tokens.issue(Principal.member(member), Duration.ofHours(1));
  }

  String token(Role role) {
    return tokens.issue(Principal.of(role), Duration.ofHours(1));
  }

  /** A response with its parsed JSON body (null when not JSON). */
  record Response(int status, Map<String, List<String>> headers, String body, JsonNode json) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  Response get(String path, String token) throws Exception {
    return call("GET", path, token, null, Map.of());
  }

  Response send(String method, String path, String token, String body) throws Exception {
    return call(method, path, token, body, Map.of());
  }

  Response call(String method, String path, String token, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    Map<String, List<String>> h = new LinkedHashMap<>(r.headers().map());
    String contentType = r.headers().firstValue("content-type").orElse(null);
    if (!(r.statusCode() == 503 && r.body().contains("/sender-unavailable"))) {
      // The one documented 5xx is a notice sender outage; nothing a caller sends may cause one.
      assertThat(r.statusCode()).as("%s %s never answers 5xx: %s", method, path, r.body()).isLessThan(500);
    }
    contract().check(method, URI.create(base() + path).getPath(), r.statusCode(), contentType, r.body());
    JsonNode json = contentType != null && contentType.contains("json") ? Json.MAPPER.readTree(r.body()) : null;
    return new Response(r.statusCode(), h, r.body(), json);
  }

  OpenApiContract contract() throws Exception {
    if (contract == null) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
      contract = new OpenApiContract(r.body());
    }
    return contract;
  }

  /** The member's stored events of one type, as JSON. */
  List<JsonNode> events(String member, String type) {
    List<JsonNode> out = new ArrayList<>();
    store.memberHistory(member).forEach(e -> {
      if (e.event().type().word().equals(type)) {
        out.add(e.json());
      }
    });
    return out;
  }

  @Override
  public void close() {
    server.close();
    store.close();
  }

  /** Keeps the notices it was given. */
  static final class RecordingSender implements NoticeSender {
    final List<Notice> sent = new ArrayList<>();
    boolean fail;

    @Override
    public synchronized void send(List<Notice> notices) throws IOException {
      if (fail) {
        throw new IOException("mail relay down");
      }
      sent.addAll(notices);
    }
  }
}
