package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two data-protection gates of {@code lethe build}: a snapshot as of a past instant leaves out
 * every member forgetting has since obliged us to remove (so forgetting never finds it holding
 * them), and two deployments publishing into the same directory never read, list or forget in
 * each other's snapshots, whose member bitmaps number other members. Real stores, a fixed clock.
 */
class BuildGateTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock NOW = Clock.fixed(Instant.parse("2024-12-01T00:00:00Z"), ZoneOffset.UTC);

  private static final String LEDGER = String.join("\n",
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\","
          + "\"notice_days\":0,\"regions\":{\"EEA\":[\"DE\",\"FR\"],\"UK\":[\"GB\"]},\"purposes\":{\"genai-training\":{\"title\":\"T\","
          + "\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,\"retroactive_withdrawal\":true,\"content_kinds\":[\"post\"],"
          + "\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m1\",\"country\":\"US\",\"birth_date\":\"1980-01-01\",\"name\":\"Alice Walker\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m2\",\"country\":\"GB\",\"birth_date\":\"1980-01-01\",\"name\":\"Bob Smith\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m3\",\"country\":\"DE\",\"birth_date\":\"1980-01-01\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m1\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m2\",\"policy_version\":\"v1\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"p1\",\"member\":\"m1\",\"kind\":\"post\","
          + "\"visibility\":\"public\",\"text\":\"hello from alice, mail alice@example.com\"}",
      "");

  private static final String CONTENT = String.join("\n",
      "{\"content\":\"x1\",\"member\":\"m1\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"first post by one\"}",
      "{\"content\":\"x2\",\"member\":\"m2\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"post by two\"}",
      "");

  private static CliRun lethe(String... args) {
    return CliRun.runAt(NOW, args);
  }

  private static String store(Path dir, String name, String ledger) throws IOException {
    Path file = dir.resolve(name + ".jsonl");
    Files.writeString(file, ledger);
    String data = dir.resolve(name).toString();
    CliRun run = lethe("import", "--data", data, file.toString());
    assertThat(run.status()).as(run.err()).isZero();
    return data;
  }

  private static CliRun build(String data, String asOf, Path content, Path out) {
    List<String> args = new ArrayList<>(List.of("build", "--data", data, "--quiet", "--purpose", "genai-training",
        "--as-of", asOf, "--content", content.toString()));
    if (out != null) {
      args.addAll(List.of("--out", out.toString()));
    }
    return lethe(args.toArray(String[]::new));
  }

  /** The content ids in a snapshot's shards. */
  private static List<String> contentIds(Path snapshot) throws IOException {
    List<String> ids = new ArrayList<>();
    for (String line : ShardText.of(snapshot).split("\n")) {
      if (!line.isBlank()) {
        ids.add(JSON.readTree(line).get("content").asText());
      }
    }
    return ids;
  }

  // --- A: a snapshot as of a past instant leaves out members forgotten since ---

  @Test
  void aSnapshotAsOfBeforeAnErasureLeavesTheErasedMemberOut(@TempDir Path dir) throws Exception {
    String data = store(dir, "e5", LEDGER + "{\"type\":\"erasure.requested\",\"at\":\"2024-06-01T00:00:00Z\",\"member\":\"m1\"}\n");
    Path content = Files.writeString(dir.resolve("c3.jsonl"), CONTENT);
    CliRun run = lethe("forget-run", "--data", data);
    assertThat(run.status()).as(run.err()).isZero();

    CliRun built = build(data, "2024-02-01T00:00:00Z", content, null);
    assertThat(built.status()).as(built.err()).isZero();
    JsonNode summary = JSON.readTree(built.out());
    // p1 (the ledger's own, purged by erasure) is "erased"; x1 from the export is forgotten since.
    assertThat(summary.get("excluded").get("forgotten-since-as-of").asLong()).isEqualTo(1);
    Path snapshot = Path.of(data, "snapshots", summary.get("snapshot").asText());
    assertThat(contentIds(snapshot)).containsExactly("x2");
    assertThat(JSON.readTree(snapshot.resolve("manifest.json").toFile()).get("excluded").get("forgotten-since-as-of").asLong())
        .isEqualTo(1);

    CliRun verify = lethe("verify-forgetting", "--data", data, "--all");
    assertThat(verify.status()).as(verify.out() + verify.err()).isZero();

    // The same ledger and inputs give the same snapshot.
    CliRun again = build(data, "2024-02-01T00:00:00Z", content, null);
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(JSON.readTree(again.out()).get("snapshot").asText()).isEqualTo(summary.get("snapshot").asText());
    assertThat(JSON.readTree(again.out()).get("already_published").asBoolean()).isTrue();

    // As of after the erasure, the decision itself denies m1: nothing is "forgotten since".
    CliRun after = build(data, "2024-07-01T00:00:00Z", content, null);
    assertThat(after.status()).as(after.err()).isZero();
    assertThat(JSON.readTree(after.out()).get("excluded").has("forgotten-since-as-of")).isFalse();
  }

  @Test
  void aSnapshotAsOfBeforeAnOperatorsForgetRequestLeavesTheMemberOut(@TempDir Path dir) throws Exception {
    String data = store(dir, "op", LEDGER);
    Path content = Files.writeString(dir.resolve("c3.jsonl"), CONTENT);
    CliRun first = build(data, "2024-02-01T00:00:00Z", content, null);
    assertThat(first.status()).as(first.err()).isZero();
    // The ledger records no such request: only the forget queue does.
    assertThat(lethe("forget", "--data", data, "--member", "m1").status()).isZero();
    CliRun run = lethe("forget-run", "--data", data);
    assertThat(run.status()).as(run.err()).isZero();

    // A fresh build as of before the request must not put m1 back (nor may another purpose's request).
    CliRun built = build(data, "2024-03-01T00:00:00Z", content, null);
    assertThat(built.status()).as(built.err()).isZero();
    JsonNode summary = JSON.readTree(built.out());
    assertThat(summary.get("excluded").get("forgotten-since-as-of").asLong()).as("p1 and x1").isEqualTo(2);
    assertThat(contentIds(Path.of(data, "snapshots", summary.get("snapshot").asText()))).containsExactly("x2");
    CliRun verify = lethe("verify-forgetting", "--data", data, "--all");
    assertThat(verify.status()).as(verify.out() + verify.err()).isZero();

    // A damaged request file stops the build rather than being skipped.
    Path queueFile;
    try (Stream<Path> files = Files.list(Path.of(data, "forget"))) {
      queueFile = files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
    }
    byte[] kept = Files.readAllBytes(queueFile);
    Files.writeString(queueFile, "{\"reason\":\"manual\",");
    CliRun refused = build(data, "2024-04-01T00:00:00Z", content, null);
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).contains(queueFile.toString(), "damaged", "nothing was built");
    Files.write(queueFile, kept);
  }

  @Test
  void aSnapshotAsOfBeforeARetroactiveWithdrawalLeavesTheMemberOut(@TempDir Path dir) throws Exception {
    String data = store(dir, "w", LEDGER
        + "{\"type\":\"consent.set\",\"at\":\"2024-11-21T00:00:00Z\",\"member\":\"m2\",\"purpose\":\"genai-training\","
        + "\"choice\":\"withdraw\",\"source\":\"settings\"}\n"
        + "{\"type\":\"gpc.signal\",\"at\":\"2024-11-22T00:00:00Z\",\"member\":\"m1\"}\n");
    Path content = Files.writeString(dir.resolve("c3.jsonl"), CONTENT);

    CliRun built = build(data, "2024-10-20T00:00:00Z", content, null);
    assertThat(built.status()).as(built.err()).isZero();
    JsonNode summary = JSON.readTree(built.out());
    // m2's x2 and m1's p1 and x1: every one left out, counted under the named reason.
    assertThat(summary.get("included").asLong()).isZero();
    assertThat(summary.get("excluded").get("forgotten-since-as-of").asLong()).isEqualTo(3);

    // Forgetting then finds nothing to reopen or rebuild.
    CliRun run = lethe("forget-run", "--data", data);
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(JSON.readTree(run.out().lines().reduce((a, b) -> b).orElseThrow()).get("snapshots_rebuilt").asInt()).isZero();
  }

  // --- B: two deployments, one output directory ---

  @Test
  void twoDeploymentsNeverShareAnOutputDirectory(@TempDir Path dir) throws Exception {
    String ledgerB = LEDGER.replace("\"m1\"", "\"b1\"").replace("\"m2\"", "\"b2\"").replace("\"m3\"", "\"b3\"").replace("\"p1\"", "\"q1\"");
    String contentB = CONTENT.replace("\"m1\"", "\"b1\"").replace("\"m2\"", "\"b2\"").replace("\"x1\"", "\"y1\"").replace("\"x2\"", "\"y2\"");
    String a = store(dir, "A", LEDGER);
    String b = store(dir, "B", ledgerB);
    Path c3 = Files.writeString(dir.resolve("c3.jsonl"), CONTENT);
    Path cB = Files.writeString(dir.resolve("cB.jsonl"), contentB);
    Path shared = dir.resolve("sh2");

    CliRun builtA = build(a, "2024-03-01T00:00:00Z", c3, shared);
    assertThat(builtA.status()).as(builtA.err()).isZero();
    String snapshotA = JSON.readTree(builtA.out()).get("snapshot").asText();
    String deploymentA = JSON.readTree(shared.resolve(snapshotA).resolve("manifest.json").toFile()).get("deployment").asText();
    assertThat(deploymentA).matches("dep-[0-9a-f]{16}");

    // B may not publish where A's snapshots are: exit 2 naming the directory and A's fingerprint.
    CliRun refused = build(b, "2024-03-01T00:00:00Z", cB, shared);
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err()).contains(shared.toString()).contains(deploymentA).contains("nothing was built");
    try (Stream<Path> list = Files.list(shared)) {
      assertThat(list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .containsExactly(snapshotA);
    }
    CliRun listB = lethe("snapshots", "--data", b);
    assertThat(listB.status()).as(listB.err()).isZero();
    assertThat(listB.out()).isEmpty();

    // A snapshot of B's copied into A's directory (by hand, or by an older lethe) is not A's.
    Path ownB = dir.resolve("shB");
    CliRun builtB = build(b, "2024-03-01T00:00:00Z", cB, ownB);
    assertThat(builtB.status()).as(builtB.err()).isZero();
    String snapshotB = JSON.readTree(builtB.out()).get("snapshot").asText();
    String deploymentB = JSON.readTree(ownB.resolve(snapshotB).resolve("manifest.json").toFile()).get("deployment").asText();
    assertThat(deploymentB).isNotEqualTo(deploymentA);
    dev.lethe.testkit.Trees.copy(ownB.resolve(snapshotB), shared.resolve(snapshotB));
    Map<String, byte[]> before = files(shared.resolve(snapshotB));

    CliRun where = lethe("where", "--data", a, "--member", "m2");
    assertThat(where.status()).as(where.err()).isZero();
    JsonNode answer = JSON.readTree(where.out());
    assertThat(answer.get("snapshots")).singleElement().satisfies(s -> assertThat(s.get("snapshot").asText()).isEqualTo(snapshotA));
    assertThat(answer.get("other_deployment_snapshots")).singleElement().satisfies(s -> {
      assertThat(s.get("snapshot").asText()).isEqualTo(snapshotB);
      assertThat(s.get("deployment").asText()).isEqualTo(deploymentB);
    });
    CliRun list = lethe("snapshots", "--data", a);
    assertThat(list.status()).as(list.err()).isZero();
    assertThat(list.out()).contains(snapshotA).doesNotContain(snapshotB);
    assertThat(list.err()).contains(snapshotB).contains(deploymentB).contains("skipped");

    // Forgetting in A never reads B's bitmaps as A's members, nor replaces or deletes B's snapshot;
    // it forgets m2 in A's own snapshot, but completes nothing while B's (which after a lost key
    // could hold A's members) sits among A's.
    assertThat(lethe("forget", "--data", a, "--member", "m2").status()).isZero();
    CliRun run = lethe("forget-run", "--data", a);
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains(snapshotB).contains(deploymentB);
    assertThat(files(shared.resolve(snapshotB))).containsOnlyKeys(before.keySet()).allSatisfy((name, bytes) ->
        assertThat(bytes).as(name).isEqualTo(before.get(name)));
    assertThat(shared.resolve(snapshotB).resolve("FORGOTTEN.json")).doesNotExist();
    assertThat(JSON.readTree(run.out()).get("snapshots_rebuilt").asInt()).isEqualTo(1);
    assertThat(shared.resolve(snapshotA).resolve("FORGOTTEN.json")).as("A's own snapshot is forgotten in").exists();
    CliRun pending = lethe("forget-status", "--data", a, "--member", "m2");
    assertThat(JSON.readTree(pending.out()).get("status").asText()).isEqualTo("pending");
    assertThat(pending.err()).contains(snapshotB);
    CliRun listOwnB = lethe("snapshots", "--data", b, "--out", ownB.toString());
    assertThat(listOwnB.status()).as(listOwnB.err()).isZero();
    assertThat(listOwnB.out()).contains(snapshotB);

    // Moved out again, A's forgetting proceeds and still leaves B's copy alone.
    dev.lethe.testkit.Trees.delete(shared.resolve(snapshotB));
    CliRun rerun = lethe("forget-run", "--data", a);
    assertThat(rerun.status()).as(rerun.err()).isZero();
    assertThat(JSON.readTree(rerun.out()).get("completed").asInt()).isEqualTo(1);
    assertThat(lethe("where", "--data", a, "--member", "m2").out()).doesNotContain(snapshotA);
    assertThat(files(ownB.resolve(snapshotB))).containsOnlyKeys(before.keySet());
  }

  private static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.sorted().toList()) {
        out.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }
}
