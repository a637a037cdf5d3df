package dev.lethe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Directory-tree operations the modules' tests and drivers share: copying a tree as a backup
 * would, restoring what a backup still holds, deleting a tree, settling its times and finding the
 * files that hold some bytes.
 *
 * <p>Every method walks with {@link Files#walk(Path, java.nio.file.FileVisitOption...)}, so a
 * tree is visited parents before children, symbolic links are not followed into, and a missing
 * root fails with {@link java.nio.file.NoSuchFileException}. Paths under one root are mapped to
 * another by their relative names, so the two may be on different file systems. None of the
 * methods is atomic: an {@link IOException} part way leaves what was done before it.
 */
public final class Trees {

  private Trees() {}

  /**
   * Copies {@code from} and every directory and file below it to the same relative place under
   * {@code to}, as a backup would: directories are created (an existing one is kept), files are
   * copied with {@link Files#copy(Path, Path, java.nio.file.CopyOption...)} and never overwrite.
   *
   * @return {@code to}
   * @throws java.nio.file.FileAlreadyExistsException if a file to copy is already there
   */
  public static Path copy(Path from, Path to) throws IOException {
    for (Path p : walk(from)) {
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(target);
      } else {
        Files.copy(p, target);
      }
    }
    return to;
  }

  /**
   * Copies back, as a restore from the backup {@code from} would, every regular file below it
   * whose counterpart under {@code to} no longer exists; files that are there, even changed, are
   * left as they are, and no directory is created.
   *
   * @return the files copied back, under {@code to}, in walk order (empty when none was missing)
   * @throws java.nio.file.NoSuchFileException if a missing file's directory is missing too
   */
  public static List<Path> restoreMissing(Path from, Path to) throws IOException {
    List<Path> restored = new ArrayList<>();
    for (Path p : walk(from)) {
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isRegularFile(p) && !Files.exists(target)) {
        Files.copy(p, target);
        restored.add(target);
      }
    }
    return restored;
  }

  /**
   * Deletes {@code root} and everything below it, deepest first.
   *
   * @throws java.nio.file.NoSuchFileException if {@code root} does not exist: a test that
   *     deletes what is not there has lost track of its files
   */
  public static void delete(Path root) throws IOException {
    List<Path> all = walk(root);
    for (int i = all.size() - 1; i >= 0; i--) {
      Files.delete(all.get(i));
    }
  }

  /**
   * Sets the last-modified time of {@code root} and of every file and directory below it, except
   * {@code except} and what is below it, to {@code time}: how a test makes files look settled (or
   * stale) without waiting. {@code except} need not exist or lie under {@code root}.
   */
  public static void setLastModified(Path root, FileTime time, Path except) throws IOException {
    for (Path p : walk(root)) {
      if (!p.startsWith(except)) {
        Files.setLastModifiedTime(p, time);
      }
    }
  }

  /**
   * The regular files below {@code root}, in walk order, whose bytes hold at least one of
   * {@code needles} as a contiguous run (see {@link #holding(Stream, List)}).
   */
  public static List<Path> filesHolding(Path root, List<byte[]> needles) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return holding(files, needles);
    }
  }

  /**
   * The regular files among {@code files}, in their order, whose bytes hold at least one of
   * {@code needles} as a contiguous run. Anything else in the stream (directories, missing paths)
   * is passed over. An empty needle is in every file.
   *
   * @throws IllegalArgumentException if {@code needles} is empty: such a search could only say
   *     "nowhere" and would let a test that looks for nothing pass
   */
  public static List<Path> holding(Stream<Path> files, List<byte[]> needles) throws IOException {
    if (needles.isEmpty()) {
      throw new IllegalArgumentException("no bytes to look for");
    }
    List<Path> found = new ArrayList<>();
    for (Path p : files.filter(Files::isRegularFile).toList()) {
      byte[] bytes = Files.readAllBytes(p);
      if (needles.stream().anyMatch(n -> indexOf(bytes, n) >= 0)) {
        found.add(p);
      }
    }
    return found;
  }

  /** The first index of {@code needle} in {@code hay}, or -1. */
  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Every path of the tree, parents before children; the walk is closed before anything changes. */
  private static List<Path> walk(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
