package dev.lethe.testkit;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreesTest {

  private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));

  /** a.txt, sub/b.txt, sub/deeper/c.txt and an empty directory. */
  private static Path tree(Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.writeString(root.resolve("a.txt"), "alpha");
    Files.createDirectories(root.resolve("sub/deeper"));
    Files.createDirectories(root.resolve("empty"));
    Files.writeString(root.resolve("sub/b.txt"), "bravo");
    Files.writeString(root.resolve("sub/deeper/c.txt"), "charlie");
    return root;
  }

  private static List<String> names(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
    }
  }

  @Test
  void copyReproducesEveryDirectoryAndFile(@TempDir Path dir) throws IOException {
    Path root = tree(dir);
    Path backup = dir.resolve("backup");

    assertThat(Trees.copy(root, backup)).isEqualTo(backup);

    assertThat(names(backup)).isEqualTo(names(root)).contains("empty", "sub/deeper/c.txt");
    assertThat(backup.resolve("sub/deeper/c.txt")).hasContent("charlie");
    assertThat(root.resolve("a.txt")).hasContent("alpha");
  }

  @Test
  void copyKeepsAnExistingDirectoryButNeverOverwritesAFile(@TempDir Path dir) throws IOException {
    Path root = tree(dir);
    Path into = Files.createDirectories(dir.resolve("into/sub"));
    Files.writeString(into.resolve("b.txt"), "already here");

    assertThatThrownBy(() -> Trees.copy(root, dir.resolve("into"))).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(into.resolve("b.txt")).hasContent("already here");
  }

  @Test
  void restoreMissingCopiesBackOnlyTheFilesThatAreGone(@TempDir Path dir) throws IOException {
    Path root = tree(dir);
    Path backup = Trees.copy(root, dir.resolve("backup"));
    Files.delete(root.resolve("sub/deeper/c.txt"));
    Files.delete(root.resolve("a.txt"));
    Files.writeString(root.resolve("sub/b.txt"), "changed since");

    assertThat(Trees.restoreMissing(backup, root)).containsExactlyInAnyOrder(root.resolve("a.txt"), root.resolve("sub/deeper/c.txt"));

    assertThat(root.resolve("a.txt")).hasContent("alpha");
    assertThat(root.resolve("sub/deeper/c.txt")).hasContent("charlie");
    assertThat(root.resolve("sub/b.txt")).as("a file that is there is not restored").hasContent("changed since");
    assertThat(Trees.restoreMissing(backup, root)).isEmpty();
  }

  @Test
  void restoreMissingCreatesNoDirectory(@TempDir Path dir) throws IOException {
    Path root = tree(dir);
    Path backup = Trees.copy(root, dir.resolve("backup"));
    Trees.delete(root.resolve("sub/deeper"));

    assertThatThrownBy(() -> Trees.restoreMissing(backup, root)).isInstanceOf(NoSuchFileException.class);
    assertThat(root.resolve("sub/deeper")).doesNotExist();
  }

  @Test
  void deleteRemovesTheRootAndEverythingBelowIt(@TempDir Path dir) throws IOException {
    Path root = tree(dir);
    Files.writeString(dir.resolve("beside.txt"), "kept");

    Trees.delete(root);

    assertThat(root).doesNotExist();
    assertThat(dir.resolve("beside.txt")).hasContent("kept");
    assertThatThrownBy(() -> Trees.delete(root)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void setLastModifiedSetsEveryTimeButThoseUnderTheException(@TempDir Path dir) throws IOException {
    Path root = tree(dir);
    FileTime before = Files.getLastModifiedTime(root.resolve("sub/b.txt"));

    Trees.setLastModified(root, LONG_AGO, root.resolve("sub"));

    for (String set : List.of("", "a.txt", "empty")) {
      assertThat(Files.getLastModifiedTime(root.resolve(set))).as(set).isEqualTo(LONG_AGO);
    }
    for (String kept : List.of("sub", "sub/b.txt", "sub/deeper/c.txt")) {
      assertThat(Files.getLastModifiedTime(root.resolve(kept))).as(kept).isNotEqualTo(LONG_AGO);
    }
    assertThat(Files.getLastModifiedTime(root.resolve("sub/b.txt"))).isEqualTo(before);
  }

  @Test
  void filesHoldingFindsTheFilesWithAnyNeedle(@TempDir Path dir) throws IOException {
    Path root = tree(dir);
    Files.write(root.resolve("sub/utf16.bin"), "secret".getBytes(UTF_16LE));
    Files.writeString(root.resolve("sub/deeper/d.txt"), "a secret kept");

    assertThat(Trees.filesHolding(root, List.of("secret".getBytes(UTF_8)))).containsExactly(root.resolve("sub/deeper/d.txt"));
    assertThat(Trees.filesHolding(root, List.of("secret".getBytes(UTF_8), "secret".getBytes(UTF_16LE))))
        .containsExactlyInAnyOrder(root.resolve("sub/deeper/d.txt"), root.resolve("sub/utf16.bin"));
    assertThat(Trees.filesHolding(root, List.of("nowhere".getBytes(UTF_8)))).isEmpty();
    assertThat(Trees.filesHolding(root, List.of("char".getBytes(UTF_8)))).as("a prefix of a file").containsExactly(root.resolve("sub/deeper/c.txt"));
    assertThat(Trees.filesHolding(root, List.of("lie".getBytes(UTF_8)))).as("the end of a file").containsExactly(root.resolve("sub/deeper/c.txt"));
  }

  @Test
  void holdingKeepsTheStreamsOrderAndPassesOverDirectories(@TempDir Path dir) throws IOException {
    Path root = tree(dir);
    List<Path> order = List.of(root.resolve("sub/b.txt"), root.resolve("sub"), root.resolve("a.txt"), root.resolve("gone"));

    assertThat(Trees.holding(order.stream(), List.of("a".getBytes(UTF_8)))).containsExactly(root.resolve("sub/b.txt"), root.resolve("a.txt"));
    assertThatThrownBy(() -> Trees.holding(order.stream(), List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void indexOfFindsTheFirstRun() {
    byte[] hay = "abcabcd".getBytes(UTF_8);
    assertThat(Trees.indexOf(hay, "abc".getBytes(UTF_8))).isZero();
    assertThat(Trees.indexOf(hay, "bcd".getBytes(UTF_8))).isEqualTo(4);
    assertThat(Trees.indexOf(hay, "abcd".getBytes(UTF_8))).isEqualTo(3);
    assertThat(Trees.indexOf(hay, "abcabcde".getBytes(UTF_8))).isEqualTo(-1);
    assertThat(Trees.indexOf(hay, new byte[0])).isZero();
  }
}
