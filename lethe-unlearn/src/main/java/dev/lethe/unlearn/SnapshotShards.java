package dev.lethe.unlearn;

import dev.lethe.pipeline.Hashing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import dev.lethe.pipeline.SnapshotFiles;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The shards of one published snapshot as its {@code manifest.json} lists them, and their texts.
 *
 * @param sharding the manifest's {@code sharding} object (scheme, shards per group, groups): two
 *     snapshots with equal sharding place every member in the same shard number
 */
record SnapshotShards(String snapshot, Path directory, JsonNode sharding, List<ShardFile> shards) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One shard file of the manifest.
   *
   * @param sha256 SHA-256 of the compressed file, as the manifest records it
   */
  record ShardFile(int shard, String file, long records, String sha256) {}

  SnapshotShards {
    shards = List.copyOf(shards);
  }

  /**
   * Reads the manifest of the snapshot in {@code directory}.
   *
   * @throws IOException if there is no readable manifest
   */
  static SnapshotShards read(Path directory) throws IOException {
    Path manifestFile = directory.resolve(SnapshotFiles.MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw new java.nio.file.NoSuchFileException(manifestFile.toString(), null, "no published snapshot here");
    }
    JsonNode manifest = JSON.readTree(manifestFile.toFile());
    List<ShardFile> shards = new ArrayList<>();
    for (JsonNode s : manifest.path("shards")) {
      shards.add(new ShardFile(s.get("shard").asInt(), s.get("file").asText(), s.get("records").asLong(), s.get("sha256").asText()));
    }
    shards.sort((a, b) -> Integer.compare(a.shard(), b.shard()));
    return new SnapshotShards(manifest.get("snapshot").asText(), directory, manifest.path("sharding"), shards);
  }

  /** Records in all shards: what a full retrain reads. */
  long records() {
    return shards.stream().mapToLong(ShardFile::records).sum();
  }

  /**
   * The {@code text} of every record of {@code shard}, in file order.
   *
   * @throws IOException if the file cannot be read, or its bytes do not have the manifest's
   *     SHA-256 (a model must never be trained on anything but what the manifest describes)
   */
  List<String> texts(ShardFile shard) throws IOException {
    MessageDigest digest = Hashing.sha256();
    List<String> texts = new ArrayList<>();
    try (InputStream file = Files.newInputStream(directory.resolve(shard.file()));
        DigestInputStream hashed = new DigestInputStream(new BufferedInputStream(file, 1 << 16), digest);
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(new ZstdInputStream(hashed), StandardCharsets.UTF_8), 1 << 16)) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isEmpty()) {
          continue;
        }
        JsonNode text = JSON.readTree(line).get("text");
        if (text == null || !text.isTextual()) {
          throw new IOException(shard.file() + ": a record without a \"text\" string");
        }
        texts.add(text.textValue());
      }
      // Drain what the decompressor did not need (the frame's end) so the digest covers the file.
      hashed.transferTo(java.io.OutputStream.nullOutputStream());
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(shard.sha256())) {
      throw new IOException(shard.file() + " of snapshot " + snapshot + " has SHA-256 " + actual + ", the manifest says " + shard.sha256());
    }
    if (texts.size() != shard.records()) {
      throw new IOException(shard.file() + " holds " + texts.size() + " records, the manifest says " + shard.records());
    }
    return texts;
  }
}
