package dev.lethe.pipeline;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Atomic publication: a snapshot is assembled in a hidden {@code .building-*} directory next to
 * its final place, every file and the directory are forced to disk, and one rename makes it
 * visible. A crash before the rename leaves only a hidden directory, which the next build under
 * the output directory's lock removes.
 */
final class Publisher {

  static final String BUILDING_PREFIX = ".building-";

  private Publisher() {}


  /**
   * Renames {@code building} to {@code outDir/id}. If a snapshot with that id exists already,
   * it is kept when its manifest has the same bytes (an identical rebuild) and {@code building}
   * is removed.
   *
   * @return true if the snapshot was already published
   * @throws SnapshotConflictException if a different snapshot already has that id
   */
  static boolean publish(Path building, Path outDir, String id) throws IOException {
    DurableFiles.forceAll(building);
    Path target = outDir.resolve(id);
    if (Files.exists(target)) {
      byte[] existing = Files.readAllBytes(target.resolve("manifest.json"));
      byte[] ours = Files.readAllBytes(building.resolve("manifest.json"));
      DurableFiles.deleteTree(building);
      if (!Arrays.equals(existing, ours)) {
        throw new SnapshotConflictException("a different snapshot is already published as " + target);
      }
      return true;
    }
    try {
      Files.move(building, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
      DurableFiles.deleteTree(building);
      throw new IOException("cannot publish " + target + " atomically: " + e.getMessage(), e);
    }
    DurableFiles.forceDirectory(outDir);
    return false;
  }


  /** Removes hidden build directories that crashed builds left (call under the lock). */
  static void removeAbandoned(Path outDir) throws IOException {
    try (Stream<Path> list = Files.list(outDir)) {
      for (Path p : list.filter(p -> p.getFileName().toString().startsWith(BUILDING_PREFIX)).toList()) {
        DurableFiles.deleteTree(p);
      }
    }
  }
}
