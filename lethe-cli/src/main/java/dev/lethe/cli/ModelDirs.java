package dev.lethe.cli;

import java.nio.file.Path;

/** Where models live when no {@code --models} is given: {@code models/} under the data directory. */
final class ModelDirs {

  private ModelDirs() {}

  static Path defaultDir(StoreOptions store) {
    Path data = store.data != null ? store.data : Path.of(System.getProperty("user.home"), ".lethe");
    return data.resolve("models");
  }
}
