package dev.lethe.cli;

import dev.lethe.pipeline.DetectionCache;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.Span;
import dev.lethe.server.StoreAuditSink;
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
import java.util.Set;

/**
 * The forgetting setup shared by the commands: where the queue, models, snapshots and planted
 * canaries live under the data directory, and how requests are synchronised with the ledger.
 */
final class Forgetting {

  private Forgetting() {}

  static Path queueDir(StoreOptions store) {
    return dataDir(store).resolve("forget");
  }

  static Path dataDir(StoreOptions store) {
    return store.data != null ? store.data : Path.of(System.getProperty("user.home"), ".lethe");
  }

  /** Queues the requests the ledger gives rise to by now; returns the new ones. */
  static List<ForgetRequest> sync(StoreSnapshots.StoredLedger stored, ForgetQueue queue, Clock clock) throws IOException {
    return queue.addAll(ForgetRequests.derive(stored.events(), stored.ledger(), clock.instant()));
  }

  /** Canaries planted by the demo or a test, listed in {@code DATA/canaries.json}; none if absent. */
  static List<PlantedCanary> canaries(StoreOptions store) throws IOException {
    return PlantedCanary.read(dataDir(store).resolve("canaries.json"));
  }

  /**
   * The runner over every snapshot root (see {@link SnapshotDirs#roots}): a registered root that
   * is missing or unreadable makes its runs and verifications fail rather than pass over it.
   */
  static ForgetRunner runner(LedgerStore ledger, StoreOptions store, Clock clock, Detector detector, int threads)
      throws IOException {
    ModelRegistry registry = ModelRegistry.open(ModelDirs.defaultDir(store));
    return new ForgetRunner(ForgetQueue.open(queueDir(store)), registry, Training.of(registry, threads),
        SnapshotDirs.roots(ledger, store), SnapshotEngine.embedded(detector), new StoreAuditSink(ledger), clock, canaries(store));
  }

  /**
   * Why forgetting cannot run over every snapshot root now, one line each (empty if it can): a
   * root that is missing or unreadable, or a snapshot the store recorded in a root that does not
   * hold it (whole). Either may still hold a member's records on the real volume, so forgetting
   * must fail closed rather than count it as holding nothing.
   */
  static List<String> gaps(LedgerStore ledger, StoreOptions store) {
    return coverage(ledger, store).forgettingProblems();
  }

  /** The coverage of every snapshot root against the store's records ({@link SnapshotRoots#check}). */
  static SnapshotRoots.Coverage coverage(LedgerStore ledger, StoreOptions store) {
    return SnapshotDirs.check(ledger, SnapshotDirs.roots(ledger, store));
  }

  /** Records each rebuild of a run wherever its original was recorded (see {@link SnapshotRoots#recordRebuild}). */
  static void recordRebuilds(LedgerStore ledger, ForgetRunner.RunReport report) throws IOException {
    for (ForgetRequest.Replacement r : report.replacements()) {
      SnapshotRoots.recordRebuild(ledger, r.oldSnapshot(), r.newSnapshot());
    }
  }

  /**
   * The detector snapshot builds use; rebuilds must redact exactly as the original builds did.
   * Loaded on first use: its name finder takes about a second of CPU and 300 MB of allocation to
   * load (on the demo store), and a run with nothing to rebuild (a scheduled run that only
   * re-checks, or {@code verify-forgetting}) never detects anything.
   */
  static Detector standardDetector() {
    return new LazyDetector();
  }

  /** {@link Detector#standard} behind a cache, created by the first call that needs it. */
  private static final class LazyDetector implements Detector {
    private volatile Detector loaded;

    private Detector get() {
      Detector d = loaded;
      if (d == null) {
        synchronized (this) {
          d = loaded;
          if (d == null) {
            d = DetectionCache.of(Detector.standard(), 2_000_000);
            loaded = d;
          }
        }
      }
      return d;
    }

    @Override
    public List<Span> detect(String text, DetectionContext context) {
      return get().detect(text, context);
    }

    @Override
    public Set<EntityType> types() {
      return get().types();
    }
  }
}
