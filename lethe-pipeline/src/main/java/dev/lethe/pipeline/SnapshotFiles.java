package dev.lethe.pipeline;

import dev.lethe.pipeline.meta.CroissantMetadata;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/** The metadata files every engine writes into a snapshot before it is published. */
public final class SnapshotFiles {

  public static final String MANIFEST = "manifest.json";
  public static final String CROISSANT = "croissant.json";

  /** The licence statement used when a build names none. */
  public static final String DEFAULT_LICENSE =
      "LicenseRef-Lethe-Consented-Training: use limited to the purpose and members named in manifest.json";

  private SnapshotFiles() {}

  /**
   * The directories directly under {@code root} that may hold a published snapshot, sorted by
   * name: hidden ones (a build or a retirement in progress) never do.
   *
   * @throws IOException if {@code root} cannot be listed
   */
  public static List<Path> snapshotDirectories(Path root) throws IOException {
    try (Stream<Path> list = Files.list(root)) {
      return list.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
  }

  /**
   * Writes {@code manifest.json} and {@code croissant.json} into {@code dir}. Nothing in either
   * depends on the clock or the output location, so rebuilds stay byte-identical: the
   * publication date is the as-of date and the dataset URL is the snapshot's URN.
   */
  public static void writeMetadata(Path dir, SnapshotMetadata metadata, byte[] manifest, String license)
      throws IOException {
    Files.write(dir.resolve(MANIFEST), manifest);
    CroissantMetadata.Publication publication =
        new CroissantMetadata.Publication(
            license == null ? DEFAULT_LICENSE : license,
            "urn:lethe:snapshot:" + metadata.snapshot(),
            "Lethe consent-gated snapshot builder",
            LocalDate.ofInstant(metadata.asOf(), ZoneOffset.UTC));
    Files.write(dir.resolve(CROISSANT), CanonicalJson.bytes(CroissantMetadata.of(metadata, publication)));
  }
}
