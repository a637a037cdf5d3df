package dev.lethe.pipeline;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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

  /** Forces every regular file in {@code dir}, then the directory itself, to stable storage. */
  static void forceAll(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    for (Path file : files) {
      if (Files.isRegularFile(file)) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
          channel.force(true);
        }
      }
    }
    forceDirectory(dir);
  }

  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot open directories for sync; the rename is still atomic there.
      if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
        throw e;
      }
    }
  }

  /**
   * Renames {@code building} to {@code outDir/id}. If a snapshot with that id exists already,
   * it is kept when its manifest has the same bytes (an identical rebuild) and {@code building}
   * is removed.
   *
   * @return true if the snapshot was already published
   * @throws SnapshotConflictException if a different snapshot already has that id
   */
  static boolean publish(Path building, Path outDir, String id) throws IOException {
    forceAll(building);
    Path target = outDir.resolve(id);
    if (Files.exists(target)) {
      byte[] existing = Files.readAllBytes(target.resolve("manifest.json"));
      byte[] ours = Files.readAllBytes(building.resolve("manifest.json"));
      deleteTree(building);
      if (!Arrays.equals(existing, ours)) {
        throw new SnapshotConflictException("a different snapshot is already published as " + target);
      }
      return true;
    }
    try {
      Files.move(building, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
      deleteTree(building);
      throw new IOException("cannot publish " + target + " atomically: " + e.getMessage(), e);
    }
    forceDirectory(outDir);
    return false;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Removes hidden build directories that crashed builds left (call under the lock). */
  static void removeAbandoned(Path outDir) throws IOException {
    try (Stream<Path> list = Files.list(outDir)) {
      for (Path p : list.filter(p -> p.getFileName().toString().startsWith(BUILDING_PREFIX)).toList()) {
        deleteTree(p);
      }
    }
  }
}
