package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lethe forget}: what it refuses, and what it does when the same request is already
 * pending; which snapshots a withdrawal's request affects when the member consented again; a
 * build re-run after forgetting replaced its snapshot; and a forget run whose content exports are
 * not what the snapshot was built from, or claim another member's content id.
 */
class ForgetCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private String[] requests(String data) {
    String out = CliRun.run("forget-status", "--data", data).out().strip();
    return out.isEmpty() ? new String[0] : out.split("\n");
  }

  @Test
  void aPurposeNoPolicyDefinesIsRefusedAndNothingIsQueued() throws Exception {
    String data = SnapshotRootsTest.imported(dir);
    CliRun typo = CliRun.run("forget", "--data", data, "--member", "u1", "--purpose", "genai-trainin");
    assertThat(typo.status()).as(typo.out()).isEqualTo(2);
    assertThat(typo.err()).contains("--purpose", "\"genai-trainin\" is not defined by any policy", "(defined: genai-training)",
        "no request was queued");
    assertThat(typo.out()).isEmpty();
    assertThat(requests(data)).isEmpty();

    CliRun right = CliRun.run("forget", "--data", data, "--member", "u1", "--purpose", "genai-training");
    assertThat(right.status()).as(right.err()).isZero();
    assertThat(requests(data)).hasSize(1);
  }

  @Test
  void theSamePendingManualRequestIsReportedNotQueuedTwice() throws Exception {
    String data = SnapshotRootsTest.imported(dir);
    CliRun first = CliRun.run("forget", "--data", data, "--member", "u1");
    assertThat(first.status()).as(first.err()).isZero();
    String id = JSON.readTree(first.out()).get("id").asText();

    CliRun second = CliRun.run("forget", "--data", data, "--member", "u1");
    assertThat(second.status()).as(second.err()).isZero();
    assertThat(second.err()).contains("already pending", id, "no new request was queued");
    JsonNode shown = JSON.readTree(second.out());
    assertThat(shown.get("id").asText()).isEqualTo(id);
    assertThat(shown.get("status").asText()).isEqualTo("pending");
    assertThat(requests(data)).hasSize(1);

    // Another purpose, or another member, is another request.
    assertThat(CliRun.run("forget", "--data", data, "--member", "u1", "--purpose", "genai-training").status()).isZero();
    assertThat(CliRun.run("forget", "--data", data, "--member", "u2").status()).isZero();
    assertThat(requests(data)).hasSize(3);
  }

  private static final String POLICY = "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
      + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{"
      + "\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,\"retroactive_withdrawal\":true,"
      + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}";

  private CliRun build(String data, String asOf) {
    return CliRun.run("build", "--data", data, "--purpose", "genai-training", "--as-of", asOf,
        "--content", dir.resolve("c.jsonl").toString(), "--out", dir.resolve("out").toString(), "--shards", "2", "--quiet",
        "--threads", "2");
  }

  /** The February build as it ran in February, before u2's GPC signal was received. */
  private CliRun buildInFebruary(String data) {
    return CliRun.runAt(java.time.Clock.fixed(java.time.Instant.parse("2024-02-15T00:00:00Z"), java.time.ZoneOffset.UTC),
        "build", "--data", data, "--purpose", "genai-training", "--as-of", "2024-02-01T00:00:00Z",
        "--content", dir.resolve("c.jsonl").toString(), "--out", dir.resolve("out").toString(), "--shards", "2", "--quiet",
        "--threads", "2");
  }

  private List<String> snapshotsHolding(String data, String member) throws Exception {
    List<String> out = new ArrayList<>();
    JSON.readTree(CliRun.run("where", "--data", data, "--member", member).out()).get("snapshots")
        .forEach(s -> out.add(s.get("snapshot").asText()));
    return out;
  }

  @Test
  void aMemberWhoConsentedAgainStaysInTheLaterSnapshotAndItsBuildSaysWhatReplacedTheEarlierOne() throws Exception {
    List<String> ledger = new ArrayList<>(List.of(POLICY));
    StringBuilder content = new StringBuilder();
    for (String m : List.of("u1", "u2", "u3")) {
      ledger.add("{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"" + m
          + "\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}");
      ledger.add("{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"" + m + "\",\"policy_version\":\"v1\"}");
      for (int i = 0; i < 4; i++) {
        content.append("{\"content\":\"").append(m).append('-').append(i).append("\",\"member\":\"").append(m)
            .append("\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"the cat number ")
            .append(i).append(" sat on the mat.\"}\n");
      }
    }
    // u2 sends a GPC signal (a retroactive withdrawal), then consents again.
    ledger.add("{\"type\":\"gpc.signal\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"u2\"}");
    ledger.add("{\"type\":\"consent.set\",\"at\":\"2024-04-01T00:00:00Z\",\"member\":\"u2\",\"purpose\":\"genai-training\","
        + "\"choice\":\"grant\",\"source\":\"settings\"}");
    Files.write(dir.resolve("ledger.jsonl"), ledger);
    Files.writeString(dir.resolve("c.jsonl"), content.toString());
    String data = dir.resolve("data").toString();
    assertThat(CliRun.run("import", "--data", data, dir.resolve("ledger.jsonl").toString()).status()).isZero();

    // Built in February, before the GPC signal: a snapshot as of February built after it would
    // leave u2 out already ("forgotten-since-as-of"), leaving forgetting nothing to replace.
    CliRun february = buildInFebruary(data);
    assertThat(february.status()).as(february.err()).isZero();
    CliRun may = build(data, "2024-05-01T00:00:00Z");
    assertThat(may.status()).as(may.err()).isZero();
    String feb = JSON.readTree(february.out()).get("snapshot").asText();
    String later = JSON.readTree(may.out()).get("snapshot").asText();
    assertThat(snapshotsHolding(data, "u2")).containsExactlyInAnyOrder(feb, later);

    CliRun run = CliRun.run("forget-run", "--data", data);
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode request = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out());
    assertThat(request.get("status").asText()).isEqualTo("completed");
    assertThat(request.get("verified").asBoolean()).isTrue();
    assertThat(request.get("replacements")).singleElement()
        .satisfies(r -> assertThat(r.get("old_snapshot").asText()).isEqualTo(feb));
    assertThat(request.get("detail").asText()).contains("left alone");
    String replacement = request.get("new_snapshot").asText();
    assertThat(snapshotsHolding(data, "u2")).as("the May snapshot, as of after the new consent, keeps u2")
        .containsExactly(later);
    CliRun recheck = CliRun.run("verify-forgetting", "--data", data, "--all");
    assertThat(recheck.status()).as(recheck.out() + recheck.err()).isZero();

    // The February build again: its snapshot was retired and replaced, which is not damage.
    CliRun again = buildInFebruary(data);
    assertThat(again.status()).as(again.err()).isEqualTo(BuildCommand.RETIRED_BY_FORGETTING);
    assertThat(again.err()).contains("snapshot " + feb, "retired by forgetting", "snapshot " + replacement + " replaces it")
        .doesNotContain("damaged");
    CliRun mayAgain = build(data, "2024-05-01T00:00:00Z");
    assertThat(mayAgain.status()).as("the untouched snapshot rebuilds as itself: " + mayAgain.err()).isZero();
  }

  private static final Clock NOW = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);

  private static final String RECORD = "{\"content\":\"%s\",\"member\":\"%s\",\"kind\":\"post\",\"visibility\":\"public\","
      + "\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"%s\"}\n";

  /** m1 (US) and m2 (GB) with a notice each, m3 (DE, blocked); the ledger posts p1 for m1. */
  private String threeMembers() throws Exception {
    List<String> ledger = new ArrayList<>(List.of(POLICY));
    for (String[] m : List.of(new String[] {"m1", "US"}, new String[] {"m2", "GB"}, new String[] {"m3", "DE"})) {
      ledger.add("{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"" + m[0]
          + "\",\"country\":\"" + m[1] + "\",\"birth_date\":\"1980-01-01\"}");
      ledger.add("{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"" + m[0] + "\",\"policy_version\":\"v1\"}");
    }
    ledger.add("{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"p1\",\"member\":\"m1\",\"kind\":\"post\","
        + "\"visibility\":\"public\",\"text\":\"hello from one\"}");
    Files.write(dir.resolve("ledger.jsonl"), ledger);
    Files.writeString(dir.resolve("c.jsonl"), String.format(RECORD, "x1", "m1", "first post by one")
        + String.format(RECORD, "x2", "m2", "post by two"));
    String data = dir.resolve("data").toString();
    assertThat(CliRun.runAt(NOW, "import", "--data", data, dir.resolve("ledger.jsonl").toString()).status()).isZero();
    return data;
  }

  private String buildAndTrain(String data) throws Exception {
    CliRun built = CliRun.runAt(NOW, "build", "--data", data, "--purpose", "genai-training", "--as-of", "2024-03-01T00:00:00Z",
        "--content", dir.resolve("c.jsonl").toString(), "--quiet", "--threads", "1");
    assertThat(built.status()).as(built.err()).isZero();
    String snapshot = JSON.readTree(built.out()).get("snapshot").asText();
    CliRun trained = CliRun.runAt(NOW, "train", "--data", data, "--snapshot", snapshot);
    assertThat(trained.status()).as(trained.err()).isZero();
    return snapshot;
  }

  private JsonNode request(String data, String member) throws Exception {
    return JSON.readTree(CliRun.runAt(NOW, "forget-status", "--data", data, "--member", member).out());
  }

  @Test
  void aContentExportChangedOrMissingSinceTheBuildLeavesTheRequestPendingAndNothingDeletedUntilItIsBack() throws Exception {
    String data = threeMembers();
    String snapshot = buildAndTrain(data);
    Path export = dir.resolve("c.jsonl");
    String original = Files.readString(export);
    assertThat(CliRun.runAt(NOW, "forget", "--data", data, "--member", "m2").status()).isZero();

    // Emptied: a rebuild would drop m1's x1 and still verify.
    Files.writeString(export, "");
    CliRun emptied = CliRun.runAt(NOW, "forget-run", "--data", data, "--threads", "1");
    assertThat(emptied.status()).as(emptied.out()).isEqualTo(1);
    JsonNode request = request(data, "m2");
    String id = request.get("id").asText();
    assertThat(emptied.err()).contains("forget-run: " + id + ": content export " + export, "changed since snapshot " + snapshot,
        "recorded", "0 bytes", "restore it to rebuild", "still pending").doesNotContain("Exception");
    assertThat(JSON.readTree(emptied.out()).get("blocked").asInt()).isEqualTo(1);
    assertThat(request.get("status").asText()).isEqualTo("pending");
    assertThat(request.get("detail").asText()).contains("changed since snapshot " + snapshot);
    assertThat(snapshotsHolding(data, "m2")).containsExactly(snapshot);

    // A line added: a rebuild would hold a record the snapshot never had.
    Files.writeString(export, original + String.format(RECORD, "x9", "m1", "never in the snapshot"));
    CliRun appended = CliRun.runAt(NOW, "forget-run", "--data", data, "--threads", "1");
    assertThat(appended.status()).isEqualTo(1);
    assertThat(appended.err()).contains("changed since snapshot " + snapshot);

    // Moved away: missing, said so, and still pending (not a terminal failure naming a bare path).
    Files.delete(export);
    CliRun missing = CliRun.runAt(NOW, "forget-run", "--data", data, "--threads", "1");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).contains("content export " + export + " is missing", "restore it to rebuild");
    assertThat(request(data, "m2").get("status").asText()).isEqualTo("pending");
    assertThat(snapshotsHolding(data, "m2")).containsExactly(snapshot);

    // Restored: the next run rebuilds from what the snapshot was built from.
    Files.writeString(export, original);
    CliRun restored = CliRun.runAt(NOW, "forget-run", "--data", data, "--threads", "1");
    assertThat(restored.status()).as(restored.err()).isZero();
    assertThat(restored.err()).isEmpty();
    JsonNode done = request(data, "m2");
    assertThat(done.get("status").asText()).isEqualTo("completed");
    assertThat(done.get("verified").asBoolean()).isTrue();
    assertThat(snapshotsHolding(data, "m2")).isEmpty();
    JsonNode model = JSON.readTree(CliRun.runAt(NOW, "models", "--data", data).out().strip().lines()
        .filter(l -> l.contains("\"retrained-shards\"")).findFirst().orElseThrow());
    assertThat(model.get("records").asInt()).as("p1 and x1 stay; x2 goes").isEqualTo(2);
  }

  @Test
  void aFailedRequestIsReportedOnEveryRunAndRunsAgainWithRetryFailed() throws Exception {
    String data = threeMembers();
    buildAndTrain(data);
    assertThat(CliRun.runAt(NOW, "forget", "--data", data, "--member", "m2").status()).isZero();
    String id = request(data, "m2").get("id").asText();
    // As a run before environment failures stayed pending recorded a content export moved away.
    Path file = Path.of(data, "forget", id + ".json");
    com.fasterxml.jackson.databind.node.ObjectNode failed = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(file.toFile());
    failed.put("status", "failed").put("completed", "2024-06-01T00:00:00Z").put("verified", false)
        .put("detail", "rebuilding snapshot s failed: /gone/c.jsonl");
    failed.putArray("replacements");
    Files.write(file, JSON.writeValueAsBytes(failed));

    CliRun again = CliRun.runAt(NOW, "forget-run", "--data", data, "--threads", "1");
    assertThat(again.status()).as("a failed request keeps the status at 1").isEqualTo(1);
    assertThat(again.err()).contains("forget-run: " + id + ": failed: rebuilding snapshot s failed: /gone/c.jsonl",
        "--retry-failed");
    assertThat(request(data, "m2").get("status").asText()).isEqualTo("failed");

    CliRun retried = CliRun.runAt(NOW, "forget-run", "--data", data, "--threads", "1", "--retry-failed");
    assertThat(retried.status()).as(retried.err()).isZero();
    assertThat(JSON.readTree(retried.out()).get("retried").asInt()).isEqualTo(1);
    assertThat(request(data, "m2").get("status").asText()).isEqualTo("completed");
    assertThat(snapshotsHolding(data, "m2")).isEmpty();
  }

  @Test
  void aLineClaimingAnotherMembersContentIdDoesNotFailTheForgettingOfTheMemberItNames() throws Exception {
    String data = threeMembers();
    // m2 claims x1, which m1's line had first: the build leaves it out as duplicate-content.
    Files.writeString(dir.resolve("c.jsonl"), String.format(RECORD, "x1", "m2", "copy claiming x1"),
        StandardOpenOption.APPEND);
    buildAndTrain(data);
    assertThat(CliRun.runAt(NOW, "forget", "--data", data, "--member", "m2").status()).isZero();

    CliRun run = CliRun.runAt(NOW, "forget-run", "--data", data, "--threads", "1");
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode request = request(data, "m2");
    assertThat(request.get("status").asText()).as(request.toString()).isEqualTo("completed");
    assertThat(request.get("verified").asBoolean()).isTrue();
    CliRun recheck = CliRun.runAt(NOW, "verify-forgetting", "--data", data, "--all");
    assertThat(recheck.status()).as(recheck.out() + recheck.err()).isZero();
  }
}
