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

/**
 * {@code lethe forget}: what it refuses, and what it does when the same request is already
 * pending; which snapshots a withdrawal's request affects when the member consented again; and a
 * build re-run after forgetting replaced its snapshot.
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
}
