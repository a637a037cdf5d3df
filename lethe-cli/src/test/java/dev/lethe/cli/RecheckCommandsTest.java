package dev.lethe.cli;

import static dev.lethe.testkit.Trees.copy;
import static dev.lethe.testkit.Trees.restoreMissing;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lethe verify-forgetting --all}: completed requests are checked again from the files as
 * they are now, so a member's data that came back after forgetting completed (a retired
 * snapshot's files restored from a backup, a model directory copied back) is found, named,
 * recorded in the audit log and, with {@code --reopen}, forgotten again by the next run.
 */
class RecheckCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String LEDGER = String.join("\n",
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"u1\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"u2\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"u3\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"u1\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"u2\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"u3\",\"policy_version\":\"v1\"}",
      "");

  @TempDir Path dir;

  private static String content() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 18; i++) {
      String member = "u" + (1 + i % 3);
      b.append("{\"content\":\"p").append(i).append("\",\"member\":\"").append(member)
          .append("\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"")
          .append(member).append(" says the cat number ").append(i % 5).append(" sat on the mat.\"}\n");
    }
    return b.toString();
  }

  /** Writes the ledger and the export {@code c.jsonl} in the test's directory, imports the ledger; returns the data directory. */
  private String imported() throws IOException {
    String data = dir.resolve("data").toString();
    Files.writeString(dir.resolve("ledger.jsonl"), LEDGER);
    Files.writeString(dir.resolve("c.jsonl"), content());
    assertThat(CliRun.run("import", "--data", data, dir.resolve("ledger.jsonl").toString()).status()).isZero();
    return data;
  }

  @Test
  void dataThatCameBackAfterForgettingFailsTheRecheckIsReopenedAndForgottenAgain() throws Exception {
    String data = imported();
    Path out = dir.resolve("out");
    CliRun build = SnapshotRootsTest.built(dir, data, out);
    String snapshot = JSON.readTree(build.out()).get("snapshot").asText();
    CliRun train = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--threads", "2");
    assertThat(train.status()).as(train.err()).isZero();
    String model = JSON.readTree(train.out()).get("model").asText();
    Path modelDir = dir.resolve("data").resolve("models").resolve(model);
    assertThat(modelDir.resolve("model.json")).isRegularFile();

    // Nothing completed yet: --all checks nothing and holds.
    CliRun empty = CliRun.run("verify-forgetting", "--data", data, "--all");
    assertThat(empty.status()).as(empty.err()).isZero();
    assertThat(empty.out()).isEmpty();
    assertThat(empty.err()).contains("0 completed request(s) checked");

    // The operator's backup, taken before forgetting.
    Path backup = dir.resolve("backup");
    copy(out.resolve(snapshot), backup.resolve("snapshot"));
    copy(modelDir, backup.resolve("model"));

    assertThat(CliRun.run("forget", "--data", data, "--member", "u2").status()).isZero();
    CliRun run = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode u2 = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out());
    assertThat(u2.get("status").asText()).isEqualTo("completed");
    String u2Request = u2.get("id").asText();
    String rebuilt = u2.get("new_snapshot").asText();
    assertThat(out.resolve(snapshot).resolve("FORGOTTEN.json")).isRegularFile();

    // A second member forgotten later: the first request's rebuild is itself retired, and the first
    // request still holds through the rebuild that replaced it.
    assertThat(CliRun.run("forget", "--data", data, "--member", "u3").status()).isZero();
    CliRun run2 = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(run2.status()).as(run2.err()).isZero();
    assertThat(out.resolve(rebuilt).resolve("FORGOTTEN.json")).isRegularFile();
    CliRun one = CliRun.run("verify-forgetting", "--data", data, "--request", u2Request);
    assertThat(one.status()).as(one.err()).isZero();

    CliRun holds = CliRun.run("verify-forgetting", "--data", data, "--all");
    assertThat(holds.status()).as(holds.err()).isZero();
    List<JsonNode> lines = lines(holds.out());
    assertThat(lines).hasSize(2).allSatisfy(l -> {
      assertThat(l.get("ok").asBoolean()).isTrue();
      assertThat(l.get("status").asText()).isEqualTo("completed");
      assertThat(l.get("problems")).isEmpty();
    });
    assertThat(lines).extracting(l -> l.get("member").asText()).containsExactlyInAnyOrder("u2", "u3");
    assertThat(holds.err()).contains("2 completed request(s) checked, 2 hold, 0 no longer hold");

    // The backup is restored over the retired snapshot and the retired model: u2 (and u3) are back.
    restoreMissing(backup.resolve("snapshot"), out.resolve(snapshot));
    restoreMissing(backup.resolve("model"), modelDir);
    CliRun back = CliRun.run("verify-forgetting", "--data", data, "--all");
    assertThat(back.status()).isEqualTo(1);
    List<JsonNode> failed = lines(back.out());
    assertThat(failed).hasSize(2).allSatisfy(l -> {
      assertThat(l.get("ok").asBoolean()).isFalse();
      assertThat(l.get("reopened").asBoolean()).isFalse();
      assertThat(l.get("problems").toString()).contains("retired snapshot " + snapshot, "holds the member again",
          "model " + model, "deleted artefact(s) back");
    });
    assertThat(back.err()).contains("2 completed request(s) checked, 0 hold, 2 no longer hold");
    CliRun oneBack = CliRun.run("verify-forgetting", "--data", data, "--request", u2Request);
    assertThat(oneBack.status()).isEqualTo(1);
    assertThat(oneBack.err()).contains("FAILED: retired snapshot " + snapshot);
    // Checking only reads: the requests are still completed.
    assertThat(JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out()).get("status").asText())
        .isEqualTo("completed");

    // --reopen records each in the audit log and sets it back to pending, keeping receipt and deadline.
    CliRun reopen = CliRun.run("verify-forgetting", "--data", data, "--all", "--reopen");
    assertThat(reopen.status()).isEqualTo(1);
    assertThat(lines(reopen.out())).hasSize(2).allSatisfy(l -> assertThat(l.get("reopened").asBoolean()).isTrue());
    assertThat(reopen.err()).contains("2 reopened");
    JsonNode reopened = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out());
    assertThat(reopened.get("status").asText()).isEqualTo("pending");
    assertThat(reopened.get("deadline").asText()).isEqualTo(u2.get("deadline").asText());
    assertThat(reopened.get("reopenings")).singleElement().satisfies(r -> {
      assertThat(r.get("problems").toString()).contains("retired snapshot " + snapshot);
      assertThat(r.get("previous").get("replacements").get(0).get("new_snapshot").asText()).isEqualTo(rebuilt);
    });
    Path bundle = dir.resolve("bundle");
    assertThat(CliRun.run("audit", "export", "--data", data, "--out", bundle.toString()).status()).isZero();
    List<String> recheckLeaves = Files.readAllLines(bundle.resolve("leaves.jsonl"), StandardCharsets.UTF_8).stream()
        .filter(l -> l.contains("forget.recheck")).toList();
    assertThat(recheckLeaves).hasSize(2).allSatisfy(l -> assertThat(l).contains("hmac-sha256:", "\"reopened\":true")
        .doesNotContain("\"u2\"").doesNotContain("\"u3\""));

    // The next run deletes again what came back; the requests complete and hold again.
    CliRun again = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(JSON.readTree(again.out()).get("completed").asInt()).isEqualTo(2);
    JsonNode done = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out());
    assertThat(done.get("status").asText()).isEqualTo("completed");
    assertThat(done.get("detail").asText()).contains("deleted again", snapshot);
    assertThat(done.get("replacements").get(0).get("new_snapshot").asText()).isEqualTo(rebuilt);
    try (Stream<Path> files = Files.list(out.resolve(snapshot))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("manifest.json", "croissant.json",
          "FORGOTTEN.json");
    }
    try (Stream<Path> files = Files.list(modelDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.json");
    }
    assertThat(JSON.readTree(CliRun.run("where", "--data", data, "--member", "u2").out()).get("snapshots")).isEmpty();
    CliRun after = CliRun.run("verify-forgetting", "--data", data, "--all");
    assertThat(after.status()).as(after.out() + after.err()).isZero();
    assertThat(after.err()).contains("2 completed request(s) checked, 2 hold");
  }

  @Test
  void forgetRunRechecksWhatWasCompletedBeforeItReopensWhatNoLongerHoldsAndExits3() throws Exception {
    String data = imported();
    Path out = dir.resolve("out");
    String snapshot = JSON.readTree(SnapshotRootsTest.built(dir, data, out).out()).get("snapshot").asText();
    CliRun train = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--threads", "2");
    assertThat(train.status()).as(train.err()).isZero();
    String model = JSON.readTree(train.out()).get("model").asText();
    Path modelDir = dir.resolve("data").resolve("models").resolve(model);
    Path backup = dir.resolve("backup");
    copy(modelDir, backup.resolve("model"));

    assertThat(CliRun.run("forget", "--data", data, "--member", "u2").status()).isZero();
    CliRun first = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(first.status()).as(first.err()).isZero();
    JsonNode firstRecheck = JSON.readTree(first.out()).get("recheck");
    assertThat(firstRecheck.get("checked").asInt()).as("the request this run executed was verified by it").isZero();
    assertThat(firstRecheck.get("error").isNull()).isTrue();
    String request = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out()).get("id").asText();

    // The retired model comes back from the backup: the next run, with nothing pending, finds it and reopens the request.
    restoreMissing(backup.resolve("model"), modelDir);
    CliRun second = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(second.status()).as(second.err()).isEqualTo(ForgetRunCommand.REOPENED);
    JsonNode report = JSON.readTree(second.out());
    assertThat(report.get("executed").asInt()).isZero();
    assertThat(report.get("recheck").get("checked").asInt()).isEqualTo(1);
    assertThat(report.get("recheck").get("reopened").asInt()).isEqualTo(1);
    assertThat(report.get("recheck").get("failed")).singleElement().satisfies(f -> {
      assertThat(f.get("id").asText()).isEqualTo(request);
      assertThat(f.get("reopened").asBoolean()).isTrue();
    });
    assertThat(second.err()).contains("forgetting of request " + request + " (member u2) no longer holds; reopened",
        "model " + model, "deleted artefact(s) back");
    JsonNode reopened = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out());
    assertThat(reopened.get("status").asText()).isEqualTo("pending");
    assertThat(reopened.get("reopenings")).singleElement().satisfies(r -> assertThat(r.get("found")).singleElement()
        .satisfies(f -> {
          assertThat(f.get("kind").asText()).isEqualTo("restored-model");
          assertThat(f.get("model").asText()).isEqualTo(model);
          assertThat(f.get("snapshot").asText()).isEqualTo(snapshot);
        }));

    // The run after that forgets u2 again (the model's artefacts deleted again); the one after finds it holding.
    CliRun third = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(third.status()).as(third.err()).isZero();
    assertThat(JSON.readTree(third.out()).get("completed").asInt()).isEqualTo(1);
    try (Stream<Path> files = Files.list(modelDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.json");
    }
    CliRun fourth = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(fourth.status()).as(fourth.err()).isZero();
    assertThat(JSON.readTree(fourth.out()).get("recheck").get("holding").asInt()).isEqualTo(1);
    assertThat(fourth.err()).doesNotContain("no longer holds");
  }

  @Test
  void aMissingRootFailsEveryRequestAndNothingIsReopened() throws Exception {
    String data = imported();
    Path out = dir.resolve("out");
    SnapshotRootsTest.built(dir, data, out);
    assertThat(CliRun.run("forget", "--data", data, "--member", "u1").status()).isZero();
    assertThat(CliRun.run("forget-run", "--data", data, "--threads", "2").status()).isZero();
    assertThat(CliRun.run("verify-forgetting", "--data", data, "--all").status()).isZero();

    Files.move(out, dir.resolve("unmounted"));
    CliRun gap = CliRun.run("verify-forgetting", "--data", data, "--all");
    assertThat(gap.status()).isEqualTo(1);
    assertThat(lines(gap.out())).singleElement().satisfies(l -> {
      assertThat(l.get("ok").asBoolean()).isFalse();
      assertThat(l.get("problems").toString()).contains("missing or unreadable");
    });
    CliRun reopen = CliRun.run("verify-forgetting", "--data", data, "--all", "--reopen");
    assertThat(reopen.status()).isEqualTo(1);
    assertThat(reopen.err()).contains("nothing was reopened");
    assertThat(JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u1").out()).get("status").asText())
        .isEqualTo("completed");
  }

  @Test
  void aSnapshotAsOfAfterTheRequestHoldsWhomItsDecisionsAllow() throws Exception {
    String data = imported();
    Path out = dir.resolve("out");
    Clock june = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);
    assertThat(CliRun.runAt(june, "build", "--data", data, "--purpose", "genai-training", "--as-of", "2024-03-01T00:00:00Z",
        "--content", dir.resolve("c.jsonl").toString(), "--out", out.toString(), "--quiet", "--threads", "2").status()).isZero();
    // An operator's request in June: it removes u1 from what was built before it.
    assertThat(CliRun.runAt(june, "forget", "--data", data, "--member", "u1").status()).isZero();
    CliRun run = CliRun.runAt(june, "forget-run", "--data", data, "--threads", "2");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(JSON.readTree(run.out()).get("completed").asInt()).isEqualTo(1);
    // A build as of October, which the consent decisions allow u1 into (nothing in the ledger stops it).
    CliRun october = SnapshotRootsTest.built(dir, data, out);
    String later = JSON.readTree(october.out()).get("snapshot").asText();
    assertThat(JSON.readTree(CliRun.run("where", "--data", data, "--member", "u1").out()).get("snapshots"))
        .singleElement().satisfies(s -> assertThat(s.get("snapshot").asText()).isEqualTo(later));
    // That is not the June request's data coming back: it still holds.
    CliRun all = CliRun.run("verify-forgetting", "--data", data, "--all");
    assertThat(all.status()).as(all.out() + all.err()).isZero();
    assertThat(lines(all.out())).singleElement().satisfies(l -> assertThat(l.get("ok").asBoolean()).isTrue());
  }

  @Test
  void exactlyOneOfRequestAndAll() {
    String data = dir.resolve("data").toString();
    CliRun neither = CliRun.run("verify-forgetting", "--data", data);
    assertThat(neither.status()).isEqualTo(2);
    assertThat(neither.err()).contains("--request", "--all");
    CliRun both = CliRun.run("verify-forgetting", "--data", data, "--all", "--request", "fr-0123456789abcdef");
    assertThat(both.status()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
    CliRun reopenOne = CliRun.run("verify-forgetting", "--data", data, "--request", "fr-0123456789abcdef", "--reopen");
    assertThat(reopenOne.status()).isEqualTo(2);
    assertThat(reopenOne.err()).contains("--reopen goes with --all");
  }

  private static List<JsonNode> lines(String out) {
    return out.lines().map(l -> {
      try {
        return JSON.readTree(l);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).toList();
  }
}
