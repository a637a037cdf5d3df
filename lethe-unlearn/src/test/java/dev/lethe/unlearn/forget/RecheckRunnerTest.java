package dev.lethe.unlearn.forget;

import static dev.lethe.testkit.Trees.copy;
import static dev.lethe.testkit.Trees.restoreMissing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.ShardTrainer;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.TrainingReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-checking completed requests with the runner directly: a retired model copied back alone, and
 * an old copy of a snapshot remounted in another root, are each found, reopened and forgotten
 * again by the next run; the queue keeps what a reopened request had.
 */
class RecheckRunnerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Detector DETECTOR = Detector.of(EnumSet.allOf(EntityType.class), false);
  private static final byte[] KEY = "recheck-runner-test-deployment-key".getBytes(StandardCharsets.UTF_8);
  private static final Instant AS_OF = Instant.parse("2024-06-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-07-01T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path temp;
  Path root;
  ConsentLedger ledger;
  SnapshotResult snapshot;
  ModelRegistry registry;
  Training training;
  TrainingReport model;
  ForgetQueue queue;
  ForgetRunnerTest.RecordingAudit audit;

  @BeforeEach
  void build() throws Exception {
    StringBuilder text = new StringBuilder("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
        + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{"
        + "\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,\"content_kinds\":[\"post\"],"
        + "\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}\n");
    for (int m = 0; m < 8; m++) {
      text.append("{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m").append(m)
          .append("\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}\n");
      text.append("{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m").append(m)
          .append("\",\"policy_version\":\"v1\"}\n");
    }
    ledger = LedgerReader.load(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8))).ledger();
    String[] words = {"the team shipped the release", "we reviewed the budget", "planning the roadmap today"};
    List<String> posts = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      ObjectNode o = JSON.createObjectNode();
      o.put("content", "c" + i).put("member", "m" + (i % 8)).put("kind", "post").put("visibility", "public")
          .put("posted_at", "2024-02-01T00:00:00Z").put("text", words[i % 3] + " " + i + ".");
      posts.add(o.toString());
    }
    Path content = Files.write(temp.resolve("content.jsonl"), posts);
    root = temp.resolve("snapshots");
    snapshot = SnapshotEngine.embedded(DETECTOR).build(ledger, SnapshotRequest.builder("genai-training", AS_OF)
        .content(List.of(content)).outDir(root).shardsPerGroup(2).redaction(RedactionPolicy.placeholders()).deploymentKey(KEY)
        .threads(2).ledger("ledger", "0".repeat(64)).build(), ProgressListener.NONE);
    registry = ModelRegistry.open(temp.resolve("models"));
    training = Training.of(registry, 2);
    model = training.train(snapshot.directory(), ShardTrainer.kneserNey(3), 7);
    queue = ForgetQueue.open(temp.resolve("forget"));
    audit = new ForgetRunnerTest.RecordingAudit();
  }

  private ForgetRunner runner(List<Path> roots) {
    return new ForgetRunner(queue, registry, training, roots, SnapshotEngine.embedded(DETECTOR), audit, CLOCK, List.of());
  }

  private ForgetRequest forget(String member, List<Path> roots) throws IOException {
    ForgetRequest r = ForgetRequests.pending(member, ForgetReason.MANUAL, null, Instant.parse("2024-06-20T00:00:00Z"));
    queue.addAll(List.of(r));
    assertThat(runner(roots).run(new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 2)).completed()).isEqualTo(1);
    return queue.find(r.id()).orElseThrow();
  }

  @Test
  void aRetiredModelCopiedBackAloneIsFoundAndDeletedAgain() throws Exception {
    Path modelDir = model.model().directory();
    Path backup = copy(modelDir, temp.resolve("backup"));
    ForgetRequest done = forget("m3", List.of(root));
    assertThat(runner(List.of(root)).recheck(List.of(done), ledger)).singleElement()
        .satisfies(c -> assertThat(c.holds()).isTrue());

    restoreMissing(backup, modelDir);
    List<ForgetRunner.Recheck> back = runner(List.of(root)).recheck(List.of(done), ledger);
    assertThat(back).singleElement().satisfies(c -> assertThat(c.problems()).singleElement().asString()
        .contains("model " + model.model().id(), "trained from retired snapshot " + snapshot.metadata().snapshot(),
            "deleted artefact(s) back"));

    ForgetRunner.RecheckReport report = runner(List.of(root)).recheckCompleted(ledger, Set.of(), true);
    assertThat(report.reopened()).containsExactly(done.id());
    ForgetRequest reopened = queue.find(done.id()).orElseThrow();
    assertThat(reopened.status()).isEqualTo(ForgetRequest.Status.PENDING);
    assertThat(reopened.deadline()).isEqualTo(done.deadline());
    assertThat(reopened.outcome()).isNull();
    assertThat(reopened.reopenings()).singleElement().satisfies(r -> {
      assertThat(r.at()).isEqualTo(CLOCK.instant());
      assertThat(r.previous()).isEqualTo(done.outcome());
      // What a member may be told, read back from the queue's file: the model and the snapshot it was trained from.
      assertThat(r.findings()).containsExactly(new ForgetRequest.Finding(ForgetRequest.FindingKind.RESTORED_MODEL,
          snapshot.metadata().snapshot(), "genai-training", AS_OF, model.model().id(), 0));
    });
    assertThat(audit.records).filteredOn(r -> r.get("kind").asText().equals(ForgetRunner.RECHECK_AUDIT_KIND))
        .singleElement().satisfies(r -> {
          assertThat(r.get("members").get(0).asText()).isEqualTo(audit.commitment("m3"));
          assertThat(r.toString()).doesNotContain("\"m3\"");
        });
    assertThatThrownBy(() -> reopened.reopened(CLOCK.instant(), List.of("x"))).isInstanceOf(IllegalStateException.class);

    runner(List.of(root)).run(new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 2));
    ForgetRequest again = queue.find(done.id()).orElseThrow();
    assertThat(again.status()).isEqualTo(ForgetRequest.Status.COMPLETED);
    assertThat(again.outcome().replacements()).as("the first execution's rebuild is kept").isEqualTo(done.outcome().replacements());
    assertThat(again.outcome().affectedModels()).containsExactly(model.model().id());
    assertThat(again.reopenings()).hasSize(1);
    try (Stream<Path> files = Files.list(modelDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.json");
    }
    assertThat(runner(List.of(root)).recheck(List.of(again), ledger)).singleElement()
        .satisfies(c -> assertThat(c.holds()).as(c.problems().toString()).isTrue());
  }

  @Test
  void anOldCopyRemountedInAnotherRootIsRebuiltThere() throws Exception {
    Path backup = copy(snapshot.directory(), temp.resolve("backup"));
    Path other = Files.createDirectories(temp.resolve("remounted"));
    ForgetRequest done = forget("m5", List.of(root, other));

    // The volume with the old snapshot comes back under the second root.
    copy(backup, other.resolve(snapshot.metadata().snapshot()));
    Files.createDirectories(other.resolve(".sources"));
    Files.copy(root.resolve(".sources").resolve(snapshot.metadata().snapshot() + ".json"),
        other.resolve(".sources").resolve(snapshot.metadata().snapshot() + ".json"));
    assertThat(runner(List.of(root, other)).recheck(List.of(done), ledger)).singleElement().satisfies(c -> {
      assertThat(c.problems()).singleElement().asString()
          .contains("the member's records are in snapshot " + snapshot.metadata().snapshot() + " in " + other)
          .doesNotContain("model");
      assertThat(c.findings()).containsExactly(new ForgetRequest.Finding(ForgetRequest.FindingKind.SNAPSHOT_IN_USE,
          snapshot.metadata().snapshot(), "genai-training", AS_OF, null, 0));
    });
    assertThat(runner(List.of(root, other)).recheckCompleted(ledger, Set.of(), true).reopened()).containsExactly(done.id());

    ForgetRunner.RunReport run = runner(List.of(root, other)).run(new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 2));
    assertThat(run.completed()).isEqualTo(1);
    assertThat(run.replacements()).singleElement().satisfies(r -> {
      assertThat(r.oldSnapshot()).isEqualTo(snapshot.metadata().snapshot());
      assertThat(r.newModel()).as("the model was retrained when the first copy was retired").isNull();
      assertThat(r.contentAbsent()).isTrue();
    });
    assertThat(other.resolve(snapshot.metadata().snapshot()).resolve("FORGOTTEN.json")).isRegularFile();
    ForgetRequest again = queue.find(done.id()).orElseThrow();
    assertThat(again.outcome().replacements()).hasSize(2);
    assertThat(runner(List.of(root, other)).recheck(List.of(again), ledger)).singleElement()
        .satisfies(c -> assertThat(c.holds()).as(c.problems().toString()).isTrue());
  }

  @Test
  void aRunRechecksWhatWasCompletedBeforeItAndReopensWhatCameBack() throws Exception {
    Path modelDir = model.model().directory();
    Path backup = copy(modelDir, temp.resolve("backup"));
    ForgetRunner.Rebuild context = new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 2);
    ForgetRequest m3 = ForgetRequests.pending("m3", ForgetReason.MANUAL, null, Instant.parse("2024-06-20T00:00:00Z"));
    queue.addAll(List.of(m3));
    ForgetRunner.RunAndRecheck first = runner(List.of(root)).runThenRecheck(context);
    assertThat(first.run().completed()).isEqualTo(1);
    assertThat(first.recheck().results()).as("a request this run executed was verified by it").isEmpty();
    assertThat(first.recheckHolds()).isTrue();

    // The model comes back from the backup; a later run for another member finds it and reopens m3's request.
    restoreMissing(backup, modelDir);
    ForgetRequest m4 = ForgetRequests.pending("m4", ForgetReason.MANUAL, null, Instant.parse("2024-06-21T00:00:00Z"));
    queue.addAll(List.of(m4));
    ForgetRunner.RunAndRecheck second = runner(List.of(root)).runThenRecheck(context);
    assertThat(second.run().completed()).isEqualTo(1);
    assertThat(second.recheckHolds()).isFalse();
    assertThat(second.recheck().results()).extracting(c -> c.request().id()).containsExactly(m3.id());
    assertThat(second.recheck().reopened()).containsExactly(m3.id());
    ObjectNode json = second.recheckJson(CLOCK.instant());
    assertThat(json.get("error").isNull()).isTrue();
    assertThat(json.get("checked").asInt()).isEqualTo(1);
    assertThat(json.get("holding").asInt()).isZero();
    assertThat(json.get("reopened").asInt()).isEqualTo(1);
    assertThat(json.get("failed")).singleElement().satisfies(f -> {
      assertThat(f.get("id").asText()).isEqualTo(m3.id());
      assertThat(f.get("reopened").asBoolean()).isTrue();
      assertThat(f.get("problems").toString()).contains("model " + model.model().id(), "deleted artefact(s) back");
    });
    ForgetRequest reopened = queue.find(m3.id()).orElseThrow();
    assertThat(reopened.status()).isEqualTo(ForgetRequest.Status.PENDING);
    assertThat(reopened.deadline()).isEqualTo(m3.deadline());

    // The next run forgets m3 again, and its re-check (of m4) holds.
    ForgetRunner.RunAndRecheck third = runner(List.of(root)).runThenRecheck(context);
    assertThat(third.run().completed()).isEqualTo(1);
    assertThat(third.recheck().results()).extracting(c -> c.request().id()).containsExactly(m4.id());
    assertThat(third.recheckHolds()).isTrue();
    assertThat(queue.find(m3.id()).orElseThrow().status()).isEqualTo(ForgetRequest.Status.COMPLETED);
  }

  @Test
  void aShardRestoredAfterTheLineageIndexWasWrittenIsFoundFromTheFilesNotTheIndex() throws Exception {
    Path original = snapshot.directory();
    Path backup = temp.resolve("backup");
    copyKeepingTimes(original, backup);
    ForgetRequest done = forget("m3", List.of(root));
    int number = ledger.memberNumber("m3").orElseThrow();

    // The lineage index ("lethe where") is written after the forgetting and says no snapshot holds m3.
    age(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.where(number)).isEmpty();
    }
    assertThat(root.resolve(LineageIndex.DIRECTORY).resolve("index")).isRegularFile();
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).as("the stored index is current before the restore").isFalse();
    }
    assertThat(runner(List.of(root)).recheck(List.of(done), ledger)).singleElement()
        .satisfies(c -> assertThat(c.holds()).as(c.problems().toString()).isTrue());

    // A backup tool restores the retired snapshot's deleted files with their old times, and the
    // directory's time as it was: only the files' presence (and their inodes) tells.
    FileTime directoryTime = Files.getLastModifiedTime(original);
    try (Stream<Path> files = Files.list(backup)) {
      for (Path f : files.toList()) {
        if (!Files.exists(original.resolve(f.getFileName().toString()))) {
          Files.copy(f, original.resolve(f.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    Files.setLastModifiedTime(original, directoryTime);
    assertThat(root.resolve(LineageIndex.DIRECTORY).resolve("index")).as("the stale index is still there").isRegularFile();

    String snapshotId = snapshot.metadata().snapshot();
    assertThat(runner(List.of(root)).recheck(List.of(done), ledger)).singleElement().satisfies(c -> {
      // The bitmap check itself (not only the files-back check) sees the member again.
      assertThat(c.problems()).anySatisfy(p -> assertThat(p)
          .startsWith("retired snapshot " + snapshotId + " in " + root + " holds the member again"));
      assertThat(c.problems()).anySatisfy(p -> assertThat(p).contains("deleted shard or member file(s) back"));
      assertThat(c.findings()).contains(new ForgetRequest.Finding(ForgetRequest.FindingKind.RESTORED_SNAPSHOT,
          snapshotId, "genai-training", AS_OF, null, 0));
    });
    assertThat(runner(List.of(root)).recheckCompleted(ledger, Set.of(), true).reopened()).containsExactly(done.id());
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.where(number)).as("the index, checked against the files, agrees")
          .extracting(h -> h.snapshot().snapshot()).containsExactly(snapshotId);
    }
  }

  @Test
  void aRecheckThatDidNotFinishIsReportedAsAnError() {
    ForgetRunner.RunAndRecheck r = new ForgetRunner.RunAndRecheck(new ForgetRunner.RunReport(0, 0, 0, List.of()), null,
        "snapshot root gone");
    assertThat(r.recheckHolds()).isFalse();
    ObjectNode json = r.recheckJson(CLOCK.instant());
    assertThat(json.get("error").asText()).contains("did not finish", "snapshot root gone");
    assertThat(json.get("at").asText()).isEqualTo("2024-07-01T00:00:00Z");
    assertThat(json.get("failed")).isEmpty();
    assertThatThrownBy(() -> new ForgetRunner.RunAndRecheck(new ForgetRunner.RunReport(0, 0, 0, List.of()), null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRequestThatIsNotCompletedDoesNotHold() throws Exception {
    ForgetRequest pending = ForgetRequests.pending("m1", ForgetReason.MANUAL, null, CLOCK.instant());
    assertThat(runner(List.of(root)).recheck(List.of(pending), ledger)).singleElement()
        .satisfies(c -> assertThat(c.problems()).containsExactly("request " + pending.id() + " is pending, not completed"));
    assertThatThrownBy(() -> pending.reopened(CLOCK.instant(), List.of())).isInstanceOf(IllegalStateException.class);
  }

  private static void copyKeepingTimes(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  /** Sets every time under {@code root} long in the past, as after its files have settled, so the lineage index is stored. */
  private static void age(Path root) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(root)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    }
  }
}
