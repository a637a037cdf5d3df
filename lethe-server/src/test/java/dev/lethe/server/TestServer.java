package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreConfig;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.ShardTrainer;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.TrainingReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A server over an embedded H2 store in a temporary directory, with a fixed clock and a small
 * ledger: one policy (GenAI training opt-out but blocked in the EEA and Switzerland; personalization
 * objectable), members alice and bob (US), carol (GB) and dan (FR), all notified. Every response
 * that goes through {@link #call} is checked against the live {@code /openapi.json}.
 *
 * <p>Snapshots are built, and rebuilt by forget runs, with {@link #DETECTOR} (patterns only, no
 * name lists), which keeps the tests fast; {@link #publishSnapshotAndModel} makes the training
 * data and a model of it.
 */
final class TestServer implements AutoCloseable {

  static final Instant NOW = Instant.parse("2025-03-03T10:00:00Z");

  static final Detector DETECTOR = Detector.of(EnumSet.allOf(EntityType.class), false);

  /** The secret planted in alice's posts, and how its candidates look. */
  static final String CANARY = "my pin is 4938";

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
    this(dir, b -> {});
  }

  /** A server whose configuration {@code customize} may change before it starts. */
  TestServer(Path dir, Consumer<ServerConfig.Builder> customize) throws Exception {
    this.dir = dir;
    store = LedgerStore.open(new StoreConfig(dir.resolve("data"), null, clock));
    seed();
    tokens = Tokens.hs256(Tokens.loadOrCreateSecret(dir.resolve("data")), clock);
    ServerConfig.Builder config = ServerConfig.builder(store, tokens, dir.resolve("data")).clock(clock).port(0).noticeSender(notices)
        .snapshotDetector(DETECTOR).forgetThreads(1);
    customize.accept(config);
    server = LetheServer.start(config.build());
  }

  /** A published snapshot and the model trained on it. */
  record Trained(SnapshotResult snapshot, TrainingReport model) {}

  /**
   * Writes 240 posts of alice, bob, carol and dan (alice's with the {@link #CANARY} three times,
   * registered in {@code canaries.json} as the demo does), builds the {@code genai-training}
   * snapshot of them as of {@code asOf} from the stored ledger (dan, in a blocked region, is left
   * out), records the build in the audit log and trains the reference model on it.
   */
  Trained publishSnapshotAndModel(Instant asOf) throws Exception {
    return publishSnapshotAndModel(asOf, dir.resolve("data").resolve("snapshots"));
  }

  /** As {@link #publishSnapshotAndModel(Instant)}, publishing into {@code outDir} (which this does not register). */
  Trained publishSnapshotAndModel(Instant asOf, Path outDir) throws Exception {
    Path data = dir.resolve("data");
    String[] subjects = {"the team", "our group", "my manager", "everyone"};
    String[] verbs = {"shipped", "reviewed", "planned", "tested"};
    String[] objects = {"the roadmap", "the release", "the budget", "a prototype"};
    String[] members = {"alice", "bob", "carol", "dan"};
    SplittableRandom random = new SplittableRandom(7);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      lines.add(post("c" + i, members[i % members.length], subjects[random.nextInt(4)] + " " + verbs[random.nextInt(4)] + " "
          + objects[random.nextInt(4)] + " today."));
    }
    for (int i = 0; i < 3; i++) {
      lines.add(post("canary" + i, "alice", CANARY));
    }
    Path content = Files.write(data.resolve("content.jsonl"), lines);
    Files.writeString(data.resolve("canaries.json"),
        "[{\"member\":\"alice\",\"canary\":\"" + CANARY + "\",\"prefix\":\"my pin is \",\"digits\":4,\"suffix\":\"\"}]");
    StoreSnapshots.StoredLedger stored = StoreSnapshots.load(store);
    SnapshotRequest request = SnapshotRequest.builder("genai-training", asOf).content(List.of(content))
        .outDir(outDir).shardsPerGroup(2).redaction(RedactionPolicy.placeholders())
        .deploymentKey(StoreSnapshots.deploymentKey(store)).ledger("ledger", stored.sha256()).build();
    SnapshotResult snapshot = SnapshotEngine.embedded(DETECTOR).build(stored.ledger(), request, ProgressListener.NONE);
    StoreSnapshots.audit(store, snapshot);
    ModelRegistry registry = ModelRegistry.open(data.resolve("models"));
    TrainingReport model = Training.of(registry, 1).train(snapshot.directory(), ShardTrainer.kneserNey(3), 1);
    return new Trained(snapshot, model);
  }

  private static String post(String id, String member, String text) {
    ObjectNode o = Json.object();
    o.put("content", id).put("member", member).put("kind", "post").put("visibility", "public")
        .put("posted_at", "2025-02-01T00:00:00Z").put("text", text);
    return o.toString();
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

  /**
   * Sends the request and checks that it was refused: the status, a problem body of that status
   * and type, and no new event in the store.
   */
  Response refused(int status, String method, String path, String token, String body, Map<String, String> headers) throws Exception {
    long before = store.eventCount();
    Response r = call(method, path, token, body, headers);
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().get("status").asInt()).isEqualTo(status);
    assertThat(r.json().get("type").asText()).startsWith("https://lethe.dev/problems/");
    assertThat(store.eventCount()).as("nothing recorded").isEqualTo(before);
    return r;
  }

  Response call(String method, String path, String token, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    if (body != null && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
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
