package dev.lethe.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.Hashing;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same scenario built as jsonl and as Parquet: the Parquet shards, read with the Parquet
 * library's own example reader (not this module's), hold exactly the jsonl shards' records.
 */
class ParquetSnapshotTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Detector DETECTOR = Detector.of(EnumSet.allOf(EntityType.class), false);
  private static final byte[] KEY = "lethe-test-deployment-key-32-bytes!".getBytes(StandardCharsets.UTF_8);
  private static final Instant AS_OF = Instant.parse("2024-02-01T00:00:00Z");
  private static final int MEMBERS = 40;

  @TempDir Path temp;

  @Test
  void parquetShardsHoldTheJsonlShardsRecords() throws Exception {
    Path content = content();
    SnapshotResult jsonl = build(content, temp.resolve("jsonl"), ShardFormat.jsonl());
    SnapshotResult parquet = build(content, temp.resolve("parquet"), ShardFormat.named("parquet"));

    assertThat(parquet.metadata().included()).isEqualTo(jsonl.metadata().included()).isGreaterThan(100);
    assertThat(parquet.metadata().excluded()).isEqualTo(jsonl.metadata().excluded());
    assertThat(parquet.metadata().shards()).hasSameSizeAs(jsonl.metadata().shards()).hasSizeGreaterThan(2);
    for (int i = 0; i < jsonl.metadata().shards().size(); i++) {
      var j = jsonl.metadata().shards().get(i);
      var p = parquet.metadata().shards().get(i);
      assertThat(p.file()).isEqualTo(String.format("shard-%05d.parquet", p.shard()));
      assertThat(p.shard()).isEqualTo(j.shard());
      assertThat(p.records()).isEqualTo(j.records());
      assertThat(p.memberCount()).isEqualTo(j.memberCount());
      // The member bitmaps do not depend on the format.
      assertThat(Files.readAllBytes(parquet.directory().resolve(p.members())))
          .isEqualTo(Files.readAllBytes(jsonl.directory().resolve(j.members())));
      assertThat(exampleReader(parquet.directory().resolve(p.file())))
          .containsExactlyElementsOf(jsonlRecords(jsonl.directory().resolve(j.file())));
    }
  }

  @Test
  void manifestNamesTheFormatAndEachShardsDigest() throws Exception {
    SnapshotResult result = build(content(), temp.resolve("out"), ShardFormat.named("parquet"));
    JsonNode manifest = JSON.readTree(result.directory().resolve("manifest.json").toFile());
    assertThat(manifest.get("shard_format").asText()).isEqualTo("parquet");
    assertThat(manifest.get("record_format").asText()).startsWith("parquet:");
    for (JsonNode shard : manifest.get("shards")) {
      Path file = result.directory().resolve(shard.get("file").asText());
      assertThat(shard.get("sha256").asText()).isEqualTo(Hashing.sha256Hex(file));
      assertThat(shard.get("bytes").asLong()).isEqualTo(Files.size(file));
    }
    try (Stream<Path> files = Files.list(result.directory())) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("shard-")))
          .allMatch(n -> n.endsWith(".parquet"))
          .hasSize(manifest.get("shards").size());
    }
    JsonNode croissant = JSON.readTree(result.directory().resolve("croissant.json").toFile());
    assertThat(croissant.toString()).contains("\"includes\":\"shard-*.parquet\"").contains("application/x-parquet")
        .doesNotContain("jsonlines");
  }

  @Test
  void footerIsZstdWithTheThreeStringColumnsAndNoKeyValueMetadata() throws Exception {
    SnapshotResult result = build(content(), temp.resolve("out"), ShardFormat.named("parquet"));
    Path file = result.directory().resolve(result.metadata().shards().get(0).file());
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      ParquetMetadata footer = reader.getFooter();
      assertThat(footer.getFileMetaData().getSchema()).isEqualTo(RowSchema.SCHEMA);
      assertThat(footer.getFileMetaData().getKeyValueMetaData()).isEmpty();
      assertThat(footer.getFileMetaData().getCreatedBy()).startsWith("parquet-mr version");
      for (BlockMetaData block : footer.getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          assertThat(column.getCodec()).isEqualTo(CompressionCodecName.ZSTD);
        }
      }
    }
  }

  @Test
  void aRebuildOfTheSameInputsIsByteIdentical() throws Exception {
    Path content = content();
    SnapshotResult first = build(content, temp.resolve("a"), ShardFormat.named("parquet"));
    SnapshotResult second = build(content, temp.resolve("b"), ShardFormat.named("parquet"));
    assertThat(second.metadata().snapshot()).isEqualTo(first.metadata().snapshot());
    try (Stream<Path> files = Files.list(first.directory())) {
      for (Path file : files.sorted().toList()) {
        assertThat(Files.readAllBytes(second.directory().resolve(file.getFileName())))
            .as(file.getFileName().toString())
            .isEqualTo(Files.readAllBytes(file));
      }
    }
  }

  @Test
  void readingFeedsTheWholeFileToTheDigestAndGivesRowsInOrder() throws Exception {
    SnapshotResult result = build(content(), temp.resolve("out"), ShardFormat.named("parquet"));
    var shard = result.metadata().shards().get(1);
    Path file = result.directory().resolve(shard.file());
    var digest = Hashing.sha256();
    List<List<String>> rows = new ArrayList<>();
    ShardFormat.named("parquet").read(file, digest, r -> rows.add(List.of(r.content(), r.kind(), r.text())));
    assertThat(java.util.HexFormat.of().formatHex(digest.digest())).isEqualTo(shard.sha256());
    assertThat(rows).containsExactlyElementsOf(exampleReader(file));
  }

  @Test
  void aCorruptFileFailsWithItsName() throws Exception {
    Path file = temp.resolve("shard-00000.parquet");
    Files.write(file, "PAR1 not really parquet PAR1".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> ShardFormat.named("parquet").read(file, Hashing.sha256(), r -> {}))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("shard-00000.parquet");
  }

  @Test
  void trainingLinesOtherThanTheProcessorsAreRefused() {
    assertThatThrownBy(() -> ParquetShardFormat.parse("{\"content\":\"c\",\"kind\":\"post\"}\n".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("lacks");
    assertThatThrownBy(() -> ParquetShardFormat.parse("{\"content\":\"c\",\"kind\":\"post\",\"text\":\"t\",\"member\":\"m\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("member");
    assertThatThrownBy(() -> ParquetShardFormat.parse("{\"content\":1,\"kind\":\"post\",\"text\":\"t\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a string");
  }

  private SnapshotResult build(Path content, Path out, ShardFormat format) throws Exception {
    SnapshotRequest request =
        SnapshotRequest.builder("genai-training", AS_OF).content(List.of(content)).outDir(out).shardsPerGroup(2)
            .redaction(RedactionPolicy.pseudonymousPeople()).deploymentKey(KEY).threads(2)
            .ledger("ledger", "0".repeat(64)).format(format).build();
    return SnapshotEngine.embedded(DETECTOR).build(ledger(), request, ProgressListener.NONE);
  }

  /** Rows as (content, kind, text), read with the library's example Group API. */
  private static List<List<String>> exampleReader(Path file) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (ParquetReader<Group> reader =
        new ParquetReader.Builder<Group>(new LocalInputFile(file), new PlainParquetConfiguration()) {
          @Override
          protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
          }
        }.build()) {
      for (Group g; (g = reader.read()) != null; ) {
        rows.add(List.of(g.getString("content", 0), g.getString("kind", 0), g.getString("text", 0)));
      }
    }
    return rows;
  }

  private static List<List<String>> jsonlRecords(Path file) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (InputStream in = new ZstdInputStream(Files.newInputStream(file))) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        JsonNode r = JSON.readTree(line);
        assertThat(r.has("member")).isFalse();
        rows.add(List.of(r.get("content").asText(), r.get("kind").asText(), r.get("text").asText()));
      }
    }
    return rows;
  }

  private static ConsentLedger ledger() throws Exception {
    StringBuilder ledger = new StringBuilder();
    ledger.append("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",")
        .append("\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"DE\",\"FR\"],\"UK\":[\"GB\"]},")
        .append("\"purposes\":{\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\",")
        .append("\"min_age\":18,\"honor_gpc\":true,\"content_kinds\":[\"post\",\"comment\"],\"visibility\":[\"public\"],")
        .append("\"rules\":{\"EEA\":\"blocked\"}}}}}\n");
    String[] countries = {"GB", "US", "DE", "CA"};
    for (int m = 0; m < MEMBERS; m++) {
      ledger.append("{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m").append(m)
          .append("\",\"country\":\"").append(countries[m % countries.length])
          .append("\",\"birth_date\":\"1990-01-01\",\"name\":\"Member Number").append(m).append("\"}\n");
      ledger.append("{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m").append(m)
          .append("\",\"policy_version\":\"v1\"}\n");
    }
    return LedgerReader.load(new ByteArrayInputStream(ledger.toString().getBytes(StandardCharsets.UTF_8))).ledger();
  }

  private Path content() throws Exception {
    List<String> lines = new ArrayList<>();
    String[] texts = {
      "a plain post", "mail me at someone%d@example.org", "ünïcödé — 日本語 %d ✓", "call +44 20 7946 09%02d", "",
      "line\nbreaks and \"quotes\" %d"
    };
    for (int i = 0; i < 400; i++) {
      ObjectNode o = JSON.createObjectNode();
      o.put("content", "c" + i).put("member", "m" + (i * 7 % MEMBERS)).put("kind", i % 5 == 0 ? "comment" : "post");
      o.put("visibility", i % 11 == 0 ? "connections" : "public").put("posted_at", "2024-01-10T00:00:00Z");
      o.put("text", String.format(texts[i % texts.length], i % 100));
      lines.add(o.toString());
    }
    Path file = temp.resolve("content.jsonl");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

}
