package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.RecordedSnapshot;
import dev.lethe.store.StoreConfig;
import dev.lethe.testkit.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's per-snapshot records against what the roots hold: a recorded snapshot that is gone,
 * half there or unreadable is a gap like an unreadable root; one that is there but was never
 * recorded is still found; a retirement removes both the directory and the record, audited.
 */
class SnapshotRootsTest {

  @TempDir Path temp;

  /** Two snapshots built into {@code root} (as of 1 and 2 December), not yet recorded. */
  private List<SnapshotResult> build(Path root) throws Exception {
    Path ledgerFile = temp.resolve("ledger.jsonl");
    Path content = temp.resolve("content.jsonl");
    if (!Files.exists(content)) {
      CrashTest.writeInputs(ledgerFile, content, 30, 2);
    }
    ConsentLedger ledger = PipelineFixtures.load(ledgerFile).ledger();
    // Built by the store's own deployment, as `lethe build` does: another key's would be foreign.
    byte[] key;
    try (LedgerStore store = store()) {
      key = StoreSnapshots.deploymentKey(store);
    }
    List<SnapshotResult> results = new ArrayList<>();
    for (Instant asOf : List.of(Instant.parse("2024-12-01T00:00:00Z"), Instant.parse("2024-12-02T00:00:00Z"))) {
      results.add(SnapshotEngine.embedded(PipelineFixtures.DETECTOR)
          .build(ledger, PipelineFixtures.request("genai-training", asOf, List.of(content), root, 2).toBuilder()
              .deploymentKey(key).build(), ProgressListener.NONE));
    }
    return results;
  }

  private LedgerStore store() {
    return LedgerStore.open(StoreConfig.embedded(temp.resolve("data")));
  }

  private static String id(SnapshotResult r) {
    return r.metadata().snapshot();
  }

  @Test
  void aRecordedSnapshotThatIsNotWholeIsAGapAndAnUnrecordedOneIsStillFound() throws Exception {
    Path root = SnapshotRoots.canonical(Files.createDirectories(temp.resolve("root")));
    List<SnapshotResult> built = build(root);
    try (LedgerStore store = store()) {
      SnapshotRoots.record(store, root, built.get(0));
      SnapshotRoots.record(store, root, built.get(0)); // a byte-identical rebuild records nothing new
      assertThat(store.recordedSnapshots()).extracting(RecordedSnapshot::snapshot).containsExactly(id(built.get(0)));
      assertThat(store.snapshotRoots()).containsExactly(root);
      SnapshotRoots.Coverage whole = SnapshotRoots.coverage(store, temp.resolve("no-default"));
      assertThat(whole.complete()).isTrue();
      assertThat(whole.reachable()).containsExactly(root);
      // The second snapshot was never recorded (built before the records): the listing still finds it.
      assertThat(SnapshotCatalog.open(root).snapshots()).extracting(SnapshotCatalog.Entry::snapshot)
          .containsExactly(id(built.get(0)), id(built.get(1)));

      Path dir = built.get(0).directory();
      Path shard = dir.resolve(built.get(0).metadata().shards().get(0).file());
      byte[] kept = Files.readAllBytes(shard);
      Files.delete(shard);
      assertThat(SnapshotRoots.check(store, List.of(root)).missing()).singleElement()
          .satisfies(m -> assertThat(m.problem()).matches("lacks the files of 1 of its [0-9]+ shards"));
      Files.write(shard, kept);
      // Forgetting deletes the shards of a snapshot it replaced, and says so in FORGOTTEN.json.
      Files.writeString(dir.resolve("FORGOTTEN.json"), "[]");
      Files.delete(shard);
      assertThat(SnapshotRoots.check(store, List.of(root)).complete()).isTrue();
      Files.write(shard, kept);
      Files.delete(dir.resolve("FORGOTTEN.json"));

      Path manifest = dir.resolve(SnapshotFiles.MANIFEST);
      byte[] manifestBytes = Files.readAllBytes(manifest);
      Files.writeString(manifest, "{\"snapshot\":");
      assertThat(SnapshotRoots.check(store, List.of(root)).missing()).singleElement()
          .satisfies(m -> assertThat(m.problem()).startsWith("has a manifest that cannot be read"));
      Files.write(manifest, manifestBytes);

      // Someone deletes the snapshot by hand: a gap that names it, not "holds nothing".
      Path aside = temp.resolve("aside");
      Files.move(dir, aside);
      SnapshotRoots.Coverage gap = SnapshotRoots.coverage(store, temp.resolve("no-default"));
      assertThat(gap.complete()).isFalse();
      assertThat(gap.unreachable()).isEmpty();
      assertThat(gap.missing()).containsExactly(new SnapshotRoots.MissingSnapshot(root, id(built.get(0)), "is missing"));
      assertThat(gap.forgettingProblems()).singleElement().asString()
          .contains("snapshot " + id(built.get(0)) + " recorded in " + root + " is missing", "--retire " + id(built.get(0)));
      Files.move(aside, dir);

      // An empty stand-in at the root (an unmounted volume's mount point): every recorded snapshot is missing.
      Files.move(root, temp.resolve("real-volume"));
      Files.createDirectories(root);
      SnapshotRoots.record(store, temp.resolve("real-volume"), built.get(1));
      SnapshotRoots.Coverage standIn = SnapshotRoots.check(store, List.of(root));
      assertThat(standIn.missing()).extracting(SnapshotRoots.MissingSnapshot::snapshot).containsExactly(id(built.get(0)));
      assertThat(SnapshotCatalog.open(root).snapshots()).as("the listing alone reads as empty").isEmpty();
      Files.delete(root);
      assertThat(SnapshotRoots.check(store, List.of(root)).unreachable()).containsExactly(root);
    }
  }

