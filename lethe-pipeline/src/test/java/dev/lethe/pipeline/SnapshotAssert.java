package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;
import org.roaringbitmap.RoaringBitmap;

/** Domain assertions on a published snapshot directory. */
final class SnapshotAssert extends AbstractAssert<SnapshotAssert, Path> {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SnapshotAssert(Path dir) {
    super(dir, SnapshotAssert.class);
  }

  static SnapshotAssert assertThatSnapshot(Path dir) {
    return new SnapshotAssert(dir);
  }

  static JsonNode manifest(Path dir) {
    try {
      return JSON.readTree(dir.resolve("manifest.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every training line of every shard, by shard file name. */
  static Map<String, List<JsonNode>> lines(Path dir) {
    Map<String, List<JsonNode>> result = new LinkedHashMap<>();
    for (JsonNode shard : manifest(dir).get("shards")) {
      String file = shard.get("file").asText();
      List<JsonNode> lines = new ArrayList<>();
      try (InputStream in = new ZstdInputStream(Files.newInputStream(dir.resolve(file)));
          BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          lines.add(JSON.readTree(line));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      result.put(file, lines);
    }
    return result;
  }

  static List<String> contentIds(Path dir) {
    List<String> ids = new ArrayList<>();
    lines(dir).values().forEach(ls -> ls.forEach(l -> ids.add(l.get("content").asText())));
    return ids;
  }

  static RoaringBitmap members(Path dir, String file) {
    RoaringBitmap bitmap = new RoaringBitmap();
    try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve(file)))) {
      bitmap.deserialize(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bitmap;
  }

  static RoaringBitmap allMembers(Path dir) {
    RoaringBitmap all = new RoaringBitmap();
    for (JsonNode shard : manifest(dir).get("shards")) {
      all.or(members(dir, shard.get("members_file").asText()));
    }
    return all;
  }

  /**
   * The manifest agrees with the files: shard digests and sizes, record and member counts, the
   * included total, and training lines carry exactly content, kind and text (no member id).
   */
  SnapshotAssert isConsistent() throws IOException {
    isNotNull();
    JsonNode m = manifest(actual);
    assertThat(actual.getFileName().toString()).isEqualTo(m.get("snapshot").asText());
    long included = 0;
    Map<String, List<JsonNode>> lines = lines(actual);
    for (JsonNode shard : m.get("shards")) {
      Path file = actual.resolve(shard.get("file").asText());
      assertThat(Hashing.sha256Hex(file)).as("sha256 of %s", file).isEqualTo(shard.get("sha256").asText());
      assertThat(Files.size(file)).isEqualTo(shard.get("bytes").asLong());
      List<JsonNode> shardLines = lines.get(shard.get("file").asText());
      assertThat((long) shardLines.size()).isEqualTo(shard.get("records").asLong());
      assertThat(members(actual, shard.get("members_file").asText()).getLongCardinality())
          .isEqualTo(shard.get("members").asLong());
      for (JsonNode line : shardLines) {
        List<String> keys = new ArrayList<>();
        line.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("content", "kind", "text");
      }
      included += shardLines.size();
    }
    assertThat(included).isEqualTo(m.get("included").asLong());
    String croissant = Files.readString(actual.resolve("croissant.json"));
    for (JsonNode shard : m.get("shards")) {
      assertThat(croissant).as("croissant.json lists %s", shard.get("file")).contains(shard.get("sha256").asText());
    }
    return this;
  }

  SnapshotAssert includesExactly(List<String> contentIds) {
    assertThat(contentIds(actual)).containsExactlyInAnyOrderElementsOf(contentIds);
    return this;
  }

  SnapshotAssert hasExcluded(String reason, long count) {
    JsonNode excluded = manifest(actual).get("excluded");
    assertThat(excluded.path(reason).asLong(0)).as("excluded %s", reason).isEqualTo(count);
    return this;
  }

  SnapshotAssert hasNoMember(int memberNumber) {
    assertThat(allMembers(actual).contains(memberNumber)).as("member %d in a shard", memberNumber).isFalse();
    return this;
  }
}
