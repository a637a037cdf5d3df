package dev.lethe.server;

import dev.lethe.pipeline.SnapshotCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The snapshot catalog of the snapshot directory, reopened only when the set of published
 * snapshot directories changed or a snapshot was retired. Snapshots are published atomically and
 * never rewritten in place; the one change inside a published snapshot is its retirement after a
 * verified forgetting, which deletes its shard files and then writes (or extends) its {@code
 * FORGOTTEN.json} tombstone — so the listing plus each tombstone's size is a sufficient key.
 */
final class SnapshotView {

  private final Path dir;
  private List<String> listing;
  private SnapshotCatalog catalog;

  SnapshotView(Path dir) {
    this.dir = dir;
  }

  synchronized SnapshotCatalog catalog() {
    try {
      List<String> now = List.of();
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          now = s.filter(p -> !p.getFileName().toString().startsWith(".")).map(SnapshotView::key).sorted().toList();
        }
      }
      if (catalog == null || !now.equals(listing)) {
        catalog = SnapshotCatalog.open(dir);
        listing = now;
      }
      return catalog;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String key(Path snapshot) {
    Path tombstone = snapshot.resolve("FORGOTTEN.json");
    try {
      return snapshot.getFileName() + "/" + (Files.isRegularFile(tombstone) ? Files.size(tombstone) : -1);
    } catch (IOException e) {
      return snapshot.getFileName() + "/?"; // deleted while listing: the next request sees the outcome
    }
  }
}
