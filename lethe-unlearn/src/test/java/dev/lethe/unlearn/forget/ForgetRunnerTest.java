package dev.lethe.unlearn.forget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.Hashing;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.unlearn.CanaryFormat;
import dev.lethe.unlearn.Exposure;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.ShardTrainer;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.TrainingReport;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Erasures and retroactive withdrawals, from the ledger to a verified, audited, retrained model. */
class ForgetRunnerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Detector DETECTOR = Detector.of(EnumSet.allOf(EntityType.class), false);
  private static final byte[] KEY = "forget-runner-test-deployment-key".getBytes(StandardCharsets.UTF_8);
  private static final Instant AS_OF = Instant.parse("2024-06-01T00:00:00Z");
  private static final CanaryFormat PIN = new CanaryFormat("my pin is ", 5, "");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-07-01T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path temp;

  /** In-memory audit records: the store is the real sink; unlearn may not depend on it. */
  static final class RecordingAudit implements AuditSink {
    final List<ObjectNode> records = new ArrayList<>();

    @Override
    public long record(String kind, ObjectNode payload) {
      records.add(payload.deepCopy().put("kind", kind));
      return records.size() - 1;
    }

    @Override
    public String commitment(String member) {
      return "hmac-sha256:test-" + Integer.toHexString(member.hashCode());
    }
  }

  private static String ledgerText(int members, String... extra) {
    StringBuilder s = new StringBuilder();
    s.append("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,"
        + "\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
        + "\"retroactive_withdrawal\":true,\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}\n");
    for (int m = 0; m < members; m++) {
      s.append("{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m").append(m)
          .append("\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}\n");
      s.append("{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m").append(m).append("\",\"policy_version\":\"v1\"}\n");
    }
    for (String e : extra) {
      s.append(e).append('\n');
    }
    return s.toString();
  }

  private static List<LedgerLine> lines(String text) throws Exception {
    return LedgerReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private Path content(int members, int posts) throws Exception {
    String[] words = {"the team shipped the release", "we reviewed the budget", "planning the roadmap today",
        "great demo with the client", "testing the prototype again"};
    SplittableRandom random = new SplittableRandom(3);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < posts; i++) {
      out.add(line("c" + i, "m" + (i % members), words[random.nextInt(words.length)] + "."));
    }
    for (int i = 0; i < 3; i++) {
      out.add(line("secret" + i, "m3", "my pin is 58213"));
    }
    Path file = temp.resolve("content.jsonl");
    Files.write(file, out);
    return file;
  }

  private static String line(String id, String member, String text) {
    ObjectNode o = JSON.createObjectNode();
    o.put("content", id).put("member", member).put("kind", "post").put("visibility", "public")
        .put("posted_at", "2024-02-01T00:00:00Z").put("text", text);
    return o.toString();
  }

  @Test
  void anErasureIsForgottenVerifiedAuditedAndTheOldArtefactsDeleted() throws Exception {
    Path snapshots = temp.resolve("snapshots");
    Path content = content(12, 600);
    ConsentLedger before = LedgerReader.load(lines(ledgerText(12))).ledger();
    SnapshotResult snapshot = SnapshotEngine.embedded(DETECTOR).build(before,
        SnapshotRequest.builder("genai-training", AS_OF).content(List.of(content)).outDir(snapshots)
            .redaction(RedactionPolicy.placeholders()).deploymentKey(KEY).threads(2).ledger("ledger", "0".repeat(64))
            .build(), ProgressListener.NONE);
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    Training training = Training.of(registry, 2);
    TrainingReport model = training.train(snapshot.directory(), ShardTrainer.kneserNey(3), 7);
    double exposedBefore = Exposure.of(registry.load(model.model().id()), PIN, "my pin is 58213").exposure();
    assertThat(exposedBefore).as("the canary is memorized before forgetting").isGreaterThan(10);

    List<LedgerLine> after = lines(ledgerText(12,
        "{\"type\":\"erasure.requested\",\"at\":\"2024-06-10T00:00:00Z\",\"member\":\"m3\"}",
        "{\"type\":\"consent.set\",\"at\":\"2024-06-11T00:00:00Z\",\"member\":\"m5\",\"purpose\":\"genai-training\",\"choice\":\"withdraw\",\"source\":\"settings\"}"));
    ConsentLedger ledger = LedgerReader.load(after).ledger();
    List<LedgerEvent> events = after.stream().map(LedgerLine::event).toList();
    List<ForgetRequest> derived = ForgetRequests.derive(events, ledger, CLOCK.instant());
    assertThat(derived).extracting(ForgetRequest::member, ForgetRequest::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("m3", ForgetReason.ERASURE),
            org.assertj.core.groups.Tuple.tuple("m5", ForgetReason.WITHDRAWAL));
    assertThat(derived.get(0).deadline()).isEqualTo(Instant.parse("2024-07-10T00:00:00Z"));

    ForgetQueue queue = ForgetQueue.open(temp.resolve("forget"));
    assertThat(queue.addAll(derived)).hasSize(2);
    assertThat(queue.addAll(ForgetRequests.derive(events, ledger, CLOCK.instant()))).as("deriving again adds nothing").isEmpty();

    RecordingAudit audit = new RecordingAudit();
    ForgetRunner runner = new ForgetRunner(queue, registry, training, snapshots, SnapshotEngine.embedded(DETECTOR), audit, CLOCK,
        List.of(new PlantedCanary("m3", "my pin is 58213", PIN)));
    ForgetRunner.RunReport report = runner.run(new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 2));
    assertThat(report.completed()).isEqualTo(2);
    assertThat(report.failed()).isZero();

    ForgetRequest erasure = queue.find(derived.get(0).id()).orElseThrow();
    assertThat(erasure.status()).isEqualTo(ForgetRequest.Status.COMPLETED);
    assertThat(erasure.outcome().verified()).isTrue();
    assertThat(erasure.outcome().affectedModels()).containsExactly(model.model().id());
    ForgetRequest.Replacement rep = erasure.outcome().replacements().get(0);
    assertThat(rep.digestsEqual()).isTrue();
    assertThat(rep.contentAbsent()).isTrue();
    assertThat(rep.recordsRetrained()).isLessThan(rep.recordsFullRetrain());
    assertThat(rep.canaries()).singleElement().satisfies(c -> {
      assertThat(c.before()).isGreaterThan(10);
      assertThat(c.after()).isLessThan(4).isEqualTo(c.scratch());
    });

    SnapshotCatalog catalog = SnapshotCatalog.open(snapshots);
    int m3 = ledger.memberNumber("m3").orElseThrow();
    assertThat(catalog.where(m3)).as("no snapshot holds m3 any more").isEmpty();
    assertThat(snapshot.directory().resolve("FORGOTTEN.json")).isRegularFile();
    // The tombstone names the verified rebuild, so an earlier failed rebuild of the same snapshot
    // is never taken for its replacement.
    JsonNode tombstone = new ObjectMapper()
        .readTree(snapshot.directory().resolve("FORGOTTEN.json").toFile());
    assertThat(tombstone).singleElement().satisfies(entry -> assertThat(entry.get("rebuild").asText()).isEqualTo(rep.newSnapshot()));
    assertThat(snapshot.directory().resolve("FORGOTTEN.json.tmp")).doesNotExist();
    assertThat(audit.records).hasSize(1).allSatisfy(r -> {
      assertThat(r.get("kind").asText()).isEqualTo(ForgetRunner.AUDIT_KIND);
      assertThat(r.get("passed").asBoolean()).isTrue();
      assertThat(r.toString()).doesNotContain("\"m3\"", "\"m5\"");
    });
    assertThat(ForgetQueue.toJson(erasure).get("new_snapshot").asText()).isEqualTo(rep.newSnapshot());
  }

  @Test
  void aLaterForgettingKeepsEarlierMembersOutAndRetrainsOnlyTheNewMembersShard() throws Exception {
    Path snapshots = temp.resolve("snapshots");
    Path content = content(12, 600);
    SnapshotResult snapshot = SnapshotEngine.embedded(DETECTOR).build(LedgerReader.load(lines(ledgerText(12))).ledger(),
        SnapshotRequest.builder("genai-training", AS_OF).content(List.of(content)).outDir(snapshots)
            .redaction(RedactionPolicy.pseudonymousPeople()).deploymentKey(KEY).threads(2)
            .ledger("ledger", "0".repeat(64)).build(), ProgressListener.NONE);
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    Training training = Training.of(registry, 2);
    training.train(snapshot.directory(), ShardTrainer.kneserNey(3), 7);
    ForgetQueue queue = ForgetQueue.open(temp.resolve("forget"));
    String erase3 = "{\"type\":\"erasure.requested\",\"at\":\"2024-06-10T00:00:00Z\",\"member\":\"m3\"}";
    String erase5 = "{\"type\":\"erasure.requested\",\"at\":\"2024-06-20T00:00:00Z\",\"member\":\"m5\"}";

    List<LedgerLine> first = lines(ledgerText(12, erase3));
    ConsentLedger firstLedger = LedgerReader.load(first).ledger();
    Clock june15 = Clock.fixed(Instant.parse("2024-06-15T00:00:00Z"), ZoneOffset.UTC);
    queue.addAll(ForgetRequests.derive(first.stream().map(LedgerLine::event).toList(), firstLedger, june15.instant()));
    new ForgetRunner(queue, registry, training, snapshots, SnapshotEngine.embedded(DETECTOR), new RecordingAudit(), june15, List.of())
        .run(new ForgetRunner.Rebuild(firstLedger, "1".repeat(64), KEY, 2));

    List<LedgerLine> second = lines(ledgerText(12, erase3, erase5));
    ConsentLedger secondLedger = LedgerReader.load(second).ledger();
    queue.addAll(ForgetRequests.derive(second.stream().map(LedgerLine::event).toList(), secondLedger, CLOCK.instant()));
    ForgetRunner.RunReport report = new ForgetRunner(queue, registry, training, snapshots, SnapshotEngine.embedded(DETECTOR),
        new RecordingAudit(), CLOCK, List.of()).run(new ForgetRunner.Rebuild(secondLedger, "2".repeat(64), KEY, 2));
    assertThat(report.completed()).isEqualTo(1);
    ForgetRequest.Replacement rep = report.replacements().get(0);
    assertThat(rep.digestsEqual()).isTrue();
    assertThat(rep.recordsRetrained()).as("only m5's shard is retrained, pseudonyms are unchanged")
        .isLessThan(rep.recordsFullRetrain());
    SnapshotCatalog catalog = SnapshotCatalog.open(snapshots);
    assertThat(catalog.where(secondLedger.memberNumber("m3").orElseThrow())).as("m3 stays forgotten").isEmpty();
    assertThat(catalog.where(secondLedger.memberNumber("m5").orElseThrow())).isEmpty();
    assertThat(catalog.where(secondLedger.memberNumber("m1").orElseThrow())).as("the others are in the latest rebuild only")
        .singleElement().satisfies(h -> assertThat(h.snapshot().snapshot()).isEqualTo(rep.newSnapshot()));
  }

  @Test
  void aRequestForAMemberWithoutDataCompletesWithNothingToDo() throws Exception {
    List<LedgerLine> after = lines(ledgerText(2, "{\"type\":\"erasure.requested\",\"at\":\"2024-06-10T00:00:00Z\",\"member\":\"m1\"}"));
    ConsentLedger ledger = LedgerReader.load(after).ledger();
    ForgetQueue queue = ForgetQueue.open(temp.resolve("forget"));
    queue.addAll(ForgetRequests.derive(after.stream().map(LedgerLine::event).toList(), ledger, CLOCK.instant()));
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    ForgetRunner runner = new ForgetRunner(queue, registry, Training.of(registry, 1), temp.resolve("snapshots"),
        SnapshotEngine.embedded(DETECTOR), new RecordingAudit(), CLOCK, List.of());
    assertThat(runner.run(new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 1)).completed()).isEqualTo(1);
    assertThat(queue.list()).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(ForgetRequest.Status.COMPLETED);
      assertThat(r.outcome().detail()).contains("no snapshot or model");
      assertThat(r.outcome().tally()).isEqualTo(new ForgetRequest.Tally(0, 0, 0, 0));
      assertThat(r.outcome().tally().nothingHeld()).isTrue();
    });
  }

  @Test
  void runsExcludeEachOtherThroughTheQueuesLockFile() throws Exception {
    List<LedgerLine> after = lines(ledgerText(2, "{\"type\":\"erasure.requested\",\"at\":\"2024-06-10T00:00:00Z\",\"member\":\"m1\"}"));
    ConsentLedger ledger = LedgerReader.load(after).ledger();
    ForgetQueue queue = ForgetQueue.open(temp.resolve("forget"));
    queue.addAll(ForgetRequests.derive(after.stream().map(LedgerLine::event).toList(), ledger, CLOCK.instant()));
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    ForgetRunner runner = new ForgetRunner(queue, registry, Training.of(registry, 1), temp.resolve("snapshots"),
        SnapshotEngine.embedded(DETECTOR), new RecordingAudit(), CLOCK, List.of());
    // A child JVM would hold the lock the same way; within one JVM a held channel lock makes
    // tryLock fail with OverlappingFileLockException, so hold it from a second process.
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), temp.resolve("forget").resolve(".lock").toString())
        .redirectErrorStream(true).start();
    try {
      assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine()).isEqualTo("locked");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.run(new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 1)))
          .isInstanceOf(ForgetRunner.ConcurrentRunException.class);
      assertThat(queue.list()).allSatisfy(r -> assertThat(r.status()).isEqualTo(ForgetRequest.Status.PENDING));
    } finally {
      holder.destroyForcibly().waitFor();
    }
    assertThat(runner.run(new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 1)).completed()).isEqualTo(1);
  }

  /** Holds a lock on a file until killed. */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      Files.createDirectories(file.getParent());
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
              java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
          java.nio.channels.FileLock lock = ch.lock()) {
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(120_000);
      }
    }
  }

  @Test
  void aPolicyThatBlocksARegionForgetsItsMembers() throws Exception {
    String blockUs = "{\"type\":\"policy.published\",\"at\":\"2024-06-01T00:00:00Z\",\"policy\":{\"version\":\"v2\",\"effective\":\"2024-06-15T00:00:00Z\",\"notice_days\":0,"
        + "\"regions\":{\"EEA\":[\"DE\"],\"NA\":[\"US\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
        + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\",\"NA\":\"blocked\"}}}}}";
    List<LedgerLine> after = lines(ledgerText(3, blockUs));
    ConsentLedger ledger = LedgerReader.load(after).ledger();
    List<ForgetRequest> derived = ForgetRequests.derive(after.stream().map(LedgerLine::event).toList(), ledger, CLOCK.instant());
    assertThat(derived).hasSize(3).allSatisfy(r -> {
      assertThat(r.reason()).isEqualTo(ForgetReason.REGION_BLOCKED);
      assertThat(r.receivedAt()).isEqualTo(Instant.parse("2024-06-15T00:00:00Z"));
    });
    assertThat(ForgetRequests.derive(after.stream().map(LedgerLine::event).toList(), ledger, Instant.parse("2024-06-14T00:00:00Z")))
        .as("not before the policy takes effect").isEmpty();
  }

  private static SnapshotResult build(ConsentLedger ledger, Path content, Path snapshots, Instant asOf) throws Exception {
    return SnapshotEngine.embedded(DETECTOR).build(ledger,
        SnapshotRequest.builder("genai-training", asOf).content(List.of(content)).outDir(snapshots)
            .redaction(RedactionPolicy.pseudonymousPeople()).deploymentKey(KEY).threads(2)
            .ledger("ledger", "0".repeat(64)).build(), ProgressListener.NONE);
  }

  @Test
  void aRequestAffectsOnlySnapshotsThatMayHoldDataItCovers() throws Exception {
    Path snapshots = temp.resolve("snapshots");
    Path content = content(12, 240);
    // m5 sends a GPC signal (a retroactive withdrawal) and consents again two days later.
    String gpc5 = "{\"type\":\"gpc.signal\",\"at\":\"2024-06-10T00:00:00Z\",\"member\":\"m5\"}";
    String grant5 = "{\"type\":\"consent.set\",\"at\":\"2024-06-12T00:00:00Z\",\"member\":\"m5\",\"purpose\":\"genai-training\","
        + "\"choice\":\"grant\",\"source\":\"settings\"}";
    ConsentLedger early = LedgerReader.load(lines(ledgerText(12, gpc5, grant5))).ledger();
    SnapshotResult june1 = build(early, content, snapshots, AS_OF);
    SnapshotResult june20 = build(early, content, snapshots, Instant.parse("2024-06-20T00:00:00Z"));
    // Arriving after the June 20 snapshot was built: m6 withdraws (no new consent), m7 asks for erasure.
    List<LedgerLine> all = lines(ledgerText(12, gpc5, grant5,
        "{\"type\":\"consent.set\",\"at\":\"2024-06-15T00:00:00Z\",\"member\":\"m6\",\"purpose\":\"genai-training\","
            + "\"choice\":\"withdraw\",\"source\":\"settings\"}",
        "{\"type\":\"erasure.requested\",\"at\":\"2024-06-16T00:00:00Z\",\"member\":\"m7\"}"));
    ConsentLedger ledger = LedgerReader.load(all).ledger();
    assertThat(ledger.decide("m5", "genai-training", june20.metadata().asOf()).allowed()).as("m5 is allowed again").isTrue();
    SnapshotCatalog before = SnapshotCatalog.open(snapshots);
    assertThat(before.where(ledger.memberNumber("m5").orElseThrow())).hasSize(2);

    ForgetQueue queue = ForgetQueue.open(temp.resolve("forget"));
    List<ForgetRequest> derived = ForgetRequests.derive(all.stream().map(LedgerLine::event).toList(), ledger, CLOCK.instant());
    assertThat(derived).extracting(ForgetRequest::member).containsExactly("m5", "m6", "m7");
    queue.addAll(derived);
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    ForgetRunner runner = new ForgetRunner(queue, registry, Training.of(registry, 1), snapshots, SnapshotEngine.embedded(DETECTOR),
        new RecordingAudit(), CLOCK, List.of());
    ForgetRunner.RunReport report = runner.run(new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 2));
    assertThat(report.completed()).isEqualTo(3);

    ForgetRequest m5 = queue.find(derived.get(0).id()).orElseThrow();
    assertThat(m5.outcome().verified()).isTrue();
    assertThat(m5.outcome().replacements()).as("only the snapshot as of before the signal")
        .singleElement().satisfies(rep -> assertThat(rep.oldSnapshot()).isEqualTo(june1.metadata().snapshot()));
    assertThat(m5.outcome().detail()).contains("1 snapshot(s) as of the request's receipt or later", "left alone");
    assertThat(m5.outcome().tally()).as("counted, so that readers need not parse the sentence")
        .isEqualTo(new ForgetRequest.Tally(1, 1, 0, 0));
    assertThat(m5.outcome().tally().onlyLeftAlone()).isFalse();
    // The late withdrawal's member is not allowed at June 20, so that snapshot is covered too; the erasure covers both.
    assertThat(queue.find(derived.get(1).id()).orElseThrow().outcome().replacements()).hasSize(2);
    assertThat(queue.find(derived.get(2).id()).orElseThrow().outcome().replacements()).hasSize(2);

    SnapshotCatalog after = SnapshotCatalog.open(snapshots);
    assertThat(after.where(ledger.memberNumber("m5").orElseThrow())).as("m5 is in the rebuild of the June 20 snapshot only")
        .singleElement().satisfies(h -> {
          assertThat(h.snapshot().asOf()).isEqualTo(june20.metadata().asOf());
          assertThat(h.snapshot().manifest().path("rebuild_of").asText()).isEqualTo(june20.metadata().snapshot());
        });
    assertThat(after.where(ledger.memberNumber("m6").orElseThrow())).isEmpty();
    assertThat(after.where(ledger.memberNumber("m7").orElseThrow())).isEmpty();
    assertThat(runner.recheck(queue.list(), ledger)).as("a re-consented member's presence does not reopen the request")
        .allSatisfy(r -> assertThat(r.problems()).isEmpty());
  }

  @Test
  void aRequestForAPurposeNoPolicyDefinesFailsAndTouchesNothing() throws Exception {
    Path snapshots = temp.resolve("snapshots");
    List<LedgerLine> lines = lines(ledgerText(4));
    ConsentLedger ledger = LedgerReader.load(lines).ledger();
    SnapshotResult snapshot = build(ledger, content(4, 40), snapshots, AS_OF);
    ForgetQueue queue = ForgetQueue.open(temp.resolve("forget"));
    ForgetRequest typo = ForgetRequests.pending("m1", ForgetReason.MANUAL, "genai-trainin", CLOCK.instant());
    queue.addAll(List.of(typo));
    assertThat(ForgetRequests.purposeProblem(ledger, "genai-trainin"))
        .isEqualTo("\"genai-trainin\" is not defined by any policy in the ledger (defined: genai-training)");
    assertThat(ForgetRequests.purposeProblem(ledger, "genai-training")).isNull();
    assertThat(ForgetRequests.purposeProblem(ledger, null)).isNull();

    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    ForgetRunner runner = new ForgetRunner(queue, registry, Training.of(registry, 1), snapshots, SnapshotEngine.embedded(DETECTOR),
        new RecordingAudit(), CLOCK, List.of());
    ForgetRunner.RunReport report = runner.run(new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 1));
    assertThat(report.failed()).isEqualTo(1);
    ForgetRequest failed = queue.find(typo.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(ForgetRequest.Status.FAILED);
    assertThat(failed.outcome().verified()).isFalse();
    assertThat(failed.outcome().detail()).contains("\"genai-trainin\" is not defined", "nothing was done");
    assertThat(failed.outcome().tally()).as("a run that could not look counts nothing, not zeros").isNull();
    assertThat(snapshot.directory().resolve("FORGOTTEN.json")).doesNotExist();

    // A request completed as "verified" before runs refused it does not hold when checked again.
    ForgetRequest falselyCompleted = typo.executed(ForgetRequest.Status.COMPLETED, new ForgetRequest.Outcome(CLOCK.instant(),
        List.of(), List.of(), true, "no snapshot or model held the member's data"));
    assertThat(runner.verifyAgain(falselyCompleted, ledger)).singleElement()
        .satisfies(p -> assertThat(p).contains("\"genai-trainin\" is not defined"));
  }

  @Test
  void aContentExportChangedSinceTheBuildKeepsTheRequestPendingAndTheSnapshotWhole() throws Exception {
    OneRequest setting = oneRequest();
    Path snapshots = setting.snapshots();
    Path content = setting.content();
    byte[] original = setting.original();
    SnapshotResult snapshot = setting.snapshot();
    ForgetQueue queue = setting.queue();
    ForgetRequest request = setting.request();
    ForgetRunner runner = setting.runner(SnapshotEngine.embedded(DETECTOR));
    ForgetRunner.Rebuild context = setting.context();

    // One line edited: the rebuild would hold a record the snapshot never had.
    Files.writeString(content, new String(original, StandardCharsets.UTF_8).replace("\"c0\"", "\"c0-edited\""));
    ForgetRunner.RunReport report = runner.run(context);
    assertThat(report.blocked()).isEqualTo(1);
    assertThat(report.failed()).isZero();
    assertThat(report.replacements()).isEmpty();
    ForgetRequest blocked = queue.find(request.id()).orElseThrow();
    assertThat(blocked.status()).as("retryable, not failed").isEqualTo(ForgetRequest.Status.PENDING);
    assertThat(blocked.outcome().detail()).contains("content export " + content, "changed since snapshot "
        + snapshot.metadata().snapshot() + " was built", Hashing.sha256Hex(original) + " recorded", "restore it to rebuild");
    assertThat(snapshot.directory().resolve("FORGOTTEN.json")).doesNotExist();
    try (var files = Files.list(snapshots)) {
      assertThat(files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()).as("no rebuild published")
          .containsExactly(snapshot.directory());
    }

    // Gone: said so, still pending.
    Files.delete(content);
    assertThat(runner.run(context).blocked()).isEqualTo(1);
    assertThat(queue.find(request.id()).orElseThrow().outcome().detail()).contains("content export " + content + " is missing");

    // Back as it was: the next run rebuilds, verifies and completes.
    Files.write(content, original);
    ForgetRunner.RunReport done = runner.run(context);
    assertThat(done.completed()).isEqualTo(1);
    ForgetRequest completed = queue.find(request.id()).orElseThrow();
    assertThat(completed.status()).isEqualTo(ForgetRequest.Status.COMPLETED);
    assertThat(completed.outcome().replacements()).singleElement()
        .satisfies(r -> assertThat(r.oldSnapshot()).isEqualTo(snapshot.metadata().snapshot()));
    assertThat(snapshot.directory().resolve("FORGOTTEN.json")).exists();
  }

  @Test
  void aContentExportChangedWhileTheRebuildReadItKeepsTheRequestPendingAndPublishesNothing() throws Exception {
    OneRequest setting = oneRequest();
    Path content = setting.content();
    SnapshotResult snapshot = setting.snapshot();
    ForgetQueue queue = setting.queue();
    ForgetRequest request = setting.request();
    Path snapshots = setting.snapshots();
    // The export is truncated while the engine reads it: here, as the engine returns, after it
    // hashed the file unchanged at the start.
    SnapshotEngine embedded = SnapshotEngine.embedded(DETECTOR);
    SnapshotEngine truncating = (l, r, p) -> {
      SnapshotResult result = embedded.build(l, r, p);
      Files.write(content, java.util.Arrays.copyOf(setting.original(), setting.original().length / 2));
      return result;
    };
    ForgetRunner.RunReport report = setting.runner(truncating).run(setting.context());
    assertThat(report.blocked()).isEqualTo(1);
    assertThat(report.replacements()).isEmpty();
    assertThat(queue.find(request.id()).orElseThrow().outcome().detail())
        .contains("content export " + content + " changed while snapshot " + snapshot.metadata().snapshot() + " was being rebuilt");
    assertThat(snapshot.directory().resolve("FORGOTTEN.json")).doesNotExist();
    try (var files = Files.list(snapshots)) {
      assertThat(files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()).as("no rebuild published")
          .containsExactly(snapshot.directory());
    }
  }

  /**
   * A snapshot of four members' 40 posts built from one content export, and a pending manual
   * request for m1 in a fresh queue: the setting of the tests of exports that change.
   */
  private record OneRequest(Path snapshots, ConsentLedger ledger, Path content, byte[] original, SnapshotResult snapshot,
      ForgetQueue queue, ForgetRequest request, ModelRegistry registry) {

    ForgetRunner runner(SnapshotEngine engine) {
      return new ForgetRunner(queue, registry, Training.of(registry, 1), snapshots, engine, new RecordingAudit(), CLOCK, List.of());
    }

    ForgetRunner.Rebuild context() {
      return new ForgetRunner.Rebuild(ledger, "1".repeat(64), KEY, 1);
    }
  }

  private OneRequest oneRequest() throws Exception {
    Path snapshots = temp.resolve("snapshots");
    ConsentLedger ledger = LedgerReader.load(lines(ledgerText(4))).ledger();
    Path content = content(4, 40);
    byte[] original = Files.readAllBytes(content);
    SnapshotResult snapshot = build(ledger, content, snapshots, AS_OF);
    ForgetQueue queue = ForgetQueue.open(temp.resolve("forget"));
    ForgetRequest request = ForgetRequests.pending("m1", ForgetReason.MANUAL, null, CLOCK.instant());
    queue.addAll(List.of(request));
    return new OneRequest(snapshots, ledger, content, original, snapshot, queue, request,
        ModelRegistry.open(temp.resolve("models")));
  }
  @Test
  void whileAGapRemainsTheVisibleSnapshotsAreForgottenInButNoRequestCompletes() throws Exception {
    Path ours = temp.resolve("ours");
    Path gone = temp.resolve("gone");
    Path content = content(12, 240);
    ConsentLedger before = LedgerReader.load(lines(ledgerText(12))).ledger();
    SnapshotResult snapshot = build(before, content, ours, AS_OF);
    // Another deployment's snapshot of the same export, copied in among ours: its bitmaps number
    // its own members, so reading them as ours would forget (and delete) the wrong records.
    byte[] otherKey = "another-deployment-key".getBytes(StandardCharsets.UTF_8);
    SnapshotResult other = SnapshotEngine.embedded(DETECTOR).build(before,
        SnapshotRequest.builder("genai-training", AS_OF).content(List.of(content)).outDir(temp.resolve("theirs"))
            .redaction(RedactionPolicy.placeholders()).deploymentKey(otherKey).threads(2).ledger("ledger", "0".repeat(64))
            .build(), ProgressListener.NONE);
    Path foreign = dev.lethe.testkit.Trees.copy(other.directory(), ours.resolve(other.metadata().snapshot()));
    byte[] foreignManifest = Files.readAllBytes(foreign.resolve("manifest.json"));

    List<LedgerLine> after = lines(ledgerText(12, "{\"type\":\"erasure.requested\",\"at\":\"2024-06-10T00:00:00Z\",\"member\":\"m3\"}"));
    ConsentLedger ledger = LedgerReader.load(after).ledger();
    ForgetQueue queue = ForgetQueue.open(temp.resolve("forget"));
    queue.addAll(ForgetRequests.derive(after.stream().map(LedgerLine::event).toList(), ledger, CLOCK.instant()));
    String id = queue.list().get(0).id();
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    ForgetRunner runner = new ForgetRunner(queue, registry, Training.of(registry, 2), List.of(ours, gone),
        SnapshotEngine.embedded(DETECTOR), new RecordingAudit(), CLOCK, List.of());
    ForgetRunner.Rebuild context = new ForgetRunner.Rebuild(ledger, "0".repeat(64), KEY, 2,
        List.of("snapshot x recorded in /elsewhere is missing"));

    ForgetRunner.RunReport held = runner.run(context);
    assertThat(held.completed()).isZero();
    assertThat(held.blocked()).isEqualTo(1);
    assertThat(held.replacements()).singleElement()
        .satisfies(r -> assertThat(r.oldSnapshot()).isEqualTo(snapshot.metadata().snapshot()));
    assertThat(snapshot.directory().resolve("FORGOTTEN.json")).as("m3 is forgotten where it can be").exists();
    assertThat(Files.readAllBytes(foreign.resolve("manifest.json"))).isEqualTo(foreignManifest);
    assertThat(foreign.resolve("FORGOTTEN.json")).as("the other deployment's snapshot is left alone").doesNotExist();
    ForgetRequest pending = queue.find(id).orElseThrow();
    assertThat(pending.status()).isEqualTo(ForgetRequest.Status.PENDING);
    assertThat(pending.outcome().detail()).contains("snapshot root " + gone, "missing or unreadable",
        other.metadata().snapshot(), "another deployment", "snapshot x recorded in /elsewhere is missing");
    assertThat(pending.outcome().replacements()).hasSize(1);

    // Still a gap: nothing more to rebuild, still not complete.
    ForgetRunner.RunReport again = runner.run(context);
    assertThat(again.replacements()).isEmpty();
    assertThat(queue.find(id).orElseThrow().status()).isEqualTo(ForgetRequest.Status.PENDING);

    // Every gap resolved: the run completes the request with what the first one verified.
    Files.createDirectories(gone);
    dev.lethe.testkit.Trees.delete(foreign);
    ForgetRunner.RunReport done = runner.run(new ForgetRunner.Rebuild(ledger, "0".repeat(64), KEY, 2));
    assertThat(done.completed()).isEqualTo(1);
    ForgetRequest completed = queue.find(id).orElseThrow();
    assertThat(completed.status()).isEqualTo(ForgetRequest.Status.COMPLETED);
    assertThat(completed.outcome().verified()).isTrue();
    assertThat(completed.outcome().replacements()).singleElement()
        .satisfies(r -> assertThat(r.oldSnapshot()).isEqualTo(snapshot.metadata().snapshot()));
    // The record says what was removed, though the run that removed it was an earlier one.
    assertThat(completed.outcome().detail()).startsWith("removed from 1 snapshot(s)");
    assertThat(completed.outcome().tally().snapshotsRebuilt()).isEqualTo(1);
    assertThat(completed.outcome().tally().nothingHeld()).isFalse();
  }


  @Test
  void aSnapshotThatCannotBeReadIsAGapWhileTheOthersInItsRootAreForgottenIn() throws Exception {
    Path root = temp.resolve("root");
    Path content = content(12, 120);
    ConsentLedger before = LedgerReader.load(lines(ledgerText(12))).ledger();
    SnapshotResult readable = build(before, content, root, AS_OF);
    SnapshotResult broken = build(before, content, root, AS_OF.minusSeconds(86_400));
    Files.writeString(broken.directory().resolve("manifest.json"), "{broken");
    List<LedgerLine> after = lines(ledgerText(12, "{\"type\":\"erasure.requested\",\"at\":\"2024-06-10T00:00:00Z\",\"member\":\"m3\"}"));
    ConsentLedger ledger = LedgerReader.load(after).ledger();
    ForgetQueue queue = ForgetQueue.open(temp.resolve("forget"));
    queue.addAll(ForgetRequests.derive(after.stream().map(LedgerLine::event).toList(), ledger, CLOCK.instant()));
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    ForgetRunner.RunReport report = new ForgetRunner(queue, registry, Training.of(registry, 2), List.of(root),
        SnapshotEngine.embedded(DETECTOR), new RecordingAudit(), CLOCK, List.of()).run(new ForgetRunner.Rebuild(ledger, "0".repeat(64), KEY, 2));
    assertThat(report.replacements()).singleElement()
        .satisfies(r -> assertThat(r.oldSnapshot()).isEqualTo(readable.metadata().snapshot()));
    assertThat(report.completed()).isZero();
    assertThat(report.blocked()).isEqualTo(1);
    assertThat(report.gaps()).singleElement().asString().contains(broken.directory().toString(), "cannot be read");
    assertThat(queue.list().get(0).outcome().detail()).contains(broken.directory().toString());
  }
}
