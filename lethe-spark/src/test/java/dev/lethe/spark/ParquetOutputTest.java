package dev.lethe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.pipeline.Hashing;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.RedactionPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet shards ({@code --format parquet}) on Spark: the same snapshot as the embedded engine's,
 * byte for byte, written by lethe-parquet's relocated Parquet 1.18 while Spark's own Parquet 1.13
 * reads and writes Parquet tables in the same JVM.
 */
class ParquetOutputTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static SparkSession spark;
  static SyntheticInput input;
  static ConsentLedger ledger;
  static ShardFormat parquet;

  @TempDir Path temp;

  @BeforeAll
  static void start() throws Exception {
    spark = LocalSpark.start("lethe-spark-parquet-test");
    input = SyntheticInput.write(shared.resolve("input"), 20240607L, 200, 2, 1_500);
    ledger = LocalSpark.ledger(input);
    parquet = ShardFormat.named("parquet");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static SnapshotRequest request(List<Path> content, Path out, RedactionPolicy policy) {
    return SnapshotRequest.builder("genai-training", SyntheticInput.AS_OF).content(content).outDir(out)
        .shardsPerGroup(3).redaction(policy).deploymentKey(LocalSpark.KEY).threads(2)
        .ledger("ledger", "cd".repeat(32)).build();
  }

  private static SnapshotResult embedded(SnapshotRequest request) throws Exception {
    return SnapshotEngine.embedded(Detectors.byName(Detectors.PATTERNS)).build(ledger, request, ProgressListener.NONE);
  }

  /** Small splits and three writers, so lines of one file and shards of one group cross tasks. */
  private static SparkEngine engine() {
    return new SparkEngine(spark, Detectors.PATTERNS, 3, 48 << 10);
  }

  private static List<String> files(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The records of a shard, read with lethe-parquet's reader (which also checks the file). */
  private static List<ShardFormat.Row> rows(ShardFormat format, Path file) throws Exception {
    List<ShardFormat.Row> rows = new ArrayList<>();
    format.read(file, Hashing.sha256(), rows::add);
    return rows;
  }

  @Test
  void sparksParquetSnapshotIsTheEmbeddedEnginesParquetSnapshot() throws Exception {
    SnapshotResult expected = embedded(
        request(input.content, temp.resolve("embedded"), RedactionPolicy.pseudonymousPeople()).withFormat(parquet));
    SnapshotResult actual = engine().build(ledger,
        request(input.content, temp.resolve("spark"), RedactionPolicy.pseudonymousPeople()).withFormat(parquet),
        ProgressListener.NONE);

    assertThat(actual.metadata().snapshot()).isEqualTo(expected.metadata().snapshot());
    assertThat(actual.manifestSha256()).isEqualTo(expected.manifestSha256());
    assertThat(files(actual.directory())).isEqualTo(files(expected.directory()));
    for (String name : files(expected.directory())) {
      assertThat(Files.readAllBytes(actual.directory().resolve(name))).as("bytes of %s", name)
          .isEqualTo(Files.readAllBytes(expected.directory().resolve(name)));
    }

    // They really are Parquet shards, holding what the jsonl shards of the same build hold.
    JsonNode manifest = Snapshots.manifest(actual.directory());
    assertThat(manifest.get("shard_format").asText()).isEqualTo("parquet");
    SnapshotResult jsonl = embedded(request(input.content, temp.resolve("jsonl"), RedactionPolicy.pseudonymousPeople()));
    assertThat(actual.metadata().shards()).hasSizeGreaterThan(4).hasSameSizeAs(jsonl.metadata().shards());
    long records = 0;
    for (int i = 0; i < jsonl.metadata().shards().size(); i++) {
      var shard = actual.metadata().shards().get(i);
      assertThat(shard.file()).endsWith(".parquet");
      List<ShardFormat.Row> fromParquet = rows(parquet, actual.directory().resolve(shard.file()));
      List<ShardFormat.Row> fromJsonl = rows(ShardFormat.jsonl(), jsonl.directory().resolve(jsonl.metadata().shards().get(i).file()));
      assertThat(fromParquet).isEqualTo(fromJsonl);
      records += fromParquet.size();
      assertThat(Files.readAllBytes(actual.directory().resolve(shard.members())))
          .isEqualTo(Files.readAllBytes(jsonl.directory().resolve(jsonl.metadata().shards().get(i).members())));
    }
    assertThat(records).isEqualTo(actual.metadata().included()).isGreaterThan(400);
  }

  @Test
  void sparksOwnParquetReadsAndWritesBesideTheRelocatedCopy() throws Exception {
    // Spark's Parquet on the class path is its own 1.13; the shards say they were written by 1.18.
    assertThat(org.apache.parquet.Version.VERSION_NUMBER).startsWith("1.13.");
    SnapshotResult expected = embedded(
        request(input.content, temp.resolve("embedded"), RedactionPolicy.placeholders()).withFormat(parquet));

    // The same records as a Parquet export, written by Spark's own Parquet writer.
    List<String> lines = new ArrayList<>();
    for (Path file : input.content) {
      for (String line : new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).split("\n")) {
        try {
          // Strictly: a line that is not UTF-8 is malformed, never part of the export.
          lines.add(StandardCharsets.UTF_8.newDecoder()
              .decode(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.ISO_8859_1))).toString());
        } catch (java.nio.charset.CharacterCodingException e) {
          continue;
        }
      }
    }
    Path export = temp.resolve("export");
    Dataset<String> json = spark.createDataset(
        lines.stream().filter(ParquetOutputTest::isRecord).toList(), Encoders.STRING());
    spark.read().schema("content STRING, member STRING, kind STRING, visibility STRING, posted_at STRING, "
            + "deleted_at STRING, text STRING").json(json)
        .coalesce(1).write().parquet(export.toString());

    SnapshotResult actual = new SparkEngine(spark, Detectors.PATTERNS, 3, 48 << 10).build(ledger,
        request(List.of(), temp.resolve("spark"), RedactionPolicy.placeholders()).withFormat(parquet),
        List.of(export.toUri().toString()));

    assertThat(actual.metadata().included()).isPositive();
    for (var shard : actual.metadata().shards()) {
      Path file = actual.directory().resolve(shard.file());
      assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).contains("parquet-mr version 1.18.1");
      // Spark's own Parquet reader reads the shards Lethe's relocated writer wrote.
      List<org.apache.spark.sql.Row> read = spark.read().parquet(file.toString()).collectAsList();
      List<ShardFormat.Row> rows = rows(parquet, file);
      assertThat(read).hasSameSizeAs(rows);
      for (int i = 0; i < rows.size(); i++) {
        assertThat(read.get(i).<String>getAs("content")).isEqualTo(rows.get(i).content());
        assertThat(read.get(i).<String>getAs("text")).isEqualTo(rows.get(i).text());
      }
    }
    // Only valid records made it into the export, so the shards match those of the JSON Lines build
    // record for record (the inputs, and so the snapshot id, differ by design).
    assertThat(files(actual.directory())).isEqualTo(files(expected.directory()));
    for (int i = 0; i < expected.metadata().shards().size(); i++) {
      var shard = expected.metadata().shards().get(i);
      assertThat(Files.readAllBytes(actual.directory().resolve(shard.file()))).as("bytes of %s", shard.file())
          .isEqualTo(Files.readAllBytes(expected.directory().resolve(shard.file())));
      assertThat(Files.readAllBytes(actual.directory().resolve(shard.members())))
          .isEqualTo(Files.readAllBytes(expected.directory().resolve(shard.members())));
    }
  }

  /** A line the embedded engine would not exclude as malformed before gating: a JSON object of strings. */
  private static boolean isRecord(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.isObject()) {
        return false;
      }
      for (String field : List.of("content", "member", "kind", "visibility", "posted_at", "text")) {
        if (node.get(field) == null || !node.get(field).isTextual()) {
          return false;
        }
      }
      JsonNode deleted = node.get("deleted_at");
      return deleted == null || deleted.isNull() || deleted.isTextual();
    } catch (Exception e) {
      return false;
    }
  }
}
