package dev.lethe.pipeline.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.openlineage.client.OpenLineageClientException;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.HttpTransportResponseException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageEmitterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2024-10-01T12:00:00Z");
  private static final UUID RUN_ID = UUID.fromString("0190f1c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f");

  @TempDir Path dir;

  private HttpServer server;
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

  record Received(String method, String path, String contentType, String body) {}

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  private BuildRun run() {
    return BuildRun.snapshot(
        RUN_ID,
        "genai-training",
        List.of(dir.resolve("content.jsonl"), dir.resolve("ledger.db")),
        dir.resolve("out"));
  }

  @Test
  void eventsOfEveryKindValidateAgainstThePublishedSchemas() throws Exception {
    RunEvents events = new RunEvents();
    var time = T0.atZone(ZoneId.of("UTC"));

    for (var event :
        List.of(
            events.start(run(), time),
            events.complete(run(), Fixtures.snapshot(), time),
            events.fail(run(), new IllegalStateException("shard writer failed"), time))) {
      JsonNode json = JSON.readTree(OpenLineageClientUtils.toJson(event));
      assertThat(Schemas.runEventErrors(json)).as(json.toString()).isEmpty();
    }
  }

  @Test
  void theValidationHasTeeth() throws Exception {
    JsonNode good =
        JSON.readTree(OpenLineageClientUtils.toJson(new RunEvents().complete(run(), Fixtures.snapshot(), T0.atZone(ZoneId.of("UTC")))));

    var noRunId = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) noRunId.get("run")).remove("runId");
    var badStats = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) badStats.at("/outputs/0/outputFacets/outputStatistics"))
        .put("rowCount", "many");
    var customWithoutSchemaUrl = good.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) customWithoutSchemaUrl.at("/outputs/0/facets/lethe_consent"))
        .remove("_schemaURL");

    assertThat(Schemas.runEventErrors(noRunId)).isNotEmpty();
    assertThat(Schemas.runEventErrors(badStats)).isNotEmpty();
    assertThat(Schemas.runEventErrors(customWithoutSchemaUrl)).isNotEmpty();
  }

  @Test
  void completeDescribesTheSnapshotInOutputFacets() throws Exception {
    SnapshotMetadata m = Fixtures.snapshot();
    JsonNode e = JSON.readTree(OpenLineageClientUtils.toJson(new RunEvents().complete(run(), m, T0.atZone(ZoneId.of("UTC")))));

    JsonNode out = e.at("/outputs/0");
    assertThat(out.get("namespace").asText()).isEqualTo("file");
    assertThat(out.get("name").asText()).isEqualTo(dir.resolve("out").resolve(m.snapshot()).toAbsolutePath().toString());
    assertThat(out.at("/facets/schema/fields")).extracting(f -> f.get("name").asText())
        .containsExactly("content", "kind", "text");
    assertThat(out.at("/outputFacets/outputStatistics/rowCount").asLong()).isEqualTo(1234);
    assertThat(out.at("/outputFacets/outputStatistics/size").asLong()).isEqualTo(51234 + 40960);
    assertThat(out.at("/facets/dataSource/uri").asText()).startsWith("file:/");
    JsonNode consent = out.at("/facets/lethe_consent");
    assertThat(consent.get("_producer").asText()).startsWith("https://lethe.dev/lethe/");
    assertThat(consent.get("_schemaURL").asText()).contains("LetheConsentDatasetFacet.json");
    assertThat(consent.get("policyVersion").asText()).isEqualTo("2024-09-18");
    assertThat(consent.get("asOf").asText()).isEqualTo("2024-10-01T00:00:00Z");
    assertThat(consent.at("/excluded/minor").asLong()).isEqualTo(12);
    assertThat(consent.at("/redactions/PERSON").asLong()).isEqualTo(88);
    assertThat(e.at("/job/namespace").asText()).isEqualTo("lethe");
    assertThat(e.at("/job/name").asText()).isEqualTo("snapshot.genai-training");
    assertThat(e.get("inputs")).hasSize(2);
  }

  @Test
  void fileEmitterAppendsOneEventPerLineWithTheClocksTime() throws Exception {
    Path file = dir.resolve("lineage").resolve("events.jsonl");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"earlier\":true}\n");
    MutableClock clock = new MutableClock(T0);

    try (LineageEmitter emitter = LineageEmitter.toFile(file, clock)) {
      emitter.start(run());
      clock.now = T0.plusSeconds(90);
      emitter.complete(run(), Fixtures.snapshot());
    }

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("{\"earlier\":true}");
    JsonNode start = JSON.readTree(lines.get(1));
    JsonNode complete = JSON.readTree(lines.get(2));
    assertThat(start.get("eventType").asText()).isEqualTo("START");
    assertThat(complete.get("eventType").asText()).isEqualTo("COMPLETE");
    assertThat(start.at("/run/runId").asText()).isEqualTo(RUN_ID.toString());
    assertThat(complete.at("/run/runId").asText()).isEqualTo(RUN_ID.toString());
    assertThat(Instant.parse(start.get("eventTime").asText())).isEqualTo(T0);
    assertThat(Instant.parse(complete.get("eventTime").asText())).isEqualTo(T0.plusSeconds(90));
    assertThat(Schemas.runEventErrors(start)).isEmpty();
    assertThat(Schemas.runEventErrors(complete)).isEmpty();
  }

  @Test
  void fileEmitterCreatesTheFileAndFailsLoudlyWhenItCannotWrite() throws Exception {
    Path file = dir.resolve("new.jsonl");
    try (LineageEmitter emitter = LineageEmitter.toFile(file, Clock.fixed(T0, ZoneId.of("UTC")))) {
      emitter.fail(run(), new IllegalStateException("disk full"));
    }
    JsonNode fail = JSON.readTree(Files.readAllLines(file).get(0));
    assertThat(fail.get("eventType").asText()).isEqualTo("FAIL");
    assertThat(fail.at("/run/facets/errorMessage/message").asText())
        .isEqualTo("java.lang.IllegalStateException: disk full");
    assertThat(fail.at("/run/facets/errorMessage/programmingLanguage").asText()).isEqualTo("JAVA");

    Path notAFile = Files.createDirectory(dir.resolve("a-directory"));
    try (LineageEmitter emitter = LineageEmitter.toFile(notAFile, Clock.fixed(T0, ZoneId.of("UTC")))) {
      assertThatThrownBy(() -> emitter.start(run()))
          .isInstanceOf(OpenLineageClientException.class)
          .hasCauseInstanceOf(IOException.class);
    }
  }

  @Test
  void httpEmitterPostsStartThenCompleteForTheSameRunToTheMarquezEndpoint() throws Exception {
    URI base = startServer(201);

    try (LineageEmitter emitter =
        LineageEmitter.toHttp(base, Duration.ofSeconds(5), Clock.fixed(T0, ZoneId.of("UTC")))) {
      emitter.start(run());
      emitter.complete(run(), Fixtures.snapshot());
    }

    assertThat(received).extracting(Received::method).containsExactly("POST", "POST");
    assertThat(received).extracting(Received::path).containsOnly("/api/v1/lineage");
    assertThat(received.get(0).contentType()).startsWith("application/json");
    JsonNode start = JSON.readTree(received.get(0).body());
    JsonNode complete = JSON.readTree(received.get(1).body());
    assertThat(start.get("eventType").asText()).isEqualTo("START");
    assertThat(complete.get("eventType").asText()).isEqualTo("COMPLETE");
    assertThat(complete.at("/run/runId").asText()).isEqualTo(start.at("/run/runId").asText()).isEqualTo(RUN_ID.toString());
    assertThat(Schemas.runEventErrors(start)).isEmpty();
    assertThat(Schemas.runEventErrors(complete)).isEmpty();
  }

  @Test
  void httpEmitterPostsStartThenFailAndKeepsABaseUrlsPathPrefix() throws Exception {
    URI base = startServer(200).resolve("/marquez/");

    try (LineageEmitter emitter =
        LineageEmitter.toHttp(base, Duration.ofSeconds(5), Clock.fixed(T0, ZoneId.of("UTC")))) {
      emitter.start(run());
      emitter.fail(run(), new IllegalStateException("input unreadable"));
    }

    assertThat(received).extracting(Received::path).containsOnly("/marquez/api/v1/lineage");
    JsonNode fail = JSON.readTree(received.get(1).body());
    assertThat(fail.get("eventType").asText()).isEqualTo("FAIL");
    assertThat(fail.at("/run/runId").asText()).isEqualTo(RUN_ID.toString());
    assertThat(Schemas.runEventErrors(fail)).isEmpty();
  }

  @Test
  void httpErrorStatusSurfacesToTheCaller() throws Exception {
    URI base = startServer(500);

    try (LineageEmitter emitter =
        LineageEmitter.toHttp(base, Duration.ofSeconds(5), Clock.fixed(T0, ZoneId.of("UTC")))) {
      assertThatThrownBy(() -> emitter.start(run()))
          .isInstanceOf(HttpTransportResponseException.class)
          .satisfies(e -> assertThat(((HttpTransportResponseException) e).getStatusCode()).isEqualTo(500));
    }
  }

  @Test
  void unreachableEndpointSurfacesToTheCaller() throws Exception {
    int port;
    // A port that was just free and is closed again: nothing listens there.
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    URI base = URI.create("http://127.0.0.1:" + port);

    try (LineageEmitter emitter =
        LineageEmitter.toHttp(base, Duration.ofSeconds(2), Clock.fixed(T0, ZoneId.of("UTC")))) {
      assertThatThrownBy(() -> emitter.start(run())).isInstanceOf(OpenLineageClientException.class);
    }
  }

  @Test
  void noopEmitterSendsNothingButStillRejectsBadArguments() {
    try (LineageEmitter emitter = LineageEmitter.noop(Clock.fixed(T0, ZoneId.of("UTC")))) {
      emitter.start(run());
      emitter.complete(run(), Fixtures.snapshot());
      emitter.fail(run(), new RuntimeException("x"));
      assertThatThrownBy(() -> emitter.complete(run(), null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  void httpEndpointIsAppendedToTheBaseUrl() {
    assertThat(HttpTransports.endpoint(URI.create("http://h:5000"))).hasToString("http://h:5000/api/v1/lineage");
    assertThat(HttpTransports.endpoint(URI.create("http://h:5000/"))).hasToString("http://h:5000/api/v1/lineage");
    assertThat(HttpTransports.endpoint(URI.create("https://h/x/"))).hasToString("https://h/x/api/v1/lineage");
  }

  private URI startServer(int status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(
                new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    body));
            byte[] reply = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void theLedgerIsNamedAsOpenLineageNamesItsStoreWithoutAnythingOfTheUrlsQuery() {
    assertThat(BuildRun.Dataset.ledger(null, dir)).isEqualTo(BuildRun.Dataset.file(dir.resolve("ledger.mv.db")));
    assertThat(BuildRun.Dataset.ledger("jdbc:postgresql://db.internal:6432/lethe?user=u&password=secret", dir))
        .isEqualTo(new BuildRun.Dataset("postgres://db.internal:6432", "lethe.public.ledger_event"));
    assertThat(BuildRun.Dataset.ledger("jdbc:postgresql://db.internal/lethe", dir))
        .isEqualTo(new BuildRun.Dataset("postgres://db.internal:5432", "lethe.public.ledger_event"));
    assertThat(BuildRun.Dataset.ledger("jdbc:h2:mem:x?password=secret", dir).toString()).doesNotContain("secret");
  }
}
