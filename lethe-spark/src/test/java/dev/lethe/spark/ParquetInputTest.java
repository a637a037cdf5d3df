package dev.lethe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.RedactionPolicy;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet content exports on Spark against the embedded engine on the same records as JSON Lines.
 *
 * <p>The snapshots hold the same data but are not the same snapshot: the manifest's {@code inputs}
 * name the files with their SHA-256, which differ between a JSON Lines file and a Parquet file,
 * and so do the snapshot id and the pseudonym key (derived from the input digests). The builds
 * therefore redact with placeholders, and the comparison leaves out {@code inputs} and {@code
 * snapshot}: shard bytes, bitmaps and every count must be equal.
 */
class ParquetInputTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static SparkSession spark;
  static SyntheticInput input;
  static ConsentLedger ledger;

  @TempDir Path temp;

  @BeforeAll
  static void start() throws Exception {
    spark = LocalSpark.start("lethe-spark-parquet-test");
    input = SyntheticInput.write(shared.resolve("input"), 20240607L, 240, 2, 2_000);
    ledger = LocalSpark.ledger(input);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static SnapshotRequest request(List<Path> content, Path out) {
    return SnapshotRequest.builder("genai-training", SyntheticInput.AS_OF).content(content).outDir(out)
        .shardsPerGroup(3).redaction(RedactionPolicy.placeholders()).deploymentKey(LocalSpark.KEY).threads(2)
        .ledger("ledger", "ab".repeat(32)).build();
  }

  private static SnapshotResult embedded(List<Path> content, Path out) throws Exception {
    return SnapshotEngine.embedded(Detectors.byName(Detectors.PATTERNS)).build(ledger, request(content, out), ProgressListener.NONE);
  }

  private static SnapshotResult onSpark(List<Path> sources, Path out) throws Exception {
    // Small splits and row groups, so the rows of one file cross tasks.
    return new SparkEngine(spark, Detectors.PATTERNS, 3, 32 << 10)
        .build(ledger, request(List.of(), out), sources.stream().map(p -> p.toUri().toString()).toList());
  }

  /** The raw lines of a JSON Lines file, as the embedded engine splits them, blank ones left out. */
  private static List<byte[]> lines(Path file) throws Exception {
    byte[] all = Files.readAllBytes(file);
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= all.length; i++) {
      if (i == all.length || all[i] == '\n') {
        int end = i > start && all[i - 1] == '\r' ? i - 1 : i;
        byte[] line = Arrays.copyOfRange(all, start, end);
        if (i < all.length || line.length > 0) {
          if (!dev.lethe.pipeline.ContentLines.isBlank(line)) {
            lines.add(line);
          }
        }
        start = i + 1;
      }
    }
    return lines;
  }

  private static String textual(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  /**
   * The row a JSON line becomes: its textual fields, {@code text} as bytes. A line that is not a
   * JSON object (or not UTF-8, or with a field that is not a string) becomes a row that is just as
   * malformed: invalid UTF-8 in {@code text}, or no fields at all.
   */
  private static Row row(byte[] line) {
    JsonNode node;
    try {
      String decoded = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line)).toString();
      node = JSON.readTree(decoded);
    } catch (CharacterCodingException e) {
      return RowFactory.create("bad-utf8", SyntheticInput.member(1), "post", "public", "2024-02-01T00:00:00Z", null,
          new byte[] {'h', 'i', (byte) 0xC3, (byte) 0x28});
    } catch (Exception e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      return RowFactory.create(null, null, null, null, null, null, null);
    }
    String text = textual(node, "text");
    return RowFactory.create(textual(node, "content"), textual(node, "member"), textual(node, "kind"),
        textual(node, "visibility"), textual(node, "posted_at"), textual(node, "deleted_at"),
        text == null ? null : text.getBytes(StandardCharsets.UTF_8));
  }

  private static StructType schema(DataType postedAt) {
    List<StructField> fields = new ArrayList<>();
    for (String name : List.of("content", "member", "kind", "visibility")) {
      fields.add(DataTypes.createStructField(name, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField("posted_at", postedAt, true));
    fields.add(DataTypes.createStructField("deleted_at", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("text", DataTypes.BinaryType, true));
    return DataTypes.createStructType(fields);
  }

  /** Writes rows as one Parquet file (in order) with small row groups; returns the file. */
  private static Path parquet(List<Row> rows, StructType schema, Path dir) throws Exception {
    spark.createDataFrame(rows, schema).coalesce(1).write()
        .option("parquet.block.size", 16 << 10)
        .parquet(dir.toString());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> parts = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
      assertThat(parts).hasSize(1);
      return parts.get(0);
    }
  }

  @Test
  void aParquetExportGivesTheDataOfTheSameRecordsInJsonLines() throws Exception {
    List<Path> parquet = new ArrayList<>();
    for (int f = 0; f < input.content.size(); f++) {
      List<Row> rows = lines(input.content.get(f)).stream().map(ParquetInputTest::row).toList();
      parquet.add(parquet(rows, schema(DataTypes.StringType), temp.resolve("parquet-" + f)));
    }
    SnapshotResult expected = embedded(input.content, temp.resolve("embedded"));
    // Directories of Spark's output (_SUCCESS and .crc files beside the part file) are sources too.
    SnapshotResult actual = onSpark(List.of(parquet.get(0).getParent(), parquet.get(1)), temp.resolve("spark"));

    Snapshots.assertSameData(actual.directory(), expected.directory());
    assertThat(actual.metadata().excluded()).isEqualTo(expected.metadata().excluded());
    assertThat(actual.metadata().included()).isEqualTo(expected.metadata().included()).isGreaterThan(500);
    assertThat(expected.metadata().excluded().get("malformed")).isGreaterThan(50);
    assertThat(expected.metadata().excluded()).containsKeys("unknown-member", "visibility-excluded", "content-deleted");
    // By design the inputs differ: Parquet file names and the SHA-256 of their bytes.
    assertThat(actual.metadata().inputs().get(1).name()).endsWith(".parquet");
    assertThat(actual.metadata().inputs().get(1).sha256())
        .isEqualTo(dev.lethe.pipeline.Hashing.sha256Hex(Files.readAllBytes(parquet.get(0))));
    assertThat(actual.metadata().snapshot()).isNotEqualTo(expected.metadata().snapshot());
  }

  @Test
  void timestampColumnsAreInstantsAndAMissingOrMistypedColumnFailsEveryRowClosed() throws Exception {
    List<byte[]> good = new ArrayList<>();
    for (byte[] line : lines(input.content.get(0))) {
      Row r = row(line);
      if (r.get(0) != null && r.get(4) != null && !"bad-utf8".equals(r.get(0))
          && List.of("public", "connections", "private").contains(r.getString(3))) {
        good.add(line);
      }
    }
    // File 1: posted_at as a Parquet timestamp; the same records as JSON Lines with the instant as text.
    List<byte[]> first = good.subList(0, 600);
    List<Row> timestamped = new ArrayList<>();
    for (byte[] line : first) {
      Row r = row(line);
      timestamped.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3),
          Timestamp.from(Rfc3339.parseInstant(r.getString(4))), r.get(5), r.get(6)));
    }
    Path timestampedFile = parquet(timestamped, schema(DataTypes.TimestampType), temp.resolve("ts"));
    // File 2: no text column at all. File 3: kind as a number. Every row of both is malformed.
    List<byte[]> second = good.subList(600, 700);
    StructType noText = new StructType(Arrays.copyOf(schema(DataTypes.StringType).fields(), 6));
    List<Row> withoutText = second.stream().map(l -> {
      Row r = row(l);
      return RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
    }).toList();
    Path noTextFile = parquet(withoutText, noText, temp.resolve("no-text"));
    List<byte[]> third = good.subList(700, 750);
    StructField[] numbered = schema(DataTypes.StringType).fields().clone();
    numbered[2] = DataTypes.createStructField("kind", DataTypes.IntegerType, true);
    List<Row> numberKinds = third.stream().map(l -> {
      Row r = row(l);
      return RowFactory.create(r.get(0), r.get(1), 7, r.get(3), r.get(4), r.get(5), r.get(6));
    }).toList();
    Path numberFile = parquet(numberKinds, new StructType(numbered), temp.resolve("number"));

    Path jsonl = temp.resolve("same.jsonl");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] line : first) {
      out.write(line);
      out.write('\n');
    }
    for (byte[] line : second) {
      // The JSON Lines twin of a row without text: the line without its "text" field.
      com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
      o.remove("text");
      out.write(o.toString().getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    for (byte[] line : third) {
      com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
      o.put("kind", 7);
      out.write(o.toString().getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    Files.write(jsonl, out.toByteArray());

    SnapshotResult expected = embedded(List.of(jsonl), temp.resolve("embedded"));
    SnapshotResult actual = onSpark(List.of(timestampedFile, noTextFile, numberFile), temp.resolve("spark"));
    Snapshots.assertSameData(actual.directory(), expected.directory());
    assertThat(actual.metadata().excluded()).isEqualTo(expected.metadata().excluded());
    assertThat(actual.metadata().excluded().get("malformed")).isEqualTo(150);
    assertThat(actual.metadata().included()).isEqualTo(expected.metadata().included()).isGreaterThan(100);
  }
}
