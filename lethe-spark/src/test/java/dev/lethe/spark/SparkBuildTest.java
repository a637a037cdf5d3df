package dev.lethe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.Detector;
import dev.lethe.redact.RedactionPolicy;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code SparkBuild build} as spark-submit runs it, against {@code lethe build}'s engine. */
class SparkBuildTest {

  private static final String KEY_HEX = "00112233445566778899aabbccddeeff0123456789abcdef";

  @TempDir Path temp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new SparkBuild()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void anAsOfInTheFutureAndAPurposeThePolicyDoesNotDefineAreRefusedAndNothingIsBuilt() throws Exception {
    SyntheticInput input = SyntheticInput.write(temp.resolve("in"), 5L, 20, 1, 10);
    Path keyFile = temp.resolve("key.hex");
    Files.writeString(keyFile, KEY_HEX + "\n");
    Path out = temp.resolve("spark-out");
    java.util.function.BiFunction<String, String, Run> build = (purpose, asOf) -> run("build", "--master", "local[1]",
        "--ledger", input.ledger.toString(), "--purpose", purpose, "--as-of", asOf, "--out", out.toString(),
        "--key-file", keyFile.toString(), "--content", input.content.get(0).toString());
    Run future = build.apply("genai-training", "2999-01-01T00:00:00Z");
    assertThat(future.code()).isEqualTo(2);
    assertThat(future.err()).contains("--as-of: 2999-01-01T00:00:00Z is in the future");
    Run nope = build.apply("nope", "2024-06-01T00:00:00Z");
    assertThat(nope.code()).isEqualTo(2);
    assertThat(nope.err()).contains("--purpose: \"nope\" is not defined by policy");
    assertThat(out).doesNotExist();
  }

  @Test
  void aSnapshotForgettingRetiredIsReportedAsSuchWithLetheBuildsExitStatus() throws Exception {
    SyntheticInput input = SyntheticInput.write(temp.resolve("in"), 7L, 20, 1, 10);
    Path keyFile = temp.resolve("key.hex");
    Files.writeString(keyFile, KEY_HEX + "\n");
    Path out = temp.resolve("spark-out");
    String[] args = {"build", "--master", "local[1]", "--ledger", input.ledger.toString(), "--purpose", "genai-training",
        "--as-of", "2024-06-01T00:00:00Z", "--out", out.toString(), "--key-file", keyFile.toString(),
        "--content", input.content.get(0).toString()};
    Run first = run(args);
    assertThat(first.code()).as(first.err()).isZero();
    Path snapshot = out.resolve(new ObjectMapper().readTree(first.out()).get("snapshot").asText());
    // What forgetting leaves of a snapshot it retired: the shard and member files deleted, a tombstone.
    for (JsonNode shard : new ObjectMapper().readTree(snapshot.resolve("manifest.json").toFile()).get("shards")) {
      Files.delete(snapshot.resolve(shard.get("file").asText()));
      Files.delete(snapshot.resolve(shard.get("members_file").asText()));
    }
    Files.writeString(snapshot.resolve("FORGOTTEN.json"), "[]");
    Run again = run(args);
    assertThat(again.code()).as(again.err()).isEqualTo(SparkBuild.RETIRED_BY_FORGETTING);
    assertThat(again.err()).contains("was retired by forgetting").doesNotContain("damaged");
  }

