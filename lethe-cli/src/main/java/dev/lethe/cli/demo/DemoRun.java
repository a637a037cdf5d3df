package dev.lethe.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.DetectionCache;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.pipeline.report.ComplianceFacts;
import dev.lethe.pipeline.report.ComplianceReport;
import dev.lethe.redact.Detector;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.server.ComplianceFactsCollector;
import dev.lethe.server.StoreAuditSink;
import dev.lethe.store.Append;
import dev.lethe.store.audit.AuditReport;
import dev.lethe.store.EventRejectedException;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreConfig;
import dev.lethe.store.audit.SignedCheckpoint;
import dev.lethe.unlearn.CanaryFormat;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.ShardTrainer;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.TrainingReport;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequest;
import dev.lethe.unlearn.forget.ForgetRequests;
import dev.lethe.unlearn.forget.ForgetRunner;
import dev.lethe.unlearn.forget.PlantedCanary;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The demo's story, step by step, on the embedded store. Time is simulated: the ledger's events
 * are imported up to each stage's date and every step runs with a clock fixed at that date, as
 * a platform running Lethe daily would have seen them.
 */
public final class DemoRun {

  static final String PURPOSE = "genai-training";
  /** Snapshot dates: before members were told, after the UK block, under the November terms. */
  static final List<Instant> SNAPSHOTS = List.of(
      Instant.parse("2024-09-01T00:00:00Z"), Instant.parse("2024-10-01T00:00:00Z"), Instant.parse("2024-12-01T00:00:00Z"));
  /** Days the forget queue also runs on, as a scheduled job would (every two weeks here). */
  static final List<Instant> FORGET_RUNS = List.of(Instant.parse("2024-10-15T00:00:00Z"), Instant.parse("2024-11-01T00:00:00Z"),
      Instant.parse("2024-11-15T00:00:00Z"));
  static final Instant END = Instant.parse("2024-12-16T00:00:00Z");

  private final Path out;
  private final int members;
  private final long seed;
  private final int threads;
  private final PrintWriter log;
  private final long started = System.nanoTime();

  public DemoRun(Path out, int members, long seed, int threads, PrintWriter log) {
    this.out = out;
    this.members = members;
    this.seed = seed;
    this.threads = threads;
    this.log = log;
  }

  /** Where the demo's results are. */
  public record Result(Path data, Path reportHtml, Path reportJson, Path bundle, long seconds, boolean allChecksPassed) {}

  public Result run() throws IOException, EventRejectedException {
    step("generating a synthetic platform of " + members + " members");
    SyntheticPlatform.Output platform = SyntheticPlatform.generate(out.resolve("input"), members, seed);
    done(String.format("%,d members in %d countries, %,d ledger events, %,d content records, %d canaries",
        platform.members().size(), platform.countries(), platform.events(), platform.contentRecords(), platform.canaries().size()));

    Path data = out.resolve("data");
    Files.createDirectories(data);
    writeCanaries(data.resolve("canaries.json"), platform.canaries());
    List<LedgerLine> lines;
    try (InputStream in = Files.newInputStream(platform.ledger())) {
      lines = LedgerReader.read(in);
    } catch (dev.lethe.core.ledger.LedgerFormatException e) {
      throw new IOException("the generated ledger is invalid: " + e.getMessage(), e);
    }
    Detector detector = DetectionCache.of(Detector.standard(), 2_000_000);
    SnapshotEngine engine = SnapshotEngine.embedded(detector);
    ModelRegistry registry = ModelRegistry.open(data.resolve("models"));
    Training training = Training.of(registry, threads);
    List<PlantedCanary> canaries = platform.canaries().stream()
        .map(c -> new PlantedCanary(c.member(), c.canary(), new CanaryFormat(c.prefix(), SyntheticPlatform.CANARY_DIGITS, "")))
        .toList();
    int imported = 0;
    List<Instant> stages = new ArrayList<>(SNAPSHOTS);
    stages.addAll(FORGET_RUNS);
    stages.add(END);
    stages.sort(null);
    for (Instant stage : stages) {
      Clock clock = Clock.fixed(stage, ZoneOffset.UTC);
      try (LedgerStore store = LedgerStore.open(StoreConfig.embedded(data).withClock(clock))) {
        step(day(stage) + ": importing the ledger up to this day");
        int before = imported;
        imported = importUpTo(store, lines, imported, stage);
        done(String.format("%,d events imported (%,d in the store)", imported - before, store.eventCount()));
        StoreSnapshots.StoredLedger stored = StoreSnapshots.load(store);
        byte[] key = StoreSnapshots.deploymentKey(store);
        if (SNAPSHOTS.contains(stage)) {
          step(day(stage) + ": building the " + PURPOSE + " snapshot as of this day");
          SnapshotRequest request = SnapshotRequest.builder(PURPOSE, stage).content(List.of(platform.content()))
              .outDir(data.resolve("snapshots")).shardsPerGroup(16).redaction(RedactionPolicy.pseudonymousPeople())
              .deploymentKey(key).threads(threads).ledger("ledger", stored.sha256())
              .forgottenSinceAsOf(stored.forgottenSinceAsOf(PURPOSE, stage, clock.instant(),
                  dev.lethe.pipeline.ManualForgets.read(data.resolve("forget")))).build();
          SnapshotResult snapshot = engine.build(stored.ledger(), request, ProgressListener.NONE);
          StoreSnapshots.audit(store, snapshot);
          done(String.format("snapshot %s: %,d records included, %,d excluded %s", snapshot.metadata().snapshot(),
              snapshot.metadata().included(), snapshot.metadata().excluded().values().stream().mapToLong(Long::longValue).sum(),
              snapshot.metadata().excluded()));
          step(day(stage) + ": training the reference model (Kneser-Ney, order 3) on it");
          TrainingReport model = training.train(snapshot.directory(), ShardTrainer.kneserNey(3), seed);
          done(String.format("model %s from %d shards, %,d records", model.model().id(), model.trainedShards().size(),
              model.recordsTrained()));
        }
        step(day(stage) + ": turning erasures, retroactive withdrawals and region blocks into forget requests");
        ForgetQueue queue = ForgetQueue.open(data.resolve("forget"));
        List<ForgetRequest> added = queue.addAll(ForgetRequests.derive(stored.events(), stored.ledger(), clock.instant()));
        ForgetRunner runner = new ForgetRunner(queue, registry, training, data.resolve("snapshots"), engine,
            new StoreAuditSink(store), clock, canaries);
        ForgetRunner.RunReport report = runner.run(new ForgetRunner.Rebuild(stored.ledger(), stored.sha256(), key, threads));
        long retrained = report.replacements().stream().mapToLong(r -> r.recordsRetrained()).sum();
        long full = report.replacements().stream().mapToLong(r -> r.recordsFullRetrain()).sum();
        done(String.format("%d new requests; %d executed: %d verified, %d failed; %d snapshot(s) rebuilt, "
                + "%,d of %,d records retrained (%.0f%% of full retrains)", added.size(), report.executed(), report.completed(),
            report.failed(), report.replacements().stream().map(r -> r.newSnapshot()).distinct().count(), retrained, full,
            full == 0 ? 0.0 : 100.0 * retrained / full));
      }
    }
    return finish(data, lines);
  }

