package dev.lethe.cli;

import dev.lethe.pipeline.LineageIndex;
import dev.lethe.pipeline.ManifestReads;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.store.LedgerStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Where snapshots live: {@code snapshots/} under the data directory when no {@code --out} is
 * given, and every other directory a build published into, which the store keeps a registry of
 * so that {@code where}, {@code snapshots} and forgetting find them without being told; and the
 * store's record of each snapshot a build published, so that a root that lost one is a gap.
 */
final class SnapshotDirs {

  private SnapshotDirs() {}

  static Path defaultDir(StoreOptions store) {
    Path data = store.data != null ? store.data : Path.of(System.getProperty("user.home"), ".lethe");
    return data.resolve("snapshots");
  }

  /** The form a root is registered and compared in (see {@link SnapshotRoots#canonical}). */
  static Path canonical(Path root) {
    return SnapshotRoots.canonical(root);
  }

  /** Records that a build published into {@code root}; idempotent. */
  static void register(LedgerStore ledger, Path root) {
    SnapshotRoots.register(ledger, root);
  }

  /**
   * Every root to answer over or forget in, sorted: the registered ones (which may no longer
   * exist; callers must say so) and the default directory when it exists, since builds from
   * before the registry, and the demo, published there without registering it.
   */
  static List<Path> roots(LedgerStore ledger, StoreOptions store) {
    return SnapshotRoots.roots(ledger, defaultDir(store));
  }

  /** Records that a build published {@code result} in {@code root} (registering the root); idempotent. */
  static void record(LedgerStore ledger, Path root, SnapshotResult result) {
    SnapshotRoots.record(ledger, root, result);
  }

  /** The roots (canonical) checked against the store's records; see {@link SnapshotRoots#check}. */
  static SnapshotRoots.Coverage check(LedgerStore ledger, Collection<Path> roots) {
    return SnapshotRoots.check(ledger, roots);
  }

  /** As {@link #check(LedgerStore, Collection)}, reading the manifests through {@code manifests}. */
  static SnapshotRoots.Coverage check(LedgerStore ledger, Collection<Path> roots, ManifestReads manifests) {
    return SnapshotRoots.check(ledger, roots, manifests);
  }

  /**
   * Prints one line per gap of an answer: {@code lethe: snapshot root R is missing or unreadable;
   * TAIL} and {@code lethe: snapshot S recorded in R is missing; TAIL}.
   */
  static void reportGaps(SnapshotRoots.Coverage coverage, PrintWriter err, String tail) {
    coverage.unreachable().forEach(root -> err.println("lethe: snapshot root " + root + " is missing or unreadable; " + tail));
    coverage.missing().forEach(m -> err.println("lethe: " + m.describe() + "; " + tail));
    // Not a gap (exit 0): another deployment's snapshot is not ours to list, but never silently.
    coverage.foreign().forEach(f -> err.println("lethe: " + f.describe() + ", not this one: skipped"));
    err.flush();
  }

  /**
   * The lineage index of a reachable root of {@code coverage}. It is written into the root only if
   * the root holds every snapshot recorded in it: a root that lacks one may be an unmounted
   * volume's mount point, where nothing should be written.
   */
  static LineageIndex lineage(Path root, SnapshotRoots.Coverage coverage) throws IOException {
    boolean whole = coverage.missing().stream().noneMatch(m -> m.root().equals(root));
    return whole ? LineageIndex.open(root) : LineageIndex.openReadOnly(root);
  }

  /** Whether a root can be listed; one that cannot must never count as holding nothing. */
  static boolean reachable(Path root) {
    return SnapshotRoots.reachable(root);
  }
}
