package dev.lethe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.Erasure;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.UnreadableReport;
import dev.lethe.redact.RedactionPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark engine in local mode against the embedded engine on the same generated platform:
 * the snapshots must be the same, byte for byte.
 */
class SparkEngineTest {

  @TempDir static Path shared;
  static SparkSession spark;
  static SyntheticInput input;
  static ConsentLedger ledger;

  @TempDir Path temp;

  @BeforeAll
  static void start() throws Exception {
    spark = LocalSpark.start("lethe-spark-test");
    input = SyntheticInput.write(shared.resolve("input"), 20240601L, 240, 2, 2_000, true);
    ledger = LocalSpark.ledger(input);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static SnapshotRequest request(Path out) {
    return SnapshotRequest.builder("genai-training", SyntheticInput.AS_OF).content(input.content).outDir(out)
        .shardsPerGroup(3).redaction(RedactionPolicy.pseudonymousPeople()).deploymentKey(LocalSpark.KEY).threads(2)
        .ledger("ledger", "ab".repeat(32)).build();
  }

  private static SnapshotResult embedded(SnapshotRequest request) throws Exception {
    return embedded(ledger, request);
  }

  private static SnapshotResult embedded(ConsentLedger ledger, SnapshotRequest request) throws Exception {
    return SnapshotEngine.embedded(Detectors.byName(Detectors.PATTERNS)).build(ledger, request, ProgressListener.NONE);
  }

  /** Small splits and three writers, so lines of one file and shards of one group cross tasks. */
  private static SparkEngine spark() {
    return new SparkEngine(spark, Detectors.PATTERNS, 3, 64 << 10);
  }

  @Test
  void theSparkSnapshotIsTheEmbeddedEnginesSnapshot() throws Exception {
    SnapshotResult expected = embedded(request(temp.resolve("embedded")));
    SnapshotResult actual = spark().build(ledger, request(temp.resolve("spark")), ProgressListener.NONE);

    assertThat(actual.metadata().snapshot()).isEqualTo(expected.metadata().snapshot());
    assertThat(actual.manifestSha256()).isEqualTo(expected.manifestSha256());
    assertThat(Files.readAllBytes(actual.directory().resolve("manifest.json")))
        .isEqualTo(Files.readAllBytes(expected.directory().resolve("manifest.json")));
    Snapshots.assertSame(actual.directory(), expected.directory());

    // The input really exercises what the test is about.
    JsonNode m = Snapshots.manifest(actual.directory());
    assertThat(m.get("included").asLong()).isGreaterThan(500);
    assertThat(m.get("excluded").get("malformed").asLong()).isGreaterThan(50);
    assertThat(m.get("excluded").get("duplicate-content").asLong()).isGreaterThan(5);
    List<String> reasons = new ArrayList<>();
    m.get("excluded").fieldNames().forEachRemaining(reasons::add);
    assertThat(reasons).contains("jurisdiction-blocked", "minor", "unknown-member", "withdrawn", "kind-excluded",
        "visibility-excluded", "content-deleted", "not-yet-posted", "notice-pending", "duplicate-content");
    assertThat(m.get("redactions").get("EMAIL_ADDRESS").asLong()).isPositive();
    assertThat(m.get("redactions").get("PHONE_NUMBER").asLong()).isPositive();
    assertThat(m.get("redactions").get("PERSON").asLong()).isPositive();
    assertThat(actual.metadata().shards()).hasSizeGreaterThan(4);
    assertThat(actual.metadata().shards()).extracting(s -> s.group()).contains("UK", "NA", "rest").doesNotContain("EEA");
  }

  /**
   * The ledger as a store holds it after its erasures: each erased member's events purged, and
   * the name kept as its digest or, as before digests, as the name itself.
   */
  private static ConsentLedger erased(boolean digests) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(input.ledger);
    Set<String> erased = new HashSet<>();
    for (String line : lines) {
      if (line.contains("\"erasure.requested\"")) {
        erased.add(json.readTree(line).get("member").textValue());
      }
    }
    ErasedNameKey key = ErasedNameKey.derive(LocalSpark.KEY);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      JsonNode event = line.isBlank() || line.startsWith("#") ? null : json.readTree(line);
      if (event == null || !event.has("member") || !erased.contains(event.get("member").textValue())) {
        out.append(line).append('\n');
        continue;
      }
      ObjectNode purged = Erasure.purge((ObjectNode) event, key);
      if (!digests && event.has("name")) {
        purged.remove(Erasure.NAME_DIGEST);
        purged.set("name", event.get("name"));
      }
      out.append(purged).append('\n');
    }
    return LedgerReader.load(new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8))).ledger();
  }

  @Test
  void erasedMembersNamesAreRedactedByDigestOnBothEnginesWhereTheNamesWould() throws Exception {
    ConsentLedger withDigests = erased(true);
    ConsentLedger withNames = erased(false);
    assertThat(withDigests.erasedNameDigests()).hasSizeGreaterThan(3);
    assertThat(withNames.erasedNameDigests()).isEmpty();
    assertThat(withNames.memberNames()).hasSize(withDigests.memberNames().size() + withDigests.erasedNameDigests().size());
    // Other members' posts do mention erased members by name.
    StringBuilder texts = new StringBuilder(); // the exports hold undecodable lines on purpose
    for (Path file : input.content) {
      texts.append(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }
    assertThat(withNames.memberNames().stream().filter(n -> !withDigests.memberNames().contains(n)))
        .anyMatch(n -> texts.indexOf(n) >= 0);

    SnapshotResult byName = embedded(withNames, request(temp.resolve("names")));
    SnapshotResult byDigest = embedded(withDigests, request(temp.resolve("digests")));
    SnapshotResult onSpark = spark().build(withDigests, request(temp.resolve("spark")), ProgressListener.NONE);
    Snapshots.assertSame(byDigest.directory(), byName.directory());
    Snapshots.assertSame(onSpark.directory(), byName.directory());
  }

  @Test
  void theLinesOfAShardKeepInputOrderAcrossSplits() throws Exception {
    SnapshotResult result = spark().build(ledger, request(temp.resolve("out")), ProgressListener.NONE);
    for (var shard : result.metadata().shards()) {
      String lines = new String(Snapshots.decompressed(result.directory().resolve(shard.file())), StandardCharsets.UTF_8);
      List<long[]> order = new ArrayList<>();
      for (String line : lines.split("\n")) {
        String id = line.substring(line.indexOf("\"content\":\"") + 11, line.indexOf("\",\""));
        // L0007 → (0, 7); c1-42 → (2, 42): source, then position within it.
        order.add(id.startsWith("L")
            ? new long[] {0, Long.parseLong(id.substring(1))}
            : new long[] {1 + Long.parseLong(id.substring(1, id.indexOf('-'))), Long.parseLong(id.substring(id.indexOf('-') + 1))});
      }
      for (int i = 1; i < order.size(); i++) {
        long[] a = order.get(i - 1);
        long[] b = order.get(i);
        assertThat(a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])).as("%s: line %d after line %d", shard.file(), i, i - 1).isTrue();
      }
    }
  }

  @Test
  void aRepeatedSparkBuildKeepsThePublishedSnapshot() throws Exception {
    Path out = temp.resolve("out");
    SnapshotResult first = spark().build(ledger, request(out), ProgressListener.NONE);
    SnapshotResult again = new SparkEngine(spark, Detectors.PATTERNS, 1, 0).build(ledger, request(out), ProgressListener.NONE);
    assertThat(again.alreadyPublished()).isTrue();
    assertThat(again.directory()).isEqualTo(first.directory());
    try (var entries = Files.list(out)) {
      assertThat(entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".building-"))).isEmpty();
    }
    assertThat(Snapshots.files(first.directory())).noneMatch(n -> n.startsWith("."));
  }

  @Test
  void aForgetRebuildOnSparkIsTheEmbeddedEnginesRebuild() throws Exception {
    Path out = temp.resolve("out");
    SnapshotResult parent = embedded(request(out));
    Set<String> forgotten = Set.of(SyntheticInput.member(7), SyntheticInput.member(11), SyntheticInput.member(12));
    SnapshotRequest rebuild = request(out).asRebuild(
        new SnapshotRequest.Rebuild(parent.metadata().snapshot(), parent.metadata().inputs(), forgotten));
    SnapshotResult expected = embedded(rebuild);
    Path elsewhere = temp.resolve("spark");
    SnapshotResult actual = spark().build(ledger, rebuild.toBuilder().outDir(elsewhere).build(),
        ProgressListener.NONE);
    Snapshots.assertSame(actual.directory(), expected.directory());
    assertThat(actual.metadata().excluded().get("forgotten")).isPositive();
  }

  @Test
  void sourcesMayBeGivenAsADirectoryOfExportsInNameOrder() throws Exception {
    SnapshotResult expected = embedded(request(temp.resolve("embedded")));
    SnapshotRequest bare = SnapshotRequest.builder("genai-training", SyntheticInput.AS_OF).outDir(temp.resolve("spark"))
        .shardsPerGroup(3).redaction(RedactionPolicy.pseudonymousPeople()).deploymentKey(LocalSpark.KEY)
        .ledger("ledger", "ab".repeat(32)).build();
    Path dir = temp.resolve("exports");
    Files.createDirectories(dir);
    for (Path file : input.content) {
      Files.copy(file, dir.resolve(file.getFileName()));
    }
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Told told = new Told();
    String source = dir.toUri().toString();
    SnapshotResult actual = spark().build(ledger, bare, List.of(source), told);
    Snapshots.assertSame(actual.directory(), expected.directory());
    // Unreadable lines are named under the source as given, a URI kept whole (not file:/...).
    assertThat(source).startsWith("file:///").endsWith("/");
    assertThat(told.lines).isNotEmpty()
        .allMatch(l -> input.content.stream().anyMatch(f -> l.startsWith(source + f.getFileName() + ":")));

    // A subdirectory (a partitioned dataset) is refused, not silently left out.
    Files.createDirectories(dir.resolve("year=2024"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> spark().build(ledger, bare, List.of(dir.toUri().toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subdirectory year=2024");
  }

  /** What an engine said of unreadable lines, as {@code FILE:LINE: REASON: PROBLEM}, then "more N". */
  private static final class Told implements ProgressListener {
    final List<String> lines = new ArrayList<>();
    long more;

    @Override
    public void unreadable(String file, long line, String reason, String problem) {
      lines.add(file + ":" + line + ": " + reason + ": " + problem);
    }

    @Override
    public void moreUnreadable(long count) {
      more += count;
    }
  }

  @Test
  void theUnreadableLinesNamedAreTheEmbeddedEnginesFirstTwentyWhateverThePartitioning() throws Exception {
    // A small first export with a few bad lines after blank ones, so the first twenty cross files.
    Path small = temp.resolve("c0.jsonl");
    Files.write(small, ("\n" + "not json\n" + " \t \r\n" + "{\"content\":\"x\"}\n").getBytes(StandardCharsets.UTF_8));
    Files.write(small, new byte[] {'{', '"', 'a', '"', ':', (byte) 0xff, '}', '\n'}, java.nio.file.StandardOpenOption.APPEND);
    List<Path> content = new ArrayList<>(List.of(small));
    content.addAll(input.content);
    SnapshotRequest request = request(temp.resolve("embedded")).toBuilder().content(content).build();
    Told embedded = new Told();
    SnapshotResult expected =
        SnapshotEngine.embedded(Detectors.byName(Detectors.PATTERNS)).build(ledger, request, embedded);
    assertThat(embedded.lines).hasSizeGreaterThan(UnreadableReport.SHOWN + 10);
    assertThat(embedded.lines.get(0)).startsWith(small + ":2: malformed: malformed JSON");

    List<String> first = embedded.lines.subList(0, UnreadableReport.SHOWN);
    long more = embedded.lines.size() - UnreadableReport.SHOWN;
    // Tiny splits spread the first twenty over many tasks; one writer and default splits do not.
    for (SparkEngine engine : List.of(new SparkEngine(spark, Detectors.PATTERNS, 3, 4 << 10),
        new SparkEngine(spark, Detectors.PATTERNS, 1, 0), spark())) {
      Told told = new Told();
      SnapshotResult actual = engine.build(
          ledger, request.toBuilder().outDir(temp.resolve("spark-" + told.hashCode())).build(), told);
      assertThat(actual.manifestSha256()).isEqualTo(expected.manifestSha256());
      assertThat(told.lines).containsExactlyElementsOf(first);
      assertThat(told.more).isEqualTo(more);
    }
    // Lines deep into the second export are named by their line number there too.
    assertThat(first).anyMatch(l -> l.startsWith(input.content.get(0) + ":"));
  }
}
