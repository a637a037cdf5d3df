package dev.lethe.cli;

import java.nio.file.Path;

/** Where snapshots live when no {@code --out} is given: {@code snapshots/} under the data directory. */
final class SnapshotDirs {

  private SnapshotDirs() {}

  static Path defaultDir(StoreOptions store) {
    Path data = store.data != null ? store.data : Path.of(System.getProperty("user.home"), ".lethe");
    return data.resolve("snapshots");
  }
}
