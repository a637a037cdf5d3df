package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.redact.Detector;
import dev.lethe.store.LedgerStore;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequest;
import dev.lethe.unlearn.forget.ForgetRequests;
import dev.lethe.unlearn.forget.ForgetRunner;
import dev.lethe.unlearn.forget.PlantedCanary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * One forget run, as {@code lethe forget-run} does it: queue the requests the ledger gives rise
 * to by now, then execute every pending one (rebuild the snapshots holding the members, retrain
 * the changed shards, verify, audit, delete the old artefacts). Then every request completed
 * before the run is checked again ({@link ForgetRunner#recheckCompleted}, as {@code lethe
 * verify-forgetting --all --reopen}; both in {@link ForgetRunner#runThenRecheck}): one whose member's data came back (a backup restored, an old
 * volume remounted, a model copied back) gets a {@code forget.recheck} audit leaf and is reopened,
 * so the next run forgets the member again. Not thread-safe: {@link ForgetScheduler} runs one at
 * a time.
 */
final class ForgetJob implements ForgetScheduler.Job {

  private final LedgerStore store;
  private final Path snapshots;
  private final Path models;
  private final Path forget;
  private final Path canaries;
  private final Supplier<Detector> detector;
  private final int threads;
  private final Clock clock;

  /**
   * @param detector the detector the snapshots were built with: a rebuild must redact exactly as
   *     the original build did, or every shard would change
   * @param canaries planted canaries ({@code [{"member","canary","prefix","digits","suffix"}]}),
   *     checked when the file exists
   */
  ForgetJob(LedgerStore store, Path snapshots, Path models, Path forget, Path canaries, Supplier<Detector> detector, int threads,
      Clock clock) {
    this.store = store;
    this.snapshots = snapshots;
    this.models = models;
    this.forget = forget;
    this.canaries = canaries;
    this.detector = detector;
    this.threads = threads;
    this.clock = clock;
  }

  @Override
  public ObjectNode run() throws IOException {
    StoreSnapshots.StoredLedger stored = StoreSnapshots.load(store);
    ForgetQueue queue = ForgetQueue.open(forget);
    List<ForgetRequest> added = queue.addAll(ForgetRequests.derive(stored.events(), stored.ledger(), clock.instant()));
    List<String> pending = queue.list().stream().filter(r -> r.status() == ForgetRequest.Status.PENDING).map(ForgetRequest::id).toList();
    ModelRegistry registry = ModelRegistry.open(models);
    // Every root a build registered (lethe build --out DIR), and this server's own directory if it exists.
    List<Path> roots = SnapshotRoots.roots(store, snapshots);
    // A root, or a snapshot a build recorded in one, that is not there may still hold the members'
    // records on the real volume, and so may another deployment's snapshot among ours: the run
    // forgets in what it can see, completes no request, and reports the gaps.
    SnapshotRoots.Coverage coverage = SnapshotRoots.check(store, roots);
    ForgetRunner runner = new ForgetRunner(queue, registry, Training.of(registry, threads), roots,
        SnapshotEngine.embedded(detector.get()), new StoreAuditSink(store), clock, PlantedCanary.read(canaries));
    // The requests this run executes are verified by it; every other completed one is checked again.
    ForgetRunner.RunAndRecheck result = runner.runThenRecheck(new ForgetRunner.Rebuild(stored.ledger(), stored.sha256(),
        StoreSnapshots.deploymentKey(store), threads, coverage.missingProblems()));
    ForgetRunner.RunReport report = result.run();

    for (ForgetRequest.Replacement r : report.replacements()) {
      SnapshotRoots.recordRebuild(store, r.oldSnapshot(), r.newSnapshot());
    }
    ObjectNode o = Json.object();
    o.put("queued", added.size());
    o.put("executed", report.executed());
    o.put("completed", report.completed());
    o.put("failed", report.failed());
    o.put("blocked", report.blocked());
    // What kept requests from completing, whatever this run did: the operator's to resolve.
    ArrayNode gaps = o.putArray("gaps");
    java.util.Set<String> all = new java.util.LinkedHashSet<>(coverage.forgettingProblems());
    all.addAll(report.gaps()); // what the run found itself (a snapshot it could not read, say)
    all.forEach(gaps::add);
    o.put("snapshots_rebuilt", report.replacements().stream().map(ForgetRequest.Replacement::newSnapshot).distinct().count());
    o.put("records_retrained", report.replacements().stream().mapToLong(ForgetRequest.Replacement::recordsRetrained).sum());
    o.put("records_full_retrain", report.replacements().stream().mapToLong(ForgetRequest.Replacement::recordsFullRetrain).sum());
    ArrayNode requests = o.putArray("requests");
    for (String id : pending) {
      queue.find(id).ifPresent(r -> requests.add(MemberService.forgetJson(UnlearnViews.view(r, true), clock.instant())));
    }
    ArrayNode replacements = o.putArray("replacements");
    for (ForgetRequest.Replacement r : report.replacements()) {
      replacements.addObject()
          .put("old_snapshot", r.oldSnapshot())
          .put("new_snapshot", r.newSnapshot())
          .put("old_model", r.oldModel())
          .put("new_model", r.newModel())
          .put("digests_equal", r.digestsEqual())
          .put("content_absent", r.contentAbsent())
          .put("canaries", r.canaries().size())
          .put("records_retrained", r.recordsRetrained())
          .put("records_full_retrain", r.recordsFullRetrain())
          .put("millis", r.millis());
    }
    o.set("recheck", result.recheckJson(clock.instant()));
    return o;
  }
}
