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
 * snapshot directories changed (snapshots are published atomically and never rewritten in place,
 * so the listing is a sufficient key).
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
          now = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
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
}
