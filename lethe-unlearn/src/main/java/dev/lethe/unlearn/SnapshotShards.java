package dev.lethe.unlearn;

import dev.lethe.pipeline.Hashing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.pipeline.Manifest;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.SnapshotFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The shards of one published snapshot as its {@code manifest.json} lists them, and their texts.
 *
 * @param sharding the manifest's {@code sharding} object (scheme, shards per group, groups): two
 *     snapshots with equal sharding place every member in the same shard number
 * @param format the format the manifest names for the shard files
 */
record SnapshotShards(String snapshot, Path directory, JsonNode sharding, ShardFormat format, List<ShardFile> shards) {

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
   * @throws IOException if there is no readable manifest, or its shard format is not on the class
   *     path
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
    String snapshot = manifest.get("snapshot").asText();
    ShardFormat format;
    try {
      format = ShardFormat.named(Manifest.shardFormat(manifest));
    } catch (IllegalArgumentException e) {
      throw new IOException("snapshot " + snapshot + " cannot be read: " + e.getMessage(), e);
    }
    return new SnapshotShards(snapshot, directory, manifest.path("sharding"), format, shards);
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
    // Checked before decoding: a damaged file must be named as such, not fail inside the decoder
    // with its message alone ("Unknown frame descriptor"), and untrusted bytes are never decoded.
    Path file = directory.resolve(shard.file());
    String before = Hashing.sha256Hex(file);
    if (!before.equals(shard.sha256())) {
      throw digestMismatch(shard, before);
    }
    MessageDigest digest = Hashing.sha256();
    List<String> texts = new ArrayList<>();
    format.read(file, digest, row -> texts.add(row.text()));
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(shard.sha256())) {
      throw digestMismatch(shard, actual); // replaced while it was read
    }
    if (texts.size() != shard.records()) {
      throw new IOException(shard.file() + " holds " + texts.size() + " records, the manifest says " + shard.records());
    }
    return texts;
  }

  private IOException digestMismatch(ShardFile shard, String actual) {
    return new IOException(shard.file() + " of snapshot " + snapshot + " has SHA-256 " + actual + ", the manifest says " + shard.sha256());
  }
}
