package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lethe build}, {@code lethe snapshots} and {@code lethe where} on an embedded store. */
class SnapshotCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String LEDGER = String.join("\n",
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"gb1\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"de1\",\"country\":\"DE\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"gb1\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"de1\",\"policy_version\":\"v1\"}",
      "");

  private static final String CONTENT = String.join("\n",
      "{\"content\":\"p1\",\"member\":\"gb1\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"write to gb1@example.com\"}",
      "{\"content\":\"p2\",\"member\":\"de1\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"hallo\"}",
      "");

  @Test
  void buildListAndLocateASnapshot(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path ledger = dir.resolve("ledger.jsonl");
    Path content = dir.resolve("content.jsonl");
    Files.writeString(ledger, LEDGER);
    Files.writeString(content, CONTENT);
    assertThat(CliRun.run("import", "--data", data.toString(), ledger.toString()).status()).isZero();

    CliRun build = CliRun.run("build", "--data", data.toString(), "--purpose", "genai-training",
        "--as-of", "2024-02-01T00:00:00Z", "--content", content.toString(), "--quiet", "--threads", "2");
    assertThat(build.status()).as(build.err()).isZero();
    JsonNode summary = JSON.readTree(build.out());
    assertThat(summary.get("included").asLong()).isEqualTo(1);
    assertThat(summary.get("excluded").get("jurisdiction-blocked").asLong()).isEqualTo(1);
    assertThat(summary.get("redactions").get("EMAIL_ADDRESS").asLong()).isEqualTo(1);
    assertThat(summary.get("audit_leaf").asLong()).isEqualTo(5); // after the five ledger events
    String id = summary.get("snapshot").asText();
    assertThat(data.resolve("snapshots").resolve(id).resolve("manifest.json")).isRegularFile();
    assertThat(data.resolve("snapshots").resolve(id).resolve("croissant.json")).isRegularFile();
    List<String> lineage = Files.readAllLines(data.resolve("snapshots").resolve("openlineage.jsonl"));
    assertThat(lineage).hasSize(2);
    assertThat(JSON.readTree(lineage.get(0)).get("eventType").asText()).isEqualTo("START");
    assertThat(JSON.readTree(lineage.get(1)).get("eventType").asText()).isEqualTo("COMPLETE");
    assertThat(JSON.readTree(lineage.get(1)).get("run").get("runId").asText())
        .isEqualTo(JSON.readTree(lineage.get(0)).get("run").get("runId").asText());
    // Each snapshot is a dataset of its own, and the ledger is read as well as the export.
    JsonNode complete = JSON.readTree(lineage.get(1));
    assertThat(complete.at("/outputs/0/name").asText())
        .isEqualTo(data.resolve("snapshots").resolve(id).toAbsolutePath().normalize().toString());
    assertThat(complete.get("inputs")).extracting(i -> i.get("name").asText()).containsExactly(
        content.toAbsolutePath().normalize().toString(), data.resolve("ledger.mv.db").toAbsolutePath().normalize().toString());
    assertThat(JSON.readTree(lineage.get(0)).get("outputs")).as("START: no snapshot yet").isEmpty();

    CliRun again = CliRun.run("build", "--data", data.toString(), "--purpose", "genai-training",
        "--as-of", "2024-02-01T00:00:00Z", "--content", content.toString(), "--quiet");
    assertThat(JSON.readTree(again.out()).get("snapshot").asText()).isEqualTo(id);
    assertThat(JSON.readTree(again.out()).get("already_published").asBoolean()).isTrue();

    CliRun list = CliRun.run("snapshots", "--data", data.toString());
    assertThat(list.out().lines().toList()).hasSize(1);
    assertThat(JSON.readTree(list.out()).get("snapshot").asText()).isEqualTo(id);

    JsonNode gb = JSON.readTree(CliRun.run("where", "--data", data.toString(), "--member", "gb1").out());
    assertThat(gb.get("snapshots")).hasSize(1);
    assertThat(gb.get("snapshots").get(0).get("snapshot").asText()).isEqualTo(id);
    JsonNode de = JSON.readTree(CliRun.run("where", "--data", data.toString(), "--member", "de1").out());
    assertThat(de.get("snapshots")).isEmpty();
    assertThat(CliRun.run("where", "--data", data.toString(), "--member", "nobody").status()).isEqualTo(2);
  }

  @Test
  void aParquetSnapshotTrainsTheSameModelAsItsJsonlTwin(@TempDir Path dir) throws Exception {
    Path ledger = dir.resolve("ledger.jsonl");
    Path content = dir.resolve("content.jsonl");
    Files.writeString(ledger, LEDGER);
    StringBuilder lines = new StringBuilder(CONTENT);
    for (int i = 0; i < 30; i++) {
      lines.append("{\"content\":\"q").append(i).append("\",\"member\":\"gb1\",\"kind\":\"post\",\"visibility\":\"public\",")
          .append("\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"the cat number ").append(i % 7).append(" sat.\"}\n");
    }
    Files.writeString(content, lines);
    List<String> digests = new java.util.ArrayList<>();
    for (String format : List.of("jsonl", "parquet")) {
      String data = dir.resolve(format).toString();
      assertThat(CliRun.run("import", "--data", data, ledger.toString()).status()).isZero();
      CliRun build = CliRun.run("build", "--data", data, "--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z",
          "--content", content.toString(), "--quiet", "--threads", "2", "--format", format);
      assertThat(build.status()).as(build.err()).isZero();
      String snapshot = JSON.readTree(build.out()).get("snapshot").asText();
      Path directory = dir.resolve(format).resolve("snapshots").resolve(snapshot);
      JsonNode manifest = JSON.readTree(directory.resolve("manifest.json").toFile());
      String extension = format.equals("parquet") ? ".parquet" : ".jsonl.zst";
      assertThat(manifest.get("shards")).allSatisfy(s -> assertThat(s.get("file").asText()).endsWith(extension));
      assertThat(manifest.has("shard_format")).isEqualTo(format.equals("parquet"));
      CliRun train = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--seed", "11", "--threads", "2");
      assertThat(train.status()).as(train.err()).isZero();
      assertThat(JSON.readTree(train.out()).get("records").asLong()).isEqualTo(31);
      digests.add(JSON.readTree(train.out()).get("digest").asText());
    }
    // Training reads the same texts in the same order whatever the shard files are.
    assertThat(digests.get(1)).isEqualTo(digests.get(0));
  }

  @Test
  void badArgumentsAreRejectedBeforeAnythingIsBuilt(@TempDir Path dir) {
    String data = dir.resolve("data").toString();
    CliRun noOffset = CliRun.run("build", "--data", data, "--purpose", "p", "--as-of", "2024-02-01T00:00:00");
    assertThat(noOffset.status()).isEqualTo(2);
    assertThat(noOffset.err()).contains("--as-of", "no offset");
    CliRun avro = CliRun.run("build", "--data", data, "--purpose", "p", "--as-of", "2024-02-01T00:00:00Z", "--format", "avro");
    assertThat(avro.status()).isEqualTo(2);
    assertThat(avro.err()).contains("--format", "\"avro\" is not available", "available: jsonl, parquet");
    CliRun missing = CliRun.run("build", "--data", data, "--purpose", "p", "--as-of", "2024-02-01T00:00:00Z",
        "--content", dir.resolve("nope.jsonl").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");
    CliRun dropIf = CliRun.run("build", "--data", data, "--purpose", "p", "--as-of", "2024-02-01T00:00:00Z", "--drop-if", "SHOE_SIZE");
    assertThat(dropIf.status()).isEqualTo(2);
    assertThat(Files.exists(dir.resolve("data").resolve("snapshots"))).isFalse();
  }
}
