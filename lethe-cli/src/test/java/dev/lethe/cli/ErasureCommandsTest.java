package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.testkit.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger with an erasure, through the commands: import purges the member's rows, export shows
 * the marker instead of their words, decisions stay those of a replay of the original file, the
 * audit log verifies, builds leave purged content out, and compaction removes the old bytes.
 */
class ErasureCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-24T08:00:00Z"), ZoneOffset.UTC);

  private static final String NAME = ErasureStory.NAME;
  private static final String TEXT = ErasureStory.TEXT;
  private static final String REASON = "I am on sick leave this month";

  /** Every line has an "id", so importing the file again must add nothing. */
  private static final String LEDGER = String.join("\n", ErasureStory.BEFORE_ERASURE) + "\n" + String.join("\n",
      "{\"id\":\"e8\",\"type\":\"objection.filed\",\"at\":\"2024-02-01T00:00:00Z\",\"objection\":\"ob1\",\"member\":\"jane\","
          + "\"purpose\":\"genai-training\",\"reason\":\"" + REASON + "\"}",
      "{\"id\":\"e9\",\"type\":\"objection.decided\",\"at\":\"2024-02-10T00:00:00Z\",\"objection\":\"ob1\",\"outcome\":\"rejected\","
          + "\"justification\":\"no grounds given\"}",
      ErasureStory.erasure("e10"),
      "{\"type\":\"query\",\"at\":\"2024-01-04T00:00:00Z\",\"member\":\"jane\",\"purpose\":\"genai-training\"}",
      "{\"type\":\"query\",\"at\":\"2024-02-05T00:00:00Z\",\"member\":\"jane\",\"purpose\":\"genai-training\"}",
      "{\"type\":\"query\",\"at\":\"2024-02-29T23:59:59Z\",\"member\":\"jane\",\"purpose\":\"genai-training\"}",
      "{\"type\":\"query\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"jane\",\"purpose\":\"genai-training\"}",
      "{\"type\":\"query\",\"at\":\"2024-06-01T00:00:00Z\",\"member\":\"jane\",\"purpose\":\"genai-training\"}",
      "{\"type\":\"query\",\"at\":\"2024-06-01T00:00:00Z\",\"member\":\"omar\",\"purpose\":\"genai-training\"}",
      "");

  @TempDir Path dir;

  @Test
  void importedErasurePurgesExportKeepsDecisionsAndCompactionRemovesTheBytes() throws Exception {
    Path ledger = dir.resolve("ledger.jsonl");
    Files.writeString(ledger, LEDGER);
    String data = dir.resolve("data").toString();
    // First everything but the erasure (so her words reach the database file), then the erasure.
    Path before = dir.resolve("before.jsonl");
    Path erasure = dir.resolve("erasure.jsonl");
    Files.writeString(before, LEDGER.lines().filter(l -> !l.contains("erasure.requested")).reduce("", (a, b) -> a + b + "\n"));
    Files.writeString(erasure, LEDGER.lines().filter(l -> l.contains("erasure.requested")).findFirst().orElseThrow() + "\n");
    CliRun imported = CliRun.run("import", "--data", data, before.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    assertThat(imported.out()).startsWith("imported 9 events (0 already stored)");
    assertThat(CliRun.run("export", "--data", data).out()).contains(TEXT, NAME);
    CliRun erased = CliRun.run("import", "--data", data, erasure.toString());
    assertThat(erased.status()).as(erased.err()).isZero();
    assertThat(erased.out()).startsWith("imported 1 events (0 already stored); the ledger holds 10 events");

    // Export: the marker instead of her words, a keyed digest instead of her name (her suppression
    // entry); omar's are untouched.
    CliRun exported = CliRun.run("export", "--data", data);
    assertThat(exported.status()).as(exported.err()).isZero();
    assertThat(exported.out()).contains("\"name_digest\":\"sip24:").doesNotContain(NAME).doesNotContain("Quillfeather")
        .doesNotContain(TEXT).doesNotContain(REASON).doesNotContain("no grounds given");
    assertThat(exported.out()).contains("\"text\":\"[erased]\"", "\"reason\":\"[erased]\"", "Omar Stay", "omar likes trains");
    assertThat(exported.out().lines().count()).isEqualTo(10);

    // Decisions before and after the erasure are those of a replay of the original file.
    CliRun replay = CliRun.run("replay", ledger.toString());
    assertThat(replay.status()).as(replay.err()).isZero();
    List<String> answers = replay.out().lines().toList();
    assertThat(answers).hasSize(6);
    for (String line : answers) {
      JsonNode want = JSON.readTree(line);
      CliRun decided = CliRun.run("decide", "--data", data, "--member", want.get("member").textValue(),
          "--purpose", "genai-training", "--at", want.get("at").textValue());
      assertThat(JSON.readTree(decided.out())).as(line).isEqualTo(want);
    }
    assertThat(answers.get(0)).contains("\"allowed\":true");
    assertThat(answers.get(3)).contains("erasure-requested");

    // The export is a valid ledger. Another deployment refuses it: her name digest only matches
    // under this deployment's key. The same deployment on a new data directory (its key file
    // copied) imports it and gets the same stored events.
    Path exportFile = dir.resolve("exported.jsonl");
    Files.writeString(exportFile, exported.out());
    assertThat(CliRun.run("replay", exportFile.toString()).status()).isZero();
    String elsewhere = dir.resolve("elsewhere").toString();
    CliRun refused = CliRun.run("import", "--data", elsewhere, exportFile.toString());
    assertThat(refused.status()).isNotZero();
    assertThat(refused.err()).contains("line 2", "name_digest", "another deployment");
    assertThat(CliRun.run("export", "--data", elsewhere).out()).isEmpty();
    String copy = dir.resolve("copy").toString();
    Files.createDirectories(Path.of(copy));
    Files.copy(dir.resolve("data").resolve("deployment.key"), Path.of(copy, "deployment.key"));
    CliRun copied = CliRun.run("import", "--data", copy, exportFile.toString());
    assertThat(copied.status()).as(copied.err()).isZero();
    assertThat(CliRun.run("export", "--data", copy).out()).isEqualTo(exported.out());

    // Importing the original file again is a retry of every event: nothing is added.
    CliRun again = CliRun.run("import", "--data", data, ledger.toString());
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).startsWith("imported 0 events (10 already stored)");
    // So is importing the purged export into the store it came from.
    assertThat(CliRun.run("import", "--data", data, exportFile.toString()).out()).startsWith("imported 0 events (10 already stored)");

    // A snapshot as of a day when jane was still allowed leaves her purged post out.
    CliRun build = CliRun.runAt(NOW, "build", "--data", data, "--purpose", "genai-training", "--as-of", "2024-01-10T00:00:00Z",
        "--quiet", "--threads", "1");
    assertThat(build.status()).as(build.err()).isZero();
    JsonNode summary = JSON.readTree(build.out());
    assertThat(summary.get("included").asLong()).isEqualTo(1);
    assertThat(summary.get("excluded").get("erased").asLong()).isEqualTo(1);
    Path snapshot = dir.resolve("data").resolve("snapshots").resolve(summary.get("snapshot").asText());
    String shards = ShardText.of(snapshot);
    assertThat(shards).contains("omar likes trains").doesNotContain("[erased]").doesNotContain("j1");
    // Her name in omar's post is still redacted: the member directory holds its digest.
    assertThat(shards.toLowerCase(java.util.Locale.ROOT)).doesNotContain("quillfeather");

    // The audit log verifies after the purge.
    CliRun checkpoint = CliRun.run("audit", "checkpoint", "--data", data);
    assertThat(checkpoint.status()).as(checkpoint.err()).isZero();
    assertThat(CliRun.run("audit", "verify", "--data", data).out()).startsWith("ok: ");
    Path bundle = dir.resolve("bundle");
    assertThat(CliRun.run("audit", "export", "--data", data, "--out", bundle.toString()).status()).isZero();
    assertThat(Files.readString(bundle.resolve("leaves.jsonl"))).doesNotContain(TEXT).doesNotContain(NAME).doesNotContain("jane");
    AuditInteropTest.Verification independent = AuditInteropTest.verify(bundle);
    assertThat(independent.status()).as(independent.output()).isZero();
    assertThat(independent.output()).contains("VERIFIED");

    // Compaction: the purged words were still in the database file; afterwards they are not.
    Path dataDir = dir.resolve("data");
    assertThat(filesHolding(dataDir, TEXT)).isNotEmpty();
    CliRun compact = CliRun.run("store", "compact", "--data", data);
    assertThat(compact.status()).as(compact.err()).isZero();
    assertThat(compact.out()).startsWith("compacted H2 ").contains("ledger.mv.db", " bytes");
    assertThat(filesHolding(dataDir, TEXT)).isEmpty();
    assertThat(filesHolding(dataDir, NAME)).isEmpty();
    assertThat(filesHolding(dataDir, REASON)).isEmpty();
    assertThat(CliRun.run("export", "--data", data).out()).isEqualTo(exported.out());
    assertThat(CliRun.run("audit", "verify", "--data", data).out()).startsWith("ok: ");

    CliRun nothing = CliRun.run("store", "compact", "--data", dir.resolve("nothing").toString());
    assertThat(nothing.status()).isEqualTo(2);
    assertThat(nothing.err()).contains("holds no store (no ledger.mv.db)", "'lethe import' creates a store");
  }

  /** Files under {@code root} whose bytes hold the text in UTF-8. */
  private static List<Path> filesHolding(Path root, String text) throws IOException {
    return Trees.filesHolding(root, List.of(text.getBytes(StandardCharsets.UTF_8)));
  }
}