  @Test
  void theCommandPublishesTheSnapshotLetheBuildPublishesWithTheStandardDetector() throws Exception {
    SyntheticInput input = SyntheticInput.write(temp.resolve("in"), 99L, 80, 2, 300);
    Path keyFile = temp.resolve("key.hex");
    Files.writeString(keyFile, KEY_HEX + "\n");
    Path out = temp.resolve("spark-out");
    List<String> args = new ArrayList<>(List.of("build", "--master", "local[2]", "--ledger", input.ledger.toString(),
        "--purpose", "genai-training", "--as-of", "2024-06-01T00:00:00Z", "--out", out.toString(),
        "--shards", "2", "--key-file", keyFile.toString(), "--drop-if", "CREDIT_CARD", "--content"));
    input.content.forEach(p -> args.add(p.toString()));
    Run run = run(args.toArray(String[]::new));
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode summary = new ObjectMapper().readTree(run.out());

    ConsentLedger ledger;
    try (InputStream in = Files.newInputStream(input.ledger)) {
      ledger = LedgerReader.load(in).ledger();
    }
    String ledgerSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(input.ledger)));
    SnapshotRequest request = SnapshotRequest.builder("genai-training", SyntheticInput.AS_OF).content(input.content)
        .outDir(temp.resolve("embedded-out")).shardsPerGroup(2)
        .redaction(RedactionPolicy.pseudonymousPeople().dropRecordIf(dev.lethe.redact.EntityType.CREDIT_CARD))
        .deploymentKey(HexFormat.of().parseHex(KEY_HEX)).threads(2).ledger("ledger", ledgerSha).build();
    SnapshotResult expected = SnapshotEngine.embedded(Detector.standard()).build(ledger, request, ProgressListener.NONE);

    assertThat(summary.get("snapshot").asText()).isEqualTo(expected.metadata().snapshot());
    assertThat(summary.get("manifest_sha256").asText()).isEqualTo(expected.manifestSha256());
    Snapshots.assertSame(out.resolve(expected.metadata().snapshot()), expected.directory());
    assertThat(expected.metadata().excluded()).containsKey("redaction-dropped");
    // The run is in the lineage log: START then COMPLETE.
    List<String> events = Files.readAllLines(out.resolve("openlineage.jsonl"));
    assertThat(events).hasSize(2);
    assertThat(events.get(1)).contains("COMPLETE", expected.metadata().snapshot());
  }

  @Test
  void badArgumentsFailBeforeSparkStarts() throws Exception {
    Path keyFile = temp.resolve("short.hex");
    Files.writeString(keyFile, "abcd\n");
    Run shortKey = run("build", "--ledger", "x", "--purpose", "p", "--as-of", "2024-01-01T00:00:00Z",
        "--out", temp.toString(), "--key-file", keyFile.toString());
    assertThat(shortKey.code()).isEqualTo(SparkBuild.BAD_INPUT);
    assertThat(shortKey.err()).contains("at least 16 bytes");

    Files.writeString(keyFile, "not hex at all\n");
    Run notHex = run("build", "--ledger", "x", "--purpose", "p", "--as-of", "2024-01-01T00:00:00Z",
        "--out", temp.toString(), "--key-file", keyFile.toString());
    assertThat(notHex.code()).isEqualTo(SparkBuild.BAD_INPUT);
    assertThat(notHex.err()).contains("hex key");

    Files.writeString(keyFile, KEY_HEX);
    Run badDate = run("build", "--ledger", "x", "--purpose", "p", "--as-of", "yesterday",
        "--out", temp.toString(), "--key-file", keyFile.toString());
    assertThat(badDate.code()).isEqualTo(SparkBuild.BAD_INPUT);
    assertThat(badDate.err()).contains("--as-of");

    Run badDetector = run("build", "--ledger", "x", "--purpose", "p", "--as-of", "2024-01-01T00:00:00Z",
        "--out", temp.toString(), "--key-file", keyFile.toString(), "--detector", "magic");
    assertThat(badDetector.code()).isEqualTo(SparkBuild.BAD_INPUT);
    assertThat(badDetector.err()).contains("unknown detector");

    Run badFormat = run("build", "--ledger", "x", "--purpose", "p", "--as-of", "2024-01-01T00:00:00Z",
        "--out", temp.toString(), "--key-file", keyFile.toString(), "--format", "avro");
    assertThat(badFormat.code()).isEqualTo(SparkBuild.BAD_INPUT);
    assertThat(badFormat.err()).contains("--format: shard format \"avro\" is not available", "parquet");
  }
}
