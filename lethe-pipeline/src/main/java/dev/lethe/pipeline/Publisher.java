package dev.lethe.pipeline;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
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


  /**
   * Renames {@code building} to {@code outDir/id}. If a snapshot with that id exists already,
   * it is kept when it holds the same files with the same bytes (an identical rebuild) and {@code
   * building} is removed.
   *
   * @return true if the snapshot was already published
   * @throws SnapshotConflictException if a different snapshot already has that id, or the
   *     published one no longer matches its rebuild (a file missing, added or changed): the
   *     rebuild does not paper over damage, and the published files are left as they are
   */
  static boolean publish(Path building, Path outDir, String id) throws IOException {
    DurableFiles.forceAll(building);
    Path target = outDir.resolve(id);
    if (Files.exists(target)) {
      try {
        if (Files.mismatch(target.resolve("manifest.json"), building.resolve("manifest.json")) >= 0) {
          throw new SnapshotConflictException("a different snapshot is already published as " + target);
        }
        List<String> differ = differences(target, building);
        if (!differ.isEmpty()) {
          throw new SnapshotConflictException("the snapshot published as " + target
              + " does not match its rebuild: " + String.join(", ", differ) + " (damaged or altered; left as it is)");
        }
      } catch (NoSuchFileException e) {
        throw new SnapshotConflictException(target + " exists but is not a complete snapshot: " + e.getFile() + " is missing");
      } finally {
        DurableFiles.deleteTree(building);
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


  /** The names of the files that are not the same in both directories, each with what differs. */
  private static List<String> differences(Path published, Path rebuilt) throws IOException {
    List<String> ours = names(rebuilt);
    List<String> theirs = names(published);
    List<String> out = new ArrayList<>();
    for (String name : ours) {
      if (!theirs.contains(name)) {
        out.add(name + " missing");
      } else if (Files.mismatch(published.resolve(name), rebuilt.resolve(name)) >= 0) {
        out.add(name + " changed");
      }
    }
    for (String name : theirs) {
      if (!ours.contains(name)) {
        out.add(name + " added");
      }
    }
    return out;
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
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
