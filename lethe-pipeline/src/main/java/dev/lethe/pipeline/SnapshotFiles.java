package dev.lethe.pipeline;

import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The metadata files every engine writes into a snapshot before it is published. */
public final class SnapshotFiles {

  public static final String MANIFEST = "manifest.json";
  public static final String CROISSANT = "croissant.json";

  private SnapshotFiles() {}

  /** Writes {@code manifest.json} and the dataset metadata into {@code dir}. */
  public static void writeMetadata(Path dir, SnapshotMetadata metadata, byte[] manifest, String license)
      throws IOException {
    Files.write(dir.resolve(MANIFEST), manifest);
  }
}
