package dev.lethe.cli;

import java.nio.file.Path;

/** Where models live when no {@code --models} is given: {@code models/} under the data directory. */
final class ModelDirs {

  private ModelDirs() {}

  /**
   * {@code models/} under the data directory.
   *
   * @throws BadInput if the options name no store: a mistyped {@code --data} lists no models
   *     instead of reading as a store that has none
   */
  static Path defaultDir(StoreOptions store) {
    store.requireStore();
    return store.dataDir().resolve("models");
  }
}
