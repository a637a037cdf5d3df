package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.UnreadableReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code lethe build} refuses, and how it reports a failing environment. */
class BuildCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** "Now" for these tests: 2026-11-24, when member kid (born 2010-06-01) is 16. */
  private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-24T08:00:00Z"), ZoneOffset.UTC);

  private static final String POLICY_V1 =
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\","
          + "\"notice_days\":0,\"regions\":{},\"purposes\":{"
          + "\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,\"content_kinds\":[\"post\"],\"visibility\":[\"public\"]},"
          + "\"personalization\":{\"title\":\"p\",\"default\":\"opt-out\",\"min_age\":0,\"honor_gpc\":false,\"content_kinds\":[\"post\"],\"visibility\":[\"public\"]}}}}";

  private static final String LEDGER = String.join("\n",
      POLICY_V1,
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"adult\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"kid\",\"country\":\"GB\",\"birth_date\":\"2010-06-01\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"adult\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"kid\",\"policy_version\":\"v1\"}",
      "");

  private static final String CONTENT = String.join("\n",
      "{\"content\":\"a1\",\"member\":\"adult\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"hello\"}",
      "{\"content\":\"k1\",\"member\":\"kid\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"hi\"}",
      "");

  @TempDir Path dir;

  private String data;
  private String content;

  private void imported() throws IOException {
    data = dir.resolve("data").toString();
    Path ledger = dir.resolve("ledger.jsonl");
    Path contentFile = dir.resolve("content.jsonl");
    Files.writeString(ledger, LEDGER);
    Files.writeString(contentFile, CONTENT);
    content = contentFile.toString();
    CliRun imported = CliRun.run("import", "--data", data, ledger.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
  }

  private CliRun build(String... extra) {
    List<String> args = new ArrayList<>(List.of("build", "--data", data, "--content", content, "--quiet", "--threads", "1"));
    args.addAll(List.of(extra));
    return CliRun.runAt(NOW, args.toArray(String[]::new));
  }

  private boolean anySnapshot() throws IOException {
    Path snapshots = dir.resolve("data").resolve("snapshots");
    if (!Files.isDirectory(snapshots)) {
      return false;
    }
    try (var entries = Files.list(snapshots)) {
      return entries.anyMatch(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
    }
  }

  @Test
  void anAsOfAfterTheClocksNowIsRejectedAndNowItselfIsNot() throws Exception {
    imported();
    // In 2099 the kid would be an adult; the ledger cannot know what happens before then.
    CliRun future = build("--purpose", "genai-training", "--as-of", "2099-01-01T00:00:00Z");
    assertThat(future.status()).isEqualTo(2);
    assertThat(future.err()).contains("--as-of", "2099-01-01T00:00:00Z", "is in the future", "now is 2026-11-24T08:00:00Z");
    assertThat(future.out()).isEmpty();
    assertThat(anySnapshot()).isFalse();

    CliRun oneSecondLate = build("--purpose", "genai-training", "--as-of", "2026-11-24T08:00:01Z");
    assertThat(oneSecondLate.status()).isEqualTo(2);

    CliRun now = build("--purpose", "genai-training", "--as-of", "2026-11-24T09:00:00+01:00");
    assertThat(now.status()).as(now.err()).isZero();
    JsonNode summary = JSON.readTree(now.out());
    assertThat(summary.get("included").asLong()).isEqualTo(1);
    assertThat(summary.get("excluded").get("minor").asLong()).isEqualTo(1);
  }

  @Test
  void unreadableExportLinesAreNamedWithFileAndLineEvenWhenQuiet() throws Exception {
    imported();
    StringBuilder lines = new StringBuilder(CONTENT);
    lines.append("{\"content\":\"x1\"}\n"); // line 3
    lines.append("\n"); // 4: blank, not a record
    for (int i = 0; i < UnreadableReport.SHOWN + 2; i++) {
      lines.append("not json ").append(i).append('\n'); // 5 ...
    }
    Files.writeString(Path.of(content), lines);
    CliRun run = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.err()).contains(
        "lethe: " + content + ":3: malformed: missing required field \"member\"",
        "lethe: " + content + ":5: malformed: malformed JSON",
        "lethe: and 3 more unreadable lines");
    assertThat(run.err().lines().filter(l -> l.startsWith("lethe: " + content + ":"))).hasSize(UnreadableReport.SHOWN);
    assertThat(JSON.readTree(run.out()).get("excluded").get("malformed").asLong()).isEqualTo(UnreadableReport.SHOWN + 3);
  }

  @Test
  void twoContentFilesWithOneNameAreRefusedSinceTheManifestNamesInputsByName() throws Exception {
    imported();
    Path other = dir.resolve("b").resolve("content.jsonl");
    Files.createDirectories(other.getParent());
    Files.writeString(other, CONTENT.replace("a1", "a2").replace("k1", "k2"));
    CliRun twice = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z", "--content", other.toString());
    assertThat(twice.status()).isEqualTo(2);
    assertThat(twice.err()).contains("two inputs are named content.jsonl");
    assertThat(anySnapshot()).isFalse();
  }

  @Test
  void theClockIsTheCommandLinesNotTheSystems() throws Exception {
    imported();
    Clock early2024 = Clock.fixed(Instant.parse("2024-01-10T00:00:00Z"), ZoneOffset.UTC);
    CliRun run = CliRun.runAt(early2024, "build", "--data", data, "--purpose", "genai-training",
        "--as-of", "2024-02-01T00:00:00Z", "--quiet");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("now is 2024-01-10T00:00:00Z");
  }

  @Test
  void aPurposeThePolicyInForceDoesNotDefineIsRejectedAndNothingIsPublished() throws Exception {
    imported();
    CliRun nope = build("--purpose", "nope", "--as-of", "2024-02-01T00:00:00Z");
    assertThat(nope.status()).isEqualTo(2);
    assertThat(nope.err()).contains("--purpose: \"nope\" is not defined by policy v1", "(defined: genai-training, personalization)");
    assertThat(nope.out()).isEmpty();
    assertThat(anySnapshot()).isFalse();
    // No audit leaf either: the next build's leaf follows the five ledger events directly.
    CliRun good = build("--purpose", "personalization", "--as-of", "2024-02-01T00:00:00Z");
    assertThat(good.status()).as(good.err()).isZero();
    assertThat(JSON.readTree(good.out()).get("audit_leaf").asLong()).isEqualTo(5);
  }

  @Test
  void beforeAnyPolicyIsInForceAPurposeSomePolicyDefinesBuildsAnAllNoPolicySnapshot() throws Exception {
    imported();
    CliRun early = build("--purpose", "genai-training", "--as-of", "2023-06-01T00:00:00Z");
    assertThat(early.status()).as(early.err()).isZero();
    JsonNode summary = JSON.readTree(early.out());
    assertThat(summary.get("included").asLong()).isZero();
    // Members registered later are unknown then; the decision rule puts that first.
    assertThat(summary.get("excluded").get("unknown-member").asLong()).isEqualTo(2);

    CliRun typo = build("--purpose", "genai-trainig", "--as-of", "2023-06-01T00:00:00Z");
    assertThat(typo.status()).isEqualTo(2);
    assertThat(typo.err()).contains("\"genai-trainig\" is not defined by any policy in the ledger",
        "(defined: genai-training, personalization)");
  }

  @Test
  void purposeRuleFollowsThePolicyInForceAcrossVersions() throws Exception {
    String v2 = "{\"type\":\"policy.published\",\"at\":\"2024-03-01T00:00:00Z\",\"policy\":{\"version\":\"v2\","
        + "\"effective\":\"2024-04-01T00:00:00Z\",\"notice_days\":0,\"regions\":{},\"purposes\":{"
        + "\"genai-training\":{\"title\":\"t\",\"default\":\"opt-in\",\"min_age\":18,\"honor_gpc\":true,\"content_kinds\":[\"post\"],\"visibility\":[\"public\"]}}}}";
    ConsentLedger ledger = LedgerReader.load(new ByteArrayInputStream(
        (POLICY_V1 + "\n" + v2 + "\n").getBytes(StandardCharsets.UTF_8))).ledger();
    assertThat(dev.lethe.pipeline.BuildChecks.purposeProblem(ledger, "personalization", Instant.parse("2024-02-01T00:00:00Z"))).isNull();
    assertThat(dev.lethe.pipeline.BuildChecks.purposeProblem(ledger, "personalization", Instant.parse("2024-05-01T00:00:00Z")))
        .isEqualTo("\"personalization\" is not defined by policy v2, in force at 2024-05-01T00:00:00Z (defined: genai-training)");
    assertThat(dev.lethe.pipeline.BuildChecks.purposeProblem(ledger, "personalization", Instant.parse("2023-01-01T00:00:00Z"))).isNull();
    ConsentLedger empty = LedgerReader.load(new ByteArrayInputStream(new byte[0])).ledger();
    assertThat(dev.lethe.pipeline.BuildChecks.purposeProblem(empty, "genai-training", Instant.parse("2024-05-01T00:00:00Z")))
        .isEqualTo("\"genai-training\" is not defined by any policy in the ledger (the ledger has no policy)");
  }

  @Test
  void outputAndInputPathsThatAreTheWrongKindAreBadOptions() throws Exception {
    imported();
    Path afile = Files.writeString(dir.resolve("afile"), "x");
    CliRun outIsFile = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z", "--out", afile.toString());
    assertThat(outIsFile.status()).isEqualTo(2);
    assertThat(outIsFile.err().strip()).isEqualTo("lethe: --out " + afile + ": not a directory");

    Path under = afile.resolve("sub");
    CliRun outUnderFile = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z", "--out", under.toString());
    assertThat(outUnderFile.status()).isEqualTo(2);
    assertThat(outUnderFile.err().strip()).isEqualTo("lethe: --out " + under + ": " + afile + " is not a directory");

    CliRun contentIsDir = CliRun.runAt(NOW, "build", "--data", data, "--purpose", "genai-training",
        "--as-of", "2024-02-01T00:00:00Z", "--content", dir.toString(), "--quiet");
    assertThat(contentIsDir.status()).isEqualTo(2);
    assertThat(contentIsDir.err().strip()).isEqualTo("lethe: --content " + dir + ": is a directory, not a file");

    CliRun lineageIsDir = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z", "--lineage", dir.toString());
    assertThat(lineageIsDir.status()).isEqualTo(2);
    assertThat(lineageIsDir.err().strip()).isEqualTo("lethe: --lineage " + dir + ": is a directory, not a file");

    CliRun lineageNoHost = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z", "--lineage", "http:///x");
    assertThat(lineageNoHost.status()).isEqualTo(2);
    assertThat(lineageNoHost.err()).contains("--lineage http:///x");
    CliRun lineageFtp = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z", "--lineage", "ftp://x/");
    assertThat(lineageFtp.status()).isEqualTo(2);
    assertThat(lineageFtp.err()).contains("--lineage ftp://x/: only http:// and https://");
    assertThat(anySnapshot()).isFalse();
  }

  @Test
  void aLineageEndpointThatRefusesStopsTheBuildBeforeAnythingIsBuilt() throws Exception {
    imported();
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort(); // free once closed: a connection to it is refused
    }
    String url = "http://127.0.0.1:" + port + "/";
    CliRun refused = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z", "--lineage", url);
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err().strip()).isEqualTo("lethe: lineage endpoint " + url + " refused the connection; nothing was built");
    assertThat(anySnapshot()).isFalse();
  }

  @Test
  void aLostCompleteEventStillLeavesThePublishedSnapshotAudited() throws Exception {
    imported();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger posts = new AtomicInteger();
    server.createContext("/api/v1/lineage", exchange -> {
      exchange.getRequestBody().readAllBytes();
      // START is taken; COMPLETE gets a server error.
      exchange.sendResponseHeaders(posts.incrementAndGet() == 1 ? 200 : 500, -1);
      exchange.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      CliRun run = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z", "--lineage", url);
      assertThat(run.status()).isEqualTo(1);
      JsonNode summary = JSON.readTree(run.out());
      assertThat(summary.get("audit_leaf").asLong()).isEqualTo(5);
      assertThat(run.err()).startsWith("lethe: lineage endpoint " + url + ": ")
          .contains("snapshot " + summary.get("snapshot").asText() + " is published and audited, but its COMPLETE event was not delivered");
      assertThat(posts.get()).isEqualTo(2);
      assertThat(anySnapshot()).isTrue();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aDataDirectoryLockedByAnotherProcessIsNamedAsSuch() throws Exception {
    imported();
    Path database = dir.resolve("data").resolve("ledger.mv.db");
    assertThat(database).isRegularFile();
    // A second lethe process holds this OS lock on the database file while it has the store open.
    try (FileChannel channel = FileChannel.open(database, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      CliRun build = build("--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z");
      assertThat(build.status()).isEqualTo(1);
      assertThat(build.err().strip()).isEqualTo("lethe: the data directory " + dir.resolve("data").toAbsolutePath()
          + " is in use by another lethe process (the embedded database allows one process; use PostgreSQL for concurrent access)");
      CliRun export = CliRun.run("export", "--data", data);
      assertThat(export.status()).isEqualTo(1);
      assertThat(export.err()).contains("is in use by another lethe process").doesNotContain("90020", "Exception");
    }
    assertThat(CliRun.run("export", "--data", data).status()).isZero();
  }

  @Test
  void environmentFailuresAreOneLineWithoutAClassName() {
    assertThat(Lethe.describe(new FileSystemException("/x/afile/sub", null, "Not a directory"))).isEqualTo("/x/afile/sub: not a directory");
    assertThat(Lethe.describe(new UncheckedIOException(new NoSuchFileException("/x/y")))).isEqualTo("/x/y: no such file or directory");
    assertThat(Lethe.describe(new java.nio.file.FileAlreadyExistsException("/x/afile"))).isEqualTo("/x/afile: already exists");
    assertThat(Lethe.describe(new java.nio.file.AccessDeniedException("/root/x"))).isEqualTo("/root/x: permission denied");
    assertThat(Lethe.describe(new IOException("disk on fire"))).isEqualTo("disk on fire");
    // A defect keeps its class name, so a report of it says what broke.
    assertThat(Lethe.describe(new IllegalStateException("bad")))
        .isEqualTo("bad (IllegalStateException; an unexpected failure: please report it with the command that caused it)");
  }
}