  @Test
  void retiringDeletesTheDirectoryAndTheRecordAndIsAudited() throws Exception {
    Path root = SnapshotRoots.canonical(Files.createDirectories(temp.resolve("root")));
    List<SnapshotResult> built = build(root);
    try (LedgerStore store = store()) {
      // A registration by hand records what the root holds, once.
      assertThat(SnapshotRoots.recordPublished(store, root, id -> true)).containsExactlyInAnyOrder(id(built.get(0)), id(built.get(1)));
      assertThat(SnapshotRoots.recordPublished(store, root, id -> true)).isEmpty();
      long leaves = store.auditSize();

      // Left over by a retirement interrupted after its rename.
      Files.createDirectories(root.resolve(".retiring-" + id(built.get(0)) + "-old").resolve("x"));
      SnapshotRoots.Retirement r = SnapshotRoots.retire(store, root, id(built.get(0)));
      assertThat(r).isEqualTo(new SnapshotRoots.Retirement(root, true, true, leaves));
      try (Stream<Path> left = Files.list(root)) {
        assertThat(left.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".sources") && !n.equals(".lock")).toList())
            .containsExactly(id(built.get(1)));
      }
      assertThat(root.resolve(".sources").resolve(id(built.get(0)) + ".json")).doesNotExist();
      assertThat(root.resolve(".sources").resolve(id(built.get(1)) + ".json")).exists();
      assertThat(store.recordedSnapshots()).extracting(RecordedSnapshot::snapshot).containsExactly(id(built.get(1)));
      assertThat(store.auditSize()).isEqualTo(leaves + 1);

      // Deleted by hand first: retiring removes the record, and the gap with it.
      Path dir = built.get(1).directory();
      Trees.delete(dir);
      assertThat(SnapshotRoots.check(store, List.of(root)).complete()).isFalse();
      assertThat(SnapshotRoots.retire(store, root, id(built.get(1))).deleted()).isFalse();
      assertThat(SnapshotRoots.check(store, List.of(root)).complete()).isTrue();
      assertThat(store.recordedSnapshots()).isEmpty();
      assertThat(store.verifyAudit().ok()).isTrue();
    }
  }
}
