package dev.lethe.pipeline;

import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * Writes included records into shard files of one {@link ShardFormat} (zstd-compressed JSON Lines
 * unless told otherwise) and keeps each shard's member bitmap. Files are opened on a shard's first
 * record, so empty shards leave no file. Single-threaded: an engine feeds each shard's records in
 * input order, which makes the bytes of every shard a function of the input alone. Every engine
 * writes shards with this class, so the same records in the same order give the same bytes and
 * bitmaps.
 */
public final class ShardSink implements AutoCloseable {

  private final Path dir;
  private final ShardLayout layout;
  private final ShardFormat format;
  private final Map<Integer, Open> open = new HashMap<>();

  /** A sink writing jsonl shard and bitmap files into {@code dir}, naming groups after {@code layout}. */
  public ShardSink(Path dir, ShardLayout layout) {
    this(dir, layout, ShardFormat.jsonl());
  }

  /** A sink writing shards of {@code format} and bitmap files into {@code dir}. */
  public ShardSink(Path dir, ShardLayout layout, ShardFormat format) {
    this.dir = dir;
    this.layout = layout;
    this.format = java.util.Objects.requireNonNull(format, "format");
  }

  /** The file name of a jsonl shard's records, {@code shard-NNNNN.jsonl.zst}. */
  public static String shardFile(int shard) {
    return ShardFormat.jsonl().fileName(shard);
  }

  /** The file name of a shard's member bitmap, {@code members-NNNNN.roaring}. */
  public static String membersFile(int shard) {
    return String.format("members-%05d.roaring", shard);
  }

  /** Appends a record to its shard (opening the shard's file on its first record). */
  public void write(RecordOutcome.Included record) throws IOException {
    Open shard = open.get(record.shard());
    if (shard == null) {
      shard = new Open(dir.resolve(format.fileName(record.shard())), format);
      open.put(record.shard(), shard);
    }
    shard.out.write(record.line());
    shard.records++;
    shard.members.add(record.member());
  }

  /** Closes every shard, writes the bitmaps, and describes the shards in shard order. */
  public List<SnapshotMetadata.Shard> finish() throws IOException {
    List<SnapshotMetadata.Shard> shards = new ArrayList<>();
    for (Map.Entry<Integer, Open> e : new TreeMap<>(open).entrySet()) {
      int number = e.getKey();
      Open shard = e.getValue();
      shard.out.close();
      shard.members.runOptimize();
      try (DataOutputStream bitmap =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve(membersFile(number)))))) {
        shard.members.serialize(bitmap);
      }
      shards.add(
          new SnapshotMetadata.Shard(
              number,
              layout.groupName(number),
              format.fileName(number),
              membersFile(number),
              shard.records,
              shard.members.getLongCardinality(),
              HexFormat.of().formatHex(shard.digest.digest()),
              Files.size(shard.path)));
    }
    open.clear();
    return shards;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Open shard : open.values()) {
      try {
        shard.out.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }

  private static final class Open {
    final Path path;
    final MessageDigest digest = Hashing.sha256();
    final ShardFormat.Writer out;
    final RoaringBitmap members = new RoaringBitmap();
    long records;

    Open(Path path, ShardFormat format) throws IOException {
      this.path = path;
      // The digest sees exactly the bytes that reach the file, whatever the format.
      this.out = format.open(new DigestOutputStream(Files.newOutputStream(path), digest));
    }
  }
}
