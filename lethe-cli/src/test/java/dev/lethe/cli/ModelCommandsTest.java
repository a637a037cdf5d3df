package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lethe train}, {@code models}, {@code generate} and {@code perplexity} on a snapshot built by {@code lethe build}. */
class ModelCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String LEDGER = String.join("\n",
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"a\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"b\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"a\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"b\",\"policy_version\":\"v1\"}",
      "");

  private static String content() {
    List<String> lines = new ArrayList<>();
    String[] texts = {"the cat sat on the mat.", "the dog sat on the log.", "a cat saw the dog.", "the dog ran away!"};
    for (int i = 0; i < 40; i++) {
      lines.add("{\"content\":\"p" + i + "\",\"member\":\"" + (i % 2 == 0 ? "a" : "b")
          + "\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"" + texts[i % 4] + "\"}");
    }
    return String.join("\n", lines) + "\n";
  }

  /** Imports {@link #LEDGER} into {@code data}, builds a snapshot of {@link #content()} with {@code options} and returns its id. */
  private static String importAndBuild(Path dir, String data, String... options) throws Exception {
    Path ledger = dir.resolve("ledger.jsonl");
    Path content = dir.resolve("content.jsonl");
    Files.writeString(ledger, LEDGER);
    Files.writeString(content, content());
    assertThat(CliRun.run("import", "--data", data, ledger.toString()).status()).isZero();
    List<String> args = new ArrayList<>(List.of("build", "--data", data, "--purpose", "genai-training",
        "--as-of", "2024-02-01T00:00:00Z", "--content", content.toString(), "--quiet", "--threads", "2"));
    args.addAll(List.of(options));
    CliRun build = CliRun.run(args.toArray(String[]::new));
    assertThat(build.status()).as(build.err()).isZero();
    return JSON.readTree(build.out()).get("snapshot").asText();
  }

  @Test
  void trainListGenerateAndScore(@TempDir Path dir) throws Exception {
    String data = dir.resolve("data").toString();
    String snapshot = importAndBuild(dir, data, "--shards", "2");

    CliRun train = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--seed", "11", "--threads", "2");
    assertThat(train.status()).as(train.err()).isZero();
    JsonNode model = JSON.readTree(train.out());
    String id = model.get("model").asText();
    assertThat(model.get("snapshot").asText()).isEqualTo(snapshot);
    assertThat(model.get("trainer").asText()).isEqualTo("kneser-ney");
    assertThat(model.get("settings").get("order").asText()).isEqualTo("3");
    assertThat(model.get("records").asLong()).isEqualTo(40);
    assertThat(model.get("origin").asText()).isEqualTo("scratch");
    assertThat(model.get("already_published").asBoolean()).isFalse();
    assertThat(dir.resolve("data/models").resolve(id).resolve("model.json")).isRegularFile();
    CliRun again = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--seed", "11");
    assertThat(JSON.readTree(again.out()).get("model").asText()).isEqualTo(id);
    assertThat(JSON.readTree(again.out()).get("already_published").asBoolean()).isTrue();

    CliRun list = CliRun.run("models", "--data", data);
    assertThat(list.out().lines().toList()).hasSize(1);
    assertThat(JSON.readTree(list.out()).get("digest").asText()).isEqualTo(model.get("digest").asText());
    assertThat(JSON.readTree(list.out()).get("status").asText()).isEqualTo("in-use");
    assertThat(JSON.readTree(list.out()).get("retired").isNull()).isTrue();

    CliRun generate = CliRun.run("generate", "--data", data, "--model", id, "--prompt", "The dog", "--max-tokens", "12");
    assertThat(generate.status()).as(generate.err()).isZero();
    JsonNode g = JSON.readTree(generate.out());
    assertThat(g.get("seed").asLong()).isEqualTo(11); // the model's seed by default
    assertThat(g.get("tokens").size()).isBetween(1, 12);
    assertThat(CliRun.run("generate", "--data", data, "--model", id, "--prompt", "The dog", "--max-tokens", "12").out())
        .isEqualTo(generate.out());

    Path heldOut = dir.resolve("held-out.txt");
    Files.writeString(heldOut, "the cat sat on the log.\n\n{\"text\":\"the dog saw a cat.\"}\n");
    CliRun ppl = CliRun.run("perplexity", "--data", data, "--model", id, heldOut.toString());
    assertThat(ppl.status()).as(ppl.err()).isZero();
    JsonNode score = JSON.readTree(ppl.out());
    assertThat(score.get("texts").asLong()).isEqualTo(2);
    assertThat(score.get("tokens").asLong()).isEqualTo(15); // 7 + 6 tokens, and two end-of-sentence
    assertThat(score.get("perplexity").asDouble()).isGreaterThan(1).isLessThan(10);
    Path gibberish = dir.resolve("gibberish.txt");
    Files.writeString(gibberish, "zebra quantum xylophone ferment.\n");
    double worse = JSON.readTree(CliRun.run("perplexity", "--data", data, "--model", id, gibberish.toString()).out()).get("perplexity").asDouble();
    assertThat(worse).isGreaterThan(score.get("perplexity").asDouble() * 3);
  }

  @Test
  void perplexityRefusesInputItCannotScore(@TempDir Path dir) throws Exception {
    String data = dir.resolve("data").toString();
    String snapshot = importAndBuild(dir, data);
    CliRun train = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--threads", "1");
    assertThat(train.status()).as(train.err()).isZero();
    String id = JSON.readTree(train.out()).get("model").asText();
    byte[] badUtf8 = {'o', 'k', '\n', (byte) 0xc3, 0x28, ' ', 'b', 'a', 'd', '\n'};

    Path file = Files.write(dir.resolve("bad.txt"), badUtf8);
    CliRun fromFile = CliRun.run("perplexity", "--data", data, "--model", id, file.toString());
    assertThat(fromFile.status()).isEqualTo(2);
    assertThat(fromFile.err()).isEqualTo(file + ":2: not valid UTF-8\n");
    assertThat(fromFile.out()).isEmpty();
    CliRun fromStdin = CliRun.runWithStdinBytes(badUtf8, "perplexity", "--data", data, "--model", id, "-");
    assertThat(fromStdin.status()).isEqualTo(2);
    assertThat(fromStdin.err()).isEqualTo("-:2: not valid UTF-8\n");
    assertThat(fromStdin.out()).isEmpty();

    CliRun directory = CliRun.run("perplexity", "--data", data, "--model", id, dir.toString());
    assertThat(directory.status()).isEqualTo(2);
    assertThat(directory.err()).isEqualTo("FILE: " + dir + " is a directory\n");

    // Nothing to score has no perplexity (not 1.0, which would read as a perfect score).
    Path empty = Files.writeString(dir.resolve("empty.txt"), "\n  \n");
    CliRun nothing = CliRun.run("perplexity", "--data", data, "--model", id, empty.toString());
    assertThat(nothing.status()).isEqualTo(2);
    assertThat(nothing.err()).isEqualTo(empty + ": no text to score (no lines with text)\n");
    assertThat(nothing.out()).isEmpty();
    CliRun emptyStdin = CliRun.runWithStdin("", "perplexity", "--data", data, "--model", id, "-");
    assertThat(emptyStdin.status()).isEqualTo(2);
    assertThat(emptyStdin.err()).isEqualTo("-: no text to score (no lines with text)\n");
  }

  @Test
  void trainRefusesAnEmptySnapshotNamesADamagedShardAndRemovesAKilledTrainingsDraft(@TempDir Path dir) throws Exception {
    String data = dir.resolve("data").toString();
    // Every post is dated after --as-of: the snapshot is published with no records.
    CliRun emptyBuild = CliRun.run("import", "--data", data, Files.writeString(dir.resolve("ledger.jsonl"), LEDGER).toString());
    assertThat(emptyBuild.status()).as(emptyBuild.err()).isZero();
    Path content = Files.writeString(dir.resolve("content.jsonl"), content());
    CliRun build = CliRun.run("build", "--data", data, "--purpose", "genai-training", "--as-of", "2024-01-04T00:00:00Z",
        "--content", content.toString(), "--quiet", "--threads", "1");
    assertThat(build.status()).as(build.err()).isZero();
    JsonNode emptySnapshot = JSON.readTree(build.out());
    assertThat(emptySnapshot.get("included").asLong()).isZero();
    String empty = emptySnapshot.get("snapshot").asText();
    CliRun refused = CliRun.run("train", "--data", data, "--snapshot", empty);
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo("--snapshot: snapshot " + empty + " has no records to train on\n");
    assertThat(dir.resolve("data/models")).doesNotExist();

    // What 'kill -9' during a training leaves in models/: its draft, and the lock it no longer holds.
    Path models = Files.createDirectories(dir.resolve("data/models"));
    Path killed = Files.createDirectory(models.resolve(".draft-0b3c2f4e-8d2a-4c47-9a51-3f0e5a6b7c8d"));
    Files.writeString(killed.resolve("shard-00000.artefact.zst"), "partial");
    Files.createFile(models.resolve(".draft-0b3c2f4e-8d2a-4c47-9a51-3f0e5a6b7c8d.lock"));

    CliRun full = CliRun.run("build", "--data", data, "--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z",
        "--content", content.toString(), "--quiet", "--threads", "1", "--shards", "2");
    assertThat(full.status()).as(full.err()).isZero();
    String snapshot = JSON.readTree(full.out()).get("snapshot").asText();
    Path shardDir = dir.resolve("data/snapshots").resolve(snapshot);
    Path shard;
    try (var files = Files.list(shardDir)) {
      shard = files.filter(f -> f.getFileName().toString().matches("shard-\\d+\\.jsonl\\.zst")).sorted().findFirst().orElseThrow();
    }
    byte[] original = Files.readAllBytes(shard);
    Files.writeString(shard, "corrupt\n"); // not a zstd frame at all
    CliRun damaged = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--threads", "1");
    assertThat(damaged.status()).isEqualTo(1);
    assertThat(damaged.err()).startsWith("lethe: " + shard.getFileName() + " of snapshot " + snapshot + " has SHA-256 ")
        .contains("the manifest says");
    assertThat(listing(models)).isEmpty(); // the killed training's draft is gone, and the failed one's

    Files.write(shard, original);
    CliRun trained = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--threads", "1");
    assertThat(trained.status()).as(trained.err()).isZero();
    assertThat(listing(models)).containsExactly(JSON.readTree(trained.out()).get("model").asText());
  }

  private static List<String> listing(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void forgettingAMemberOfAParquetSnapshotRebuildsItAsParquetAndVerifies(@TempDir Path dir) throws Exception {
    String data = dir.resolve("data").toString();
    String snapshot = importAndBuild(dir, data, "--shards", "4", "--format", "parquet");
    CliRun train = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--seed", "5", "--threads", "2");
    assertThat(train.status()).as(train.err()).isZero();

    assertThat(CliRun.run("forget", "--data", data, "--member", "a").status()).isZero();
    CliRun run = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(JSON.readTree(run.out()).get("completed").asInt()).isEqualTo(1);

    JsonNode request = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "a").out());
    assertThat(request.get("status").asText()).isEqualTo("completed");
    assertThat(request.get("verified").asBoolean()).isTrue();
    JsonNode replacement = request.get("replacements").get(0);
    assertThat(replacement.get("digests_equal").asBoolean()).isTrue();
    assertThat(replacement.get("content_absent").asBoolean()).isTrue();
    // The rebuild keeps the original's shard format, and only b's 20 posts remain.
    Path rebuilt = dir.resolve("data/snapshots").resolve(request.get("new_snapshot").asText());
    JsonNode manifest = JSON.readTree(rebuilt.resolve("manifest.json").toFile());
    assertThat(manifest.get("shard_format").asText()).isEqualTo("parquet");
    assertThat(manifest.get("included").asLong()).isEqualTo(20);
    assertThat(manifest.get("shards")).allSatisfy(s -> assertThat(s.get("file").asText()).endsWith(".parquet"));
    CliRun verify = CliRun.run("verify-forgetting", "--data", data, "--request", request.get("id").asText());
    assertThat(verify.status()).as(verify.err()).isZero();
  }

  @Test
  void whatForgettingReplacedIsListedAsReplacedAndRefusedNamingWhatIsInUse(@TempDir Path dir) throws Exception {
    String data = dir.resolve("data").toString();
    String old = importAndBuild(dir, data, "--shards", "2");
    String oldModel = JSON.readTree(CliRun.run("train", "--data", data, "--snapshot", old, "--threads", "2").out()).get("model").asText();
    assertThat(JSON.readTree(CliRun.run("snapshots", "--data", data).out()).get("status").asText()).isEqualTo("in-use");
    JsonNode request = forgetMemberA(data);
    String rebuilt = request.get("new_snapshot").asText();
    String newModel = request.get("replacements").get(0).get("new_model").asText();

    CliRun snapshots = CliRun.run("snapshots", "--data", data);
    assertThat(snapshots.status()).as(snapshots.err()).isZero();
    List<JsonNode> listed = new ArrayList<>();
    for (String line : snapshots.out().lines().toList()) {
      listed.add(JSON.readTree(line));
    }
    assertThat(listed).hasSize(2);
    JsonNode replaced = listed.stream().filter(n -> n.get("snapshot").asText().equals(old)).findFirst().orElseThrow();
    JsonNode current = listed.stream().filter(n -> n.get("snapshot").asText().equals(rebuilt)).findFirst().orElseThrow();
    assertThat(replaced.get("status").asText()).isEqualTo("replaced");
    assertThat(replaced.get("shards").asInt()).isZero();
    JsonNode how = replaced.get("replaced");
    assertThat(how.get("by")).containsExactly(JSON.valueToTree(rebuilt));
    assertThat(how.get("files_deleted").asBoolean()).isTrue();
    assertThat(how.get("at").asText()).isEqualTo("2030-01-02T03:04:05Z").isEqualTo(request.get("completed").asText());
    assertThat(how.get("forget_requests")).containsExactly(request.get("id"));
    assertThat(how.get("forget_request_count").asInt()).isEqualTo(1);
    assertThat(current.get("status").asText()).isEqualTo("in-use");
    assertThat(current.get("replaced").isNull()).isTrue();

    CliRun models = CliRun.run("models", "--data", data);
    assertThat(models.status()).as(models.err()).isZero();
    JsonNode retired = null;
    JsonNode inUse = null;
    for (String line : models.out().lines().toList()) {
      JsonNode m = JSON.readTree(line);
      if (m.get("model").asText().equals(oldModel)) {
        retired = m;
      } else if (m.get("model").asText().equals(newModel)) {
        inUse = m;
      }
    }
    assertThat(retired.get("status").asText()).isEqualTo("retired");
    assertThat(retired.get("retired").get("snapshot").asText()).isEqualTo(old);
    assertThat(retired.get("retired").get("by")).containsExactly(JSON.valueToTree(newModel));
    assertThat(retired.get("retired").get("artefacts_deleted").asBoolean()).isTrue();
    assertThat(retired.get("retired").get("forget_requests")).containsExactly(request.get("id"));
    assertThat(inUse.get("status").asText()).isEqualTo("in-use");

    // Using what forgetting replaced is a mistake of the caller, told what replaced it: never a missing-file error.
    CliRun train = CliRun.run("train", "--data", data, "--snapshot", old);
    assertThat(train.status()).isEqualTo(2);
    assertThat(train.err()).contains("snapshot " + old + " was replaced by forgetting", "by snapshot " + rebuilt,
        "forget request " + request.get("id").asText(), "shard files were deleted", "in use now is " + rebuilt)
        .doesNotContain("NoSuchFile", "no such file");
    CliRun generate = CliRun.run("generate", "--data", data, "--model", oldModel, "--prompt", "The dog");
    assertThat(generate.status()).isEqualTo(2);
    assertThat(generate.err()).contains("model " + oldModel + " was retired by forgetting", "model " + newModel + " replaces it",
        "in use now is " + newModel);
    Path text = dir.resolve("t.txt");
    Files.writeString(text, "the cat sat on the mat.\n");
    CliRun ppl = CliRun.run("perplexity", "--data", data, "--model", oldModel, text.toString());
    assertThat(ppl.status()).isEqualTo(2);
    assertThat(ppl.err()).contains("was retired by forgetting", "in use now is " + newModel);
    assertThat(CliRun.run("generate", "--data", data, "--model", newModel, "--prompt", "The dog").status()).isZero();
  }

  @Test
  void aRebuildWhoseOriginalHasNoTombstoneIsUnverifiedAndTheOriginalStaysInUse(@TempDir Path dir) throws Exception {
    String data = dir.resolve("data").toString();
    String old = importAndBuild(dir, data, "--shards", "2");
    assertThat(CliRun.run("train", "--data", data, "--snapshot", old, "--threads", "2").status()).isZero();
    Path original = dir.resolve("data").resolve("snapshots").resolve(old);
    Path kept = dir.resolve("kept");
    copyTree(original, kept);
    JsonNode request = forgetMemberA(data);
    String rebuilt = request.get("new_snapshot").asText();
    String newModel = request.get("replacements").get(0).get("new_model").asText();
    // As a forget run leaves it when the rebuild's checks fail (or before it retires the original):
    // the rebuild and its model published, the original with all its files and no tombstone.
    Path retired = dir.resolve("retired");
    Files.move(original, retired);
    copyTree(kept, original);

    CliRun models = CliRun.run("models", "--data", data);
    assertThat(models.status()).as(models.err()).isZero();
    JsonNode unverified = models.out().lines().map(ModelCommandsTest::json)
        .filter(m -> m.get("model").asText().equals(newModel)).findFirst().orElseThrow();
    assertThat(unverified.get("status").asText()).isEqualTo("unverified-rebuild");
    assertThat(unverified.get("unverified").get("rebuild_of").asText()).isEqualTo(old);
    CliRun snapshots = CliRun.run("snapshots", "--data", data);
    assertThat(snapshots.status()).as(snapshots.err()).isZero();
    Map<String, String> statusOf = snapshots.out().lines().map(ModelCommandsTest::json)
        .collect(java.util.stream.Collectors.toMap(n -> n.get("snapshot").asText(), n -> n.get("status").asText()));
    assertThat(statusOf).containsEntry(old, "in-use").containsEntry(rebuilt, "unverified-rebuild");
    CliRun generate = CliRun.run("generate", "--data", data, "--model", newModel, "--prompt", "The dog");
    assertThat(generate.status()).isEqualTo(2);
    assertThat(generate.err()).contains("unverified rebuild of snapshot " + old, "not in use").doesNotContain("in use now");
    CliRun onRebuild = CliRun.run("train", "--data", data, "--snapshot", rebuilt);
    assertThat(onRebuild.status()).isEqualTo(2);
    assertThat(onRebuild.err()).contains("unverified rebuild of snapshot " + old, "snapshot " + old + " is still the snapshot in use");
    CliRun onOriginal = CliRun.run("train", "--data", data, "--snapshot", old, "--threads", "2", "--seed", "7");
    assertThat(onOriginal.status()).as(onOriginal.err()).isZero();

    // The tombstone written at last: the original is replaced, and the rebuild is the one in use.
    Files.copy(retired.resolve("FORGOTTEN.json"), original.resolve("FORGOTTEN.json"));
    CliRun refused = CliRun.run("train", "--data", data, "--snapshot", old);
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err()).contains("snapshot " + old + " was replaced by forgetting", "in use now is " + rebuilt);
    assertThat(CliRun.run("train", "--data", data, "--snapshot", rebuilt, "--threads", "2", "--seed", "7").status()).isZero();
  }

  @Test
  void aFailedRebuildFollowedByOneTheTombstoneNamesIsListedAsUnverifiedAndReplacesNothing(@TempDir Path dir) throws Exception {
    String data = dir.resolve("data").toString();
    String old = importAndBuild(dir, data, "--shards", "2");
    JsonNode request = forgetMemberA(data);
    String rebuilt = request.get("new_snapshot").asText();
    Path snapshots = dir.resolve("data").resolve("snapshots");
    // As two forget runs leave it when the first one's rebuild failed its checks and the second's held:
    // both rebuilds name the original, and its tombstone names the second.
    String failed = "f".repeat(32);
    copyTree(snapshots.resolve(rebuilt), snapshots.resolve(failed));
    com.fasterxml.jackson.databind.node.ObjectNode manifest =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(snapshots.resolve(failed).resolve("manifest.json").toFile());
    JSON.writeValue(snapshots.resolve(failed).resolve("manifest.json").toFile(), manifest.put("snapshot", failed));
    Path tombstone = snapshots.resolve(old).resolve("FORGOTTEN.json");
    JsonNode history = JSON.readTree(tombstone.toFile());
    history.forEach(entry -> ((com.fasterxml.jackson.databind.node.ObjectNode) entry).put("rebuild", rebuilt));
    JSON.writeValue(tombstone.toFile(), history);

    CliRun listing = CliRun.run("snapshots", "--data", data);
    assertThat(listing.status()).as(listing.err()).isZero();
    Map<String, JsonNode> listed = listing.out().lines().map(ModelCommandsTest::json)
        .collect(java.util.stream.Collectors.toMap(n -> n.get("snapshot").asText(), n -> n));
    assertThat(listed).containsOnlyKeys(old, rebuilt, failed);
    assertThat(listed.get(old).get("status").asText()).isEqualTo("replaced");
    assertThat(listed.get(old).get("replaced").get("by")).containsExactly(JSON.valueToTree(rebuilt));
    assertThat(listed.get(rebuilt).get("status").asText()).isEqualTo("in-use");
    assertThat(listed.get(failed).get("status").asText()).isEqualTo("unverified-rebuild");
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  @Test
  void badArgumentsExitWithStatusTwo(@TempDir Path dir) throws Exception {
    String data = dir.resolve("data").toString();
    assertThat(CliRun.run("train", "--data", data, "--snapshot", "nope").status()).isEqualTo(2);
    assertThat(CliRun.run("train", "--data", data, "--snapshot", "nope", "--order", "2").err()).contains("--order");
    // An id that could name something outside a snapshot root is refused as such, as --retire refuses it.
    for (String id : List.of(".hidden", "a/b", "a\\b", "")) {
      CliRun bad = CliRun.run("train", "--data", data, "--snapshot", id);
      assertThat(bad.status()).as(id).isEqualTo(2);
      assertThat(bad.err()).as(id).contains("not a snapshot id");
    }
    assertThat(CliRun.run("generate", "--data", data, "--model", "0".repeat(32), "--prompt", "x").status()).isEqualTo(2);
    Path file = dir.resolve("f.txt");
    Files.writeString(file, "x\n");
    assertThat(CliRun.run("perplexity", "--data", data, "--model", "abc", file.toString()).status()).isEqualTo(2);
    assertThat(CliRun.run("perplexity", "--data", data, "--model", "abc", dir.resolve("missing").toString()).status()).isEqualTo(2);
    // A data directory without a store is a mistake, not a store without models.
    CliRun models = CliRun.run("models", "--data", data);
    assertThat(models.status()).isEqualTo(2);
    assertThat(models.err()).contains("holds no store");
    assertThat(models.out()).isEmpty();
  }

  /**
   * Member "a" forgotten by hand and the forget run done, at 2030-01-02T03:04:05Z; the request as
   * {@code forget-status} prints it.
   */
  private static JsonNode forgetMemberA(String data) throws Exception {
    Clock later = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);
    assertThat(CliRun.runAt(later, "forget", "--data", data, "--member", "a").status()).isZero();
    assertThat(CliRun.runAt(later, "forget-run", "--data", data, "--threads", "2").status()).isZero();
    return JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "a").out());
  }
}
