package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    CliRun models = CliRun.run("models", "--data", data);
    assertThat(models.status()).isZero();
    assertThat(models.out()).isEmpty();
  }
}
