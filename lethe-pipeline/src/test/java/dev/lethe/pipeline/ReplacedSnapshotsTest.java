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
  void aRebuildOrATombstoneReplacesASnapshotAndTheFirstEntrySaysWhen() throws IOException {
    snapshot("a", null);
    snapshot("b", "a");
    snapshot("c", "b");
    snapshot("d", null);
    snapshot("e", null);
    tombstone("a", "[{\"at\":\"2024-10-01T00:00:00Z\",\"members\":[],\"removed\":[]},{\"at\":\"2024-11-01T00:00:00Z\"}]");
    // b's rebuild failed its checks: replaced, files kept. e's rebuild was deleted by hand.
    tombstone("e", "[{\"at\":\"2024-12-01T00:00:00Z\"}]");
    Files.createDirectories(root.resolve(".build-x"));
    Files.writeString(root.resolve(".build-x").resolve(SnapshotFiles.MANIFEST), "{\"snapshot\":\"x\",\"rebuild_of\":\"d\"}");

    ReplacedSnapshots read = ReplacedSnapshots.read(root);
    assertThat(read.replacement("a")).contains(new ReplacedSnapshots.Replacement("a", List.of("b"), Instant.parse("2024-10-01T00:00:00Z"), true));
    assertThat(read.replacement("b")).contains(new ReplacedSnapshots.Replacement("b", List.of("c"), null, false));
    assertThat(read.replacement("e")).contains(new ReplacedSnapshots.Replacement("e", List.of(), Instant.parse("2024-12-01T00:00:00Z"), true));
    assertThat(read.inUse("c")).isTrue();
    assertThat(read.inUse("d")).as("a hidden build in progress replaces nothing").isTrue();
    assertThat(read.inUse("nowhere")).isTrue();
    assertThat(read.all()).extracting(ReplacedSnapshots.Replacement::snapshot).containsExactly("a", "b", "e");
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
