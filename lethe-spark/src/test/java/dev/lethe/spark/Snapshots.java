package dev.lethe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.roaringbitmap.RoaringBitmap;

/** Comparisons of two published snapshot directories. */
final class Snapshots {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Snapshots() {}

  static JsonNode manifest(Path dir) throws IOException {
    return JSON.readTree(dir.resolve("manifest.json").toFile());
  }

  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static byte[] decompressed(Path file) {
    try (InputStream in = new ZstdInputStream(Files.newInputStream(file))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RoaringBitmap bitmap(Path file) {
    RoaringBitmap bitmap = new RoaringBitmap();
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      bitmap.deserialize(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bitmap;
  }

  /**
   * {@code actual} is the same snapshot as {@code expected}: the same files; per shard the same
   * decompressed lines, the same compressed bytes and the same member bitmap; and every other
   * file (manifest, Croissant) byte for byte.
   */
  static void assertSame(Path actual, Path expected) throws IOException {
    assertThat(actual.getFileName()).isEqualTo(expected.getFileName());
    assertThat(files(actual)).isEqualTo(files(expected));
    for (JsonNode shard : manifest(expected).get("shards")) {
      String file = shard.get("file").asText();
      assertThat(new String(decompressed(actual.resolve(file)), java.nio.charset.StandardCharsets.UTF_8))
          .as("decompressed %s", file)
          .isEqualTo(new String(decompressed(expected.resolve(file)), java.nio.charset.StandardCharsets.UTF_8));
      String members = shard.get("members_file").asText();
      assertThat(bitmap(actual.resolve(members))).as(members).isEqualTo(bitmap(expected.resolve(members)));
    }
    for (String name : files(expected)) {
      assertThat(Files.readAllBytes(actual.resolve(name))).as("bytes of %s", name)
          .isEqualTo(Files.readAllBytes(expected.resolve(name)));
    }
  }

  /**
   * {@code actual} holds the same data as {@code expected}, built from other input files: the same
   * shard files (compressed and decompressed bytes) and member bitmaps, and the same manifest but
   * for the fields that name the inputs ({@code inputs}) and so the snapshot ({@code snapshot}).
   */
  static void assertSameData(Path actual, Path expected) throws IOException {
    assertThat(files(actual)).isEqualTo(files(expected));
    for (JsonNode shard : manifest(expected).get("shards")) {
      String file = shard.get("file").asText();
      assertThat(new String(decompressed(actual.resolve(file)), java.nio.charset.StandardCharsets.UTF_8))
          .as("decompressed %s", file)
          .isEqualTo(new String(decompressed(expected.resolve(file)), java.nio.charset.StandardCharsets.UTF_8));
      assertThat(Files.readAllBytes(actual.resolve(file))).as("bytes of %s", file)
          .isEqualTo(Files.readAllBytes(expected.resolve(file)));
      String members = shard.get("members_file").asText();
      assertThat(Files.readAllBytes(actual.resolve(members))).as("bytes of %s", members)
          .isEqualTo(Files.readAllBytes(expected.resolve(members)));
    }
    com.fasterxml.jackson.databind.node.ObjectNode a = (com.fasterxml.jackson.databind.node.ObjectNode) manifest(actual);
    com.fasterxml.jackson.databind.node.ObjectNode e = (com.fasterxml.jackson.databind.node.ObjectNode) manifest(expected);
    for (String named : List.of("snapshot", "inputs")) {
      a.remove(named);
      e.remove(named);
    }
    assertThat(a).isEqualTo(e);
  }
}
