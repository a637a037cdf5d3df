package dev.lethe.cli;

import static dev.lethe.testkit.Trees.copy;
import static dev.lethe.testkit.Trees.delete;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots published with {@code lethe build --out DIR} outside the data directory: {@code where},
 * {@code snapshots}, {@code train} and forgetting find them through the store's registry of
 * snapshot roots, and a registered root that disappeared fails forgetting closed.
 */
class SnapshotRootsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String LEDGER = String.join("\n",
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"u1\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"u2\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"u1\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"u2\",\"policy_version\":\"v1\"}",
      "");

  private static String content() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      String member = i % 2 == 0 ? "u1" : "u2";
      b.append("{\"content\":\"p").append(i).append("\",\"member\":\"").append(member)
          .append("\",\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-01-05T00:00:00Z\",\"text\":\"")
          .append(member).append(" says the cat number ").append(i % 5).append(" sat.\"}\n");
    }
    return b.toString();
  }

  /** Writes the ledger and the export {@code c.jsonl} in {@code dir}, imports the ledger; returns the data directory. */
  static String imported(Path dir) throws IOException {
    String data = dir.resolve("data").toString();
    Files.writeString(dir.resolve("ledger.jsonl"), LEDGER);
    Files.writeString(dir.resolve("c.jsonl"), content());
    assertThat(CliRun.run("import", "--data", data, dir.resolve("ledger.jsonl").toString()).status()).isZero();
    return data;
  }

  /** Builds {@code dir/c.jsonl} into {@code out}, which must succeed. */
  static CliRun built(Path dir, String data, Path out) {
    CliRun build = CliRun.run("build", "--data", data, "--purpose", "genai-training", "--as-of", "2024-10-01T00:00:00Z",
        "--content", dir.resolve("c.jsonl").toString(), "--out", out.toString(), "--quiet", "--threads", "2");
    assertThat(build.status()).as(build.err()).isZero();
    return build;
  }

  @Test
  void forgettingReachesASnapshotPublishedOutsideTheDataDirectory(@TempDir Path dir) throws Exception {
    String data = imported(dir);
    Path out1 = dir.resolve("elsewhere").resolve("out1");
    // The --out as a user might type it: not normalized.
    CliRun build = built(dir, data, dir.resolve("elsewhere/./out1"));
    String snapshot = JSON.readTree(build.out()).get("snapshot").asText();
    assertThat(out1.resolve(snapshot).resolve("manifest.json")).isRegularFile();
    assertThat(dir.resolve("data/snapshots")).doesNotExist();

    // where and snapshots without --out look in the registered root and name it.
    JsonNode where = JSON.readTree(CliRun.run("where", "--data", data, "--member", "u2").out());
    assertThat(where.get("snapshots")).singleElement().satisfies(s -> {
      assertThat(s.get("snapshot").asText()).isEqualTo(snapshot);
      assertThat(s.get("root").asText()).isEqualTo(out1.toAbsolutePath().normalize().toString());
    });
    CliRun list = CliRun.run("snapshots", "--data", data);
    assertThat(list.status()).as(list.err()).isZero();
    // A mistyped --out is an error, not an empty answer that reads as "held nowhere".
    for (String command : List.of("where", "snapshots")) {
      List<String> args = new ArrayList<>(List.of(command, "--data", data, "--out", dir.resolve("elsewhere/out2").toString()));
      if (command.equals("where")) {
        args.addAll(List.of("--member", "u2"));
      }
      CliRun typo = CliRun.run(args.toArray(String[]::new));
      assertThat(typo.status()).as(command).isEqualTo(2);
      assertThat(typo.err()).contains("--out", "out2", "not a readable directory");
      assertThat(typo.out()).isEmpty();
    }
    assertThat(list.out().lines().map(this::json).map(n -> n.get("snapshot").asText()).toList()).containsExactly(snapshot);
    // train finds the snapshot too, so forgetting has a model to retrain.
    CliRun train = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--threads", "2");
    assertThat(train.status()).as(train.err()).isZero();
    String model = JSON.readTree(train.out()).get("model").asText();

    assertThat(CliRun.run("forget", "--data", data, "--member", "u2").status()).isZero();
    CliRun run = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(JSON.readTree(run.out()).get("completed").asInt()).isEqualTo(1);
    assertThat(JSON.readTree(run.out()).get("snapshots_rebuilt").asInt()).isEqualTo(1);

    JsonNode request = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out());
    assertThat(request.get("status").asText()).isEqualTo("completed");
    assertThat(request.get("verified").asBoolean()).isTrue();
    assertThat(request.get("detail").asText()).doesNotContain("no snapshot");
    assertThat(request.get("affected_models")).extracting(JsonNode::asText).containsExactly(model);
    JsonNode replacement = request.get("replacements").get(0);
    assertThat(replacement.get("old_snapshot").asText()).isEqualTo(snapshot);
    assertThat(replacement.get("content_absent").asBoolean()).isTrue();
    assertThat(replacement.get("digests_equal").asBoolean()).isTrue();
    String rebuilt = replacement.get("new_snapshot").asText();

    // The rebuild sits next to the original, holds u1's six posts only, and the original is retired.
    JsonNode manifest = JSON.readTree(out1.resolve(rebuilt).resolve("manifest.json").toFile());
    assertThat(manifest.get("included").asLong()).isEqualTo(6);
    assertThat(out1.resolve(snapshot).resolve("FORGOTTEN.json")).isRegularFile();
    assertThat(JSON.readTree(CliRun.run("where", "--data", data, "--member", "u2").out()).get("snapshots")).isEmpty();
    assertThat(JSON.readTree(CliRun.run("where", "--data", data, "--member", "u1").out()).get("snapshots"))
        .singleElement().satisfies(s -> assertThat(s.get("snapshot").asText()).isEqualTo(rebuilt));
    CliRun verify = CliRun.run("verify-forgetting", "--data", data, "--request", request.get("id").asText());
    assertThat(verify.status()).as(verify.err()).isZero();

    // A directory still holding snapshots cannot be unregistered.
    CliRun refused = CliRun.run("snapshots", "--data", data, "--unregister", out1.toString());
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err()).contains("still holds published snapshots");

    // The original's manifest is what a later forget run rebuilds the rebuild from: it cannot be retired.
    CliRun keep = CliRun.run("snapshots", "--data", data, "--retire", snapshot);
    assertThat(keep.status()).isEqualTo(2);
    assertThat(keep.err()).contains("snapshot(s) " + rebuilt + " in " + out1.toAbsolutePath().normalize() + " rebuild snapshot " + snapshot);
    assertThat(out1.resolve(snapshot).resolve("manifest.json")).isRegularFile();

    // The forget run recorded its rebuild where the original was recorded: deleting it by hand is a gap.
    Path aside = dir.resolve("aside");
    Files.move(out1.resolve(rebuilt), aside);
    CliRun gap = CliRun.run("where", "--data", data, "--member", "u1");
    assertThat(gap.status()).isEqualTo(1);
    assertThat(JSON.readTree(gap.out()).get("missing_snapshots")).singleElement()
        .satisfies(m -> assertThat(m.get("snapshot").asText()).isEqualTo(rebuilt));
    assertThat(CliRun.run("verify-forgetting", "--data", data, "--request", request.get("id").asText()).status()).isEqualTo(1);
    Files.move(aside, out1.resolve(rebuilt));
    assertThat(CliRun.run("where", "--data", data, "--member", "u1").status()).isZero();
  }

  @Test
  void aRecordedSnapshotThatIsNotThereFailsForgettingClosedUntilItIsRetired(@TempDir Path dir) throws Exception {
    String data = imported(dir);
    Path out = dir.resolve("vol").toAbsolutePath().normalize();
    String snapshot = JSON.readTree(built(dir, data, out).out()).get("snapshot").asText();
    // A byte-identical rebuild finds it published and records nothing new.
    assertThat(JSON.readTree(built(dir, data, out).out()).get("snapshot").asText()).isEqualTo(snapshot);
    CliRun listed = CliRun.run("snapshots", "--data", data);
    assertThat(listed.status()).as(listed.err()).isZero();
    assertThat(listed.out().lines()).hasSize(1);
    assertThat(CliRun.run("forget", "--data", data, "--member", "u2").status()).isZero();

    // The volume is not mounted: its mount point is an empty directory, which a listing reads as "holds nothing".
    Path volume = dir.resolve("volume-itself");
    Files.move(out, volume);
    Files.createDirectories(out);
    assertGap(data, out, snapshot, "is missing");
    Files.delete(out);
    Files.move(volume, out);

    // One snapshot deleted by hand (or missing from a restored backup).
    Path aside = dir.resolve("aside");
    Files.move(out.resolve(snapshot), aside);
    assertGap(data, out, snapshot, "is missing");
    // Restored with its manifest only.
    Files.createDirectories(out.resolve(snapshot));
    Files.copy(aside.resolve("manifest.json"), out.resolve(snapshot).resolve("manifest.json"));
    assertGap(data, out, snapshot, "lacks the files of");

    // Retiring: unknown and malformed ids are refused, then the real one is deleted, unrecorded and audited.
    CliRun unknown = CliRun.run("snapshots", "--data", data, "--retire", "no-such-snapshot");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err().strip()).isEqualTo("lethe: --retire: no snapshot directory holds or records a snapshot no-such-snapshot");
    CliRun malformed = CliRun.run("snapshots", "--data", data, "--retire", "../vol");
    assertThat(malformed.status()).isEqualTo(2);
    assertThat(malformed.err()).contains("not a snapshot id");
    long leaves = auditLeaves(data);
    CliRun retire = CliRun.run("snapshots", "--data", data, "--retire", snapshot);
    assertThat(retire.status()).as(retire.err()).isZero();
    JsonNode retired = JSON.readTree(retire.out());
    assertThat(retired.get("retired").asText()).isEqualTo(snapshot);
    assertThat(retired.get("root").asText()).isEqualTo(out.toString());
    assertThat(retired.get("deleted").asBoolean()).isTrue();
    assertThat(retired.get("recorded").asBoolean()).isTrue();
    assertThat(retired.get("audit_leaf").asLong()).isEqualTo(leaves);
    assertThat(auditLeaves(data)).isEqualTo(leaves + 1);
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.equals(snapshot) || n.startsWith(".retiring")).toList())
          .as("the partial snapshot is gone, and no hidden leftover of it").isEmpty();
    }
    CliRun run = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(JSON.readTree(run.out()).get("completed").asInt()).isEqualTo(1);
    assertThat(CliRun.run("where", "--data", data, "--member", "u2").status()).isZero();
    assertThat(CliRun.run("snapshots", "--data", data, "--retire", snapshot).status()).as("retired already").isEqualTo(2);
  }

  /**
   * forget-run exits 1 naming the gap and completes nothing, forget-status keeps the request pending
   * with the gap as its reason, where and snapshots name the gap.
   */
  private static void assertGap(String data, Path root, String snapshot, String problem) throws Exception {
    CliRun run = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("snapshot " + snapshot + " recorded in " + root + " " + problem,
        "'lethe snapshots --retire " + snapshot + "'");
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.get("completed").asInt()).isZero();
    assertThat(report.get("blocked").asInt()).isEqualTo(1);
    assertThat(report.get("snapshots_rebuilt").asInt()).as("the only snapshot holding u2 is the missing one").isZero();
    CliRun status = CliRun.run("forget-status", "--data", data, "--member", "u2");
    assertThat(status.status()).isZero();
    assertThat(JSON.readTree(status.out()).get("status").asText()).as("not completed").isEqualTo("pending");
    assertThat(status.err()).contains("snapshot " + snapshot + " recorded in " + root, "--retire " + snapshot);
    CliRun where = CliRun.run("where", "--data", data, "--member", "u2");
    assertThat(where.status()).isEqualTo(1);
    assertThat(JSON.readTree(where.out()).get("snapshots")).isEmpty();
    assertThat(JSON.readTree(where.out()).get("missing_snapshots")).singleElement().satisfies(m -> {
      assertThat(m.get("snapshot").asText()).isEqualTo(snapshot);
      assertThat(m.get("root").asText()).isEqualTo(root.toString());
      assertThat(m.get("problem").asText()).startsWith(problem);
    });
    assertThat(where.err()).contains(snapshot, "the answer does not cover it");
    CliRun list = CliRun.run("snapshots", "--data", data);
    assertThat(list.status()).isEqualTo(1);
    assertThat(list.err()).contains("snapshot " + snapshot + " recorded in " + root);
  }

  /** The audit log's size, from the store. */
  private static long auditLeaves(String data) {
    try (dev.lethe.store.LedgerStore store = dev.lethe.store.LedgerStore.open(dev.lethe.store.StoreConfig.embedded(Path.of(data)))) {
      return store.auditSize();
    }
  }

  @Test
  void anUnrecordedSnapshotIsStillFoundAndRegisteringADirectoryRecordsWhatItHolds(@TempDir Path dir) throws Exception {
    String data = imported(dir);
    Path out = dir.resolve("out").toAbsolutePath().normalize();
    String snapshot = JSON.readTree(built(dir, data, out).out()).get("snapshot").asText();
    // Published before the records existed, into DATA/snapshots: found by the listing, as before.
    Path legacy = dir.resolve("data/snapshots").toAbsolutePath().normalize();
    copy(out.resolve(snapshot), legacy.resolve(snapshot));
    copy(out.resolve(".sources"), legacy.resolve(".sources"));
    CliRun where = CliRun.run("where", "--data", data, "--member", "u2");
    assertThat(where.status()).as(where.err()).isZero();
    assertThat(JSON.readTree(where.out()).get("snapshots")).extracting(s -> s.get("root").asText())
        .containsExactlyInAnyOrder(out.toString(), legacy.toString());
    // A copy the store never recorded, deleted again: no gap (nothing says it should be there).
    delete(legacy.resolve(snapshot));
    assertThat(CliRun.run("snapshots", "--data", data).status()).isZero();

    // A directory registered by hand: what it holds is recorded, so losing it is a gap from now on.
    Path copied = dir.resolve("copied").toAbsolutePath().normalize();
    copy(out.resolve(snapshot), copied.resolve(snapshot));
    CliRun register = CliRun.run("snapshots", "--data", data, "--register", copied.toString());
    assertThat(register.status()).as(register.err()).isZero();
    assertThat(register.out().lines()).hasSize(2);
    delete(copied.resolve(snapshot));
    CliRun list = CliRun.run("snapshots", "--data", data);
    assertThat(list.status()).isEqualTo(1);
    assertThat(list.err()).contains("snapshot " + snapshot + " recorded in " + copied + " is missing");
    assertThat(CliRun.run("snapshots", "--data", data, "--out", copied.toString()).status()).isEqualTo(1);

    // A model still holding what was trained on a snapshot keeps it from being retired.
    CliRun train = CliRun.run("train", "--data", data, "--snapshot", snapshot, "--threads", "2");
    assertThat(train.status()).as(train.err()).isZero();
    CliRun refused = CliRun.run("snapshots", "--data", data, "--retire", snapshot);
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err()).contains("still hold shard artefacts", JSON.readTree(train.out()).get("model").asText());
    assertThat(out.resolve(snapshot).resolve("manifest.json")).isRegularFile();
  }

  @Test
  void anOutputDirectoryIsRegisteredBeforeTheBuildPublishes(@TempDir Path dir) throws Exception {
    String data = imported(dir);
    Path out = dir.resolve("vol").toAbsolutePath().normalize();
    // Another build holds the directory: this one fails in the engine, before publishing anything.
    Files.createDirectories(out);
    assertThat(buildWhileLocked(dir, data, out, "2024-10-01T00:00:00Z").status()).isEqualTo(1);
    assertThat(roots(data)).as("nothing was published: the registration is undone").doesNotContain(out);

    // A snapshot copied in by hand, never recorded: a build that fails the same way leaves the
    // directory registered, because it registered it before its engine ran; so the snapshot that
    // a build killed after publishing would leave is covered by where and forgetting.
    String snapshot = JSON.readTree(built(dir, data, dir.resolve("first")).out()).get("snapshot").asText();
    copy(dir.resolve("first").resolve(snapshot), out.resolve(snapshot));
    assertThat(buildWhileLocked(dir, data, out, "2024-09-01T00:00:00Z").status()).isEqualTo(1);
    assertThat(roots(data)).contains(out);
    CliRun where = CliRun.run("where", "--data", data, "--member", "u2");
    assertThat(JSON.readTree(where.out()).get("snapshots")).extracting(s -> s.get("root").asText()).contains(out.toString());
  }

  /** A build into {@code out} while another holds its lock: it fails in the engine, having published nothing. */
  private static CliRun buildWhileLocked(Path dir, String data, Path out, String asOf) throws IOException {
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(out.resolve(".lock"),
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock = channel.lock()) {
      return CliRun.run("build", "--data", data, "--purpose", "genai-training", "--as-of", asOf,
          "--content", dir.resolve("c.jsonl").toString(), "--out", out.toString(), "--quiet");
    }
  }

  private static List<Path> roots(String data) {
    try (dev.lethe.store.LedgerStore store = dev.lethe.store.LedgerStore.open(dev.lethe.store.StoreConfig.embedded(Path.of(data)))) {
      return store.snapshotRoots();
    }
  }

  @Test
  void aRegisteredRootThatIsGoneFailsForgettingClosed(@TempDir Path dir) throws Exception {
    String data = imported(dir);
    Path gone = dir.resolve("gone");
    for (Path out : List.of(dir.resolve("data/snapshots"), gone)) {
      built(dir, data, out);
    }
    delete(gone);

    assertThat(CliRun.run("forget", "--data", data, "--member", "u2").status()).isZero();
    CliRun run = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("snapshot root " + gone.toAbsolutePath().normalize(), "missing or unreadable")
        .contains("1 request(s) still pending, complete only once the gaps above are resolved");
    assertThat(run.err().lines().filter(l -> l.startsWith("lethe: snapshot root")).count()).as(run.err()).isEqualTo(1);
    // The erasure is not stalled where it can proceed: the snapshot it can see is rebuilt without u2 ...
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.get("snapshots_rebuilt").asInt()).isEqualTo(1);
    assertThat(report.get("completed").asInt()).isZero();
    assertThat(report.get("blocked").asInt()).isEqualTo(1);
    // ... but the request is not completed while the missing root may still hold u2's records.
    CliRun status = CliRun.run("forget-status", "--data", data, "--member", "u2");
    assertThat(JSON.readTree(status.out()).get("status").asText()).as("not completed").isEqualTo("pending");
    assertThat(status.err()).contains(gone.toAbsolutePath().normalize().toString());
    CliRun where = CliRun.run("where", "--data", data, "--member", "u2");
    assertThat(where.status()).isEqualTo(1);
    assertThat(JSON.readTree(where.out()).get("unreachable_roots")).extracting(JsonNode::asText)
        .containsExactly(gone.toAbsolutePath().normalize().toString());
    assertThat(JSON.readTree(where.out()).get("snapshots")).as("u2 is gone from what can be seen").isEmpty();
    assertThat(CliRun.run("snapshots", "--data", data).status()).isEqualTo(1);
    CliRun stillHeld = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(stillHeld.status()).isEqualTo(1);
    assertThat(JSON.readTree(stillHeld.out()).get("snapshots_rebuilt").asInt()).as("nothing left to rebuild").isZero();
    assertThat(JSON.readTree(stillHeld.out()).get("completed").asInt()).isZero();

    // Deleted on purpose: unregistering it lets forgetting run over what remains.
    CliRun unregister = CliRun.run("snapshots", "--data", data, "--unregister", gone.toString());
    assertThat(unregister.status()).as(unregister.err()).isZero();
    CliRun again = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(JSON.readTree(again.out()).get("completed").asInt()).isEqualTo(1);
    assertThat(JSON.readTree(CliRun.run("where", "--data", data, "--member", "u2").out()).get("snapshots")).isEmpty();
  }

  @Test
  void aRootReachedThroughALinkIsOneRoot(@TempDir Path dir) throws Exception {
    String data = imported(dir);
    Path real = dir.resolve("o20");
    Files.createDirectories(real);
    Path link = Files.createSymbolicLink(dir.resolve("o20link"), real);
    for (Path out : List.of(real, link)) {
      built(dir, data, out);
    }
    CliRun list = CliRun.run("snapshots", "--data", data);
    assertThat(list.status()).as(list.err()).isZero();
    assertThat(list.out().lines()).hasSize(1);
    assertThat(json(list.out().lines().findFirst().orElseThrow()).get("root").asText()).isEqualTo(real.toRealPath().toString());
  }

  @Test
  void theSameSnapshotInTwoRootsIsRebuiltInBothAndItsModelRetrainedOnce(@TempDir Path dir) throws Exception {
    String data = imported(dir);
    List<String> ids = new ArrayList<>();
    for (Path out : List.of(dir.resolve("data/snapshots"), dir.resolve("copy"))) {
      ids.add(JSON.readTree(built(dir, data, out).out()).get("snapshot").asText());
    }
    assertThat(ids.get(1)).as("a build is deterministic").isEqualTo(ids.get(0));
    assertThat(JSON.readTree(CliRun.run("where", "--data", data, "--member", "u2").out()).get("snapshots")).hasSize(2);
    assertThat(CliRun.run("train", "--data", data, "--snapshot", ids.get(0), "--threads", "2").status()).isZero();

    assertThat(CliRun.run("forget", "--data", data, "--member", "u2").status()).isZero();
    CliRun run = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(JSON.readTree(run.out()).get("completed").asInt()).isEqualTo(1);
    JsonNode request = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out());
    assertThat(request.get("verified").asBoolean()).isTrue();
    assertThat(request.get("replacements")).hasSize(2);
    assertThat(request.get("replacements")).filteredOn(r -> !r.get("new_model").isNull()).hasSize(1);
    String rebuilt = request.get("replacements").get(0).get("new_snapshot").asText();
    assertThat(dir.resolve("data/snapshots").resolve(rebuilt).resolve("manifest.json")).isRegularFile();
    assertThat(dir.resolve("copy").resolve(rebuilt).resolve("manifest.json")).isRegularFile();
    assertThat(JSON.readTree(CliRun.run("where", "--data", data, "--member", "u2").out()).get("snapshots")).isEmpty();
    CliRun verify = CliRun.run("verify-forgetting", "--data", data, "--request", request.get("id").asText());
    assertThat(verify.status()).as(verify.err()).isZero();
  }

  private JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