  private Result finish(Path data, List<LedgerLine> lines) throws IOException {
    Clock clock = Clock.fixed(END, ZoneOffset.UTC);
    try (LedgerStore store = LedgerStore.open(StoreConfig.embedded(data).withClock(clock))) {
      step("signing an audit checkpoint and exporting the audit bundle");
      Path bundle = out.resolve("audit-bundle");
      SignedCheckpoint checkpoint = store.exportAuditBundle(bundle);
      AuditReport audit = store.verifyAudit();
      done(String.format("%,d leaves; the store's own verification: %s", store.auditSize(), audit.ok() ? "ok" : "FAILED"));

      step("writing the compliance report");
      ConsentLedger ledger = StoreSnapshots.load(store).ledger();
      List<LedgerEvent> events = lines.stream().map(LedgerLine::event).filter(e -> !e.at().isAfter(END)).toList();
      List<ForgetRequest> requests = ForgetQueue.open(data.resolve("forget")).list();
      ComplianceFacts facts = ComplianceFactsCollector.collect("Lethe compliance report — Data for Generative AI Improvement, 2024",
          END, ledger, events, SnapshotCatalog.open(data.resolve("snapshots")), requests, store::commitment,
          new ComplianceFacts.AuditFacts(checkpoint.checkpoint().size(), checkpoint.note(),
              Base64.getEncoder().encodeToString(checkpoint.checkpoint().root()),
              "java -jar lethe-verify/target/lethe-verify.jar " + bundle));
      Path html = out.resolve("report.html");
      Path json = out.resolve("report.json");
      Files.writeString(html, ComplianceReport.html(facts), StandardCharsets.UTF_8);
      Files.write(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(ComplianceReport.json(facts)));
      boolean passed = audit.ok() && ComplianceFactsCollector.allChecksPass(facts);
      done("report.html and report.json; every check " + (passed ? "passed" : "did NOT pass"));
      return new Result(data, html, json, bundle, (System.nanoTime() - started) / 1_000_000_000L, passed);
    }
  }

  private static int importUpTo(LedgerStore store, List<LedgerLine> lines, int from, Instant until) throws EventRejectedException {
    int i = from;
    List<Append> batch = new ArrayList<>();
    while (i < lines.size() && !lines.get(i).event().at().isAfter(until)) {
      batch.add(new Append(lines.get(i).json().toString(), null));
      i++;
      if (batch.size() == 5_000) {
        store.appendBatch(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      store.appendBatch(batch);
    }
    return i;
  }

  private static void writeCanaries(Path file, List<SyntheticPlatform.Canary> canaries) throws IOException {
    var list = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    for (SyntheticPlatform.Canary c : canaries) {
      list.addObject().put("member", c.member()).put("canary", c.canary()).put("prefix", c.prefix())
          .put("digits", SyntheticPlatform.CANARY_DIGITS).put("suffix", "");
    }
    Files.write(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(list));
  }

  private long stepStart;

  private void step(String what) {
    stepStart = System.nanoTime();
    log.printf("[%5.1f s] %s ...%n", (stepStart - started) / 1e9, what);
    log.flush();
  }

  private void done(String what) {
    log.printf("          %s (%.1f s)%n", what, (System.nanoTime() - stepStart) / 1e9);
    log.flush();
  }

  private static String day(Instant t) {
    return t.toString().substring(0, 10);
  }
}
