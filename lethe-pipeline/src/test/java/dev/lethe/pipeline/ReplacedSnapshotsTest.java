package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How forgetting's records of a replacement (rebuild_of, the tombstone) read back. */
class ReplacedSnapshotsTest {

  @TempDir Path root;

  private void snapshot(String id, String rebuildOf) throws IOException {
    Files.createDirectories(root.resolve(id));
    Files.writeString(root.resolve(id).resolve(SnapshotFiles.MANIFEST),
        "{\"snapshot\":\"" + id + "\"" + (rebuildOf == null ? "" : ",\"rebuild_of\":\"" + rebuildOf + "\"") + "}");
  }

  private void tombstone(String id, String json) throws IOException {
    Files.writeString(root.resolve(id).resolve(ReplacedSnapshots.TOMBSTONE), json);
  }

  @Test
  void onlyATombstoneReplacesASnapshotAndTheFirstEntrySaysWhen() throws IOException {
    snapshot("a", null);
    snapshot("b", "a");
    snapshot("c", "b");
    snapshot("d", null);
    snapshot("e", null);
    tombstone("a", "[{\"at\":\"2024-10-01T00:00:00Z\",\"members\":[],\"removed\":[]},{\"at\":\"2024-11-01T00:00:00Z\"}]");
    // b's rebuild c failed its checks: b keeps its files and stays in use. e's rebuild was deleted by hand.
    tombstone("e", "[{\"at\":\"2024-12-01T00:00:00Z\"}]");
    Files.createDirectories(root.resolve(".build-x"));
    Files.writeString(root.resolve(".build-x").resolve(SnapshotFiles.MANIFEST), "{\"snapshot\":\"x\",\"rebuild_of\":\"d\"}");

    ReplacedSnapshots read = ReplacedSnapshots.read(root);
    assertThat(read.replacement("a")).contains(new ReplacedSnapshots.Replacement("a", List.of("b"), Instant.parse("2024-10-01T00:00:00Z")));
    assertThat(read.replacement("b")).isEmpty();
    assertThat(read.inUse("b")).isTrue();
    assertThat(read.replacement("e")).contains(new ReplacedSnapshots.Replacement("e", List.of(), Instant.parse("2024-12-01T00:00:00Z")));
    assertThat(read.inUse("c")).isFalse();
    assertThat(read.unverifiedRebuildOf("c")).contains("b");
    assertThat(read.unverifiedRebuildOf("b")).as("a rebuild of a tombstoned snapshot is verified").isEmpty();
    assertThat(read.unverifiedRebuilds()).containsExactly(java.util.Map.entry("c", "b"));
    assertThat(read.inUse("d")).as("a hidden build in progress replaces nothing").isTrue();
    assertThat(read.inUse("nowhere")).isTrue();
    assertThat(read.all()).extracting(ReplacedSnapshots.Replacement::snapshot).containsExactly("a", "e");
    assertThat(read.published()).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void aRebuildPublishedBeforeItsOriginalsTombstoneIsUnverifiedUntilTheTombstoneIsWritten() throws IOException {
    snapshot("s", null);
    snapshot("r", "s");
    ReplacedSnapshots before = ReplacedSnapshots.read(root);
    assertThat(before.inUse("s")).as("the original keeps its files and stays in use").isTrue();
    assertThat(before.replacement("s")).isEmpty();
    assertThat(before.inUse("r")).isFalse();
    assertThat(before.unverifiedRebuildOf("r")).contains("s");
    assertThat(ReplacedSnapshots.inUse(entries("s", "r"))).extracting(SnapshotCatalog.Entry::snapshot).containsExactly("s");

    tombstone("s", "[{\"at\":\"2024-10-01T00:00:00Z\"}]");
    ReplacedSnapshots after = ReplacedSnapshots.read(root);
    assertThat(after.inUse("s")).isFalse();
    assertThat(after.replacement("s")).contains(new ReplacedSnapshots.Replacement("s", List.of("r"), Instant.parse("2024-10-01T00:00:00Z")));
    assertThat(after.replacement("s").orElseThrow().filesDeleted()).isTrue();
    assertThat(after.inUse("r")).isTrue();
    assertThat(after.unverifiedRebuildOf("r")).isEmpty();
    assertThat(ReplacedSnapshots.inUse(entries("s", "r"))).extracting(SnapshotCatalog.Entry::snapshot).containsExactly("r");
  }

  @Test
  void onlyTheRebuildTheTombstoneNamesReplacesTheOriginalAndAnEarlierFailedRebuildStaysUnverified() throws IOException {
    // r1's checks failed (the original kept its files); a later run's r2 held, and its tombstone names r2.
    snapshot("s", null);
    snapshot("r1", "s");
    snapshot("r2", "s");
    tombstone("s", "[{\"at\":\"2024-10-01T00:00:00Z\",\"members\":[],\"removed\":[],\"rebuild\":\"r2\"}]");

    ReplacedSnapshots read = ReplacedSnapshots.read(root);
    assertThat(read.replacement("s")).contains(new ReplacedSnapshots.Replacement("s", List.of("r2"), Instant.parse("2024-10-01T00:00:00Z")));
    assertThat(read.inUse("r2")).isTrue();
    assertThat(read.unverifiedRebuildOf("r2")).isEmpty();
    assertThat(read.inUse("r1")).isFalse();
    assertThat(read.unverifiedRebuildOf("r1")).contains("s");
    assertThat(read.unverifiedRebuilds()).containsExactly(java.util.Map.entry("r1", "s"));
    assertThat(ReplacedSnapshots.inUse(entries("s", "r1", "r2"))).extracting(SnapshotCatalog.Entry::snapshot).containsExactly("r2");

    // The named rebuild deleted by hand: the original stays replaced by nothing published, r1 still unverified.
    Files.delete(root.resolve("r2").resolve(SnapshotFiles.MANIFEST));
    Files.delete(root.resolve("r2"));
    ReplacedSnapshots without = ReplacedSnapshots.read(root);
    assertThat(without.replacement("s").orElseThrow().replacedBy()).isEmpty();
    assertThat(without.unverifiedRebuildOf("r1")).contains("s");
  }

  @Test
  void aTombstoneThatNamesNoRebuildCountsEveryRebuildOfItAsTheReplacement() throws IOException {
    // Written before tombstones named the rebuild: which of the two held cannot be told from the root.
    snapshot("s", null);
    snapshot("r1", "s");
    snapshot("r2", "s");
    tombstone("s", "[{\"at\":\"2024-10-01T00:00:00Z\"},{\"at\":\"2024-11-01T00:00:00Z\",\"rebuild\":null}]");

    ReplacedSnapshots read = ReplacedSnapshots.read(root);
    assertThat(read.replacement("s").orElseThrow().replacedBy()).containsExactly("r1", "r2");
    assertThat(read.unverifiedRebuilds()).isEmpty();
    assertThat(ReplacedSnapshots.inUse(entries("s", "r1", "r2"))).extracting(SnapshotCatalog.Entry::snapshot).containsExactly("r1", "r2");
  }

  @Test
  void aRebuildWhoseOriginalIsNoLongerPublishedCountsAsInUse() throws IOException {
    snapshot("r", "gone");
    assertThat(ReplacedSnapshots.read(root).inUse("r")).isTrue();
    assertThat(ReplacedSnapshots.inUse(entries("r"))).extracting(SnapshotCatalog.Entry::snapshot).containsExactly("r");
  }

  /** Catalog entries of the snapshots with these ids in the root, with only what the rule reads. */
  private List<SnapshotCatalog.Entry> entries(String... ids) throws IOException {
    List<SnapshotCatalog.Entry> out = new java.util.ArrayList<>();
    for (String id : ids) {
      Path dir = root.resolve(id);
      com.fasterxml.jackson.databind.JsonNode manifest =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve(SnapshotFiles.MANIFEST).toFile());
      out.add(new SnapshotCatalog.Entry(id, dir, "p", Instant.EPOCH, "v", 0, 0, List.of(), List.of(), null, null, manifest));
    }
    return out;
  }

  @Test
  void aRootThatDoesNotExistReplacesNothingAndABrokenTombstoneIsAnError() throws IOException {
    assertThat(ReplacedSnapshots.read(root.resolve("absent")).all()).isEmpty();
    snapshot("a", null);
    tombstone("a", "[{\"at\":");
    assertThatThrownBy(() -> ReplacedSnapshots.read(root)).isInstanceOf(IOException.class);
    tombstone("a", "[{\"at\":\"not an instant\"}]");
    assertThat(ReplacedSnapshots.read(root).replacement("a").orElseThrow().at()).isNull();
  }
}
