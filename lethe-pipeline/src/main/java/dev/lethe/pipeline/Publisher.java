package dev.lethe.pipeline;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Atomic publication: a snapshot is assembled in a hidden {@code .building-*} directory next to
 * its final place, every file and the directory are forced to disk, and one rename makes it
 * visible. A crash before the rename leaves only a hidden directory, which the next build under
 * the output directory's lock removes.
 */
final class Publisher {

  static final String BUILDING_PREFIX = ".building-";

  private static final String TOMBSTONE = ReplacedSnapshots.TOMBSTONE;

  private Publisher() {}


  /**
   * Renames {@code building} to {@code outDir/id}. If a snapshot with that id exists already,
   * it is kept when it holds the same files with the same bytes (an identical rebuild) and {@code
   * building} is removed.
   *
   * @return true if the snapshot was already published
   * @throws SnapshotRetiredException if forgetting retired the published snapshot ({@code
   *     FORGOTTEN.json} beside its manifest) and its remaining files are intact: its shard and member
   *     files were deleted on purpose, a rebuild without the forgotten members replaces it, and
   *     building it again does not bring it back
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
        if (ReplacedSnapshots.filesDeleted(target)) {
          differ = retired(outDir, id, differ);
        }
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


  /**
   * Throws {@link SnapshotRetiredException} when the published snapshot differs from its rebuild
   * only as forgetting left it: its tombstone added, and shard or member files missing (a file
   * back from a backup must still be identical). Anything else is damage, reported as such.
   *
   * @return the differences that are damage, when there are any
   */
  private static List<String> retired(Path outDir, String id, List<String> differ) throws IOException {
    List<String> other = new ArrayList<>();
    for (String d : differ) {
      boolean deletedByForgetting = d.endsWith(" missing") && (d.startsWith("shard-") || d.startsWith("members-"));
      if (!deletedByForgetting && !d.equals(TOMBSTONE + " added")) {
        other.add(d);
      }
    }
    if (!other.isEmpty()) {
      other.add("retired by forgetting (" + TOMBSTONE + "), but more than forgetting changed");
      return other;
    }
    List<String> inForce = replacements(outDir, id);
    throw new SnapshotRetiredException("snapshot " + id + " in " + outDir + " was retired by forgetting: its shard and member"
        + " files were deleted when members were forgotten from it (" + TOMBSTONE + ") and "
        + (inForce.isEmpty() ? "no snapshot in " + outDir + " replaces it any more (its rebuild was removed)"
            : "snapshot " + String.join(", ", inForce) + " replaces it, without those members: use that one")
        + "; building it again does not bring it back", id, inForce);
  }

  /**
   * The snapshots in {@code outDir} in use that replace {@code id}: its rebuilds, following
   * rebuilds of rebuilds past those forgetting replaced too (read by {@link ReplacedSnapshots}).
   */
  private static List<String> replacements(Path outDir, String id) throws IOException {
    ReplacedSnapshots replaced = ReplacedSnapshots.read(outDir);
    List<String> out = new ArrayList<>();
    Deque<String> todo = new ArrayDeque<>();
    replaced.replacement(id).ifPresent(r -> todo.addAll(r.replacedBy()));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String next = todo.removeFirst();
      if (!seen.add(next)) {
        continue;
      }
      if (replaced.inUse(next)) {
        out.add(next);
      } else {
        replaced.replacement(next).ifPresent(r -> todo.addAll(r.replacedBy()));
      }
    }
    return out;
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
