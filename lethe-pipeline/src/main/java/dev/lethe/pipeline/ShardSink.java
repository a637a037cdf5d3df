package dev.lethe.pipeline;

import com.github.luben.zstd.ZstdOutputStream;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
 * Writes included records into zstd-compressed JSON Lines shard files and keeps each shard's
 * member bitmap. Files are opened on a shard's first record, so empty shards leave no file.
 * Single-threaded: an engine feeds each shard's records in input order, which makes the bytes of
 * every shard a function of the input alone. Every engine writes shards with this class, so the
 * same records in the same order give the same compressed bytes and bitmaps.
 */
public final class ShardSink implements AutoCloseable {

  /** zstd level 3: the library default, a good speed/size balance for text. */
  private static final int ZSTD_LEVEL = 3;

  private final Path dir;
  private final ShardLayout layout;
  private final Map<Integer, Open> open = new HashMap<>();

  /** A sink writing shard and bitmap files into {@code dir}, naming groups after {@code layout}. */
  public ShardSink(Path dir, ShardLayout layout) {
    this.dir = dir;
    this.layout = layout;
  }

  /** The file name of a shard's records, {@code shard-NNNNN.jsonl.zst}. */
  public static String shardFile(int shard) {
    return String.format("shard-%05d.jsonl.zst", shard);
  }

  /** The file name of a shard's member bitmap, {@code members-NNNNN.roaring}. */
  public static String membersFile(int shard) {
    return String.format("members-%05d.roaring", shard);
  }

  /** Appends a record to its shard (opening the shard's file on its first record). */
  public void write(RecordOutcome.Included record) throws IOException {
    Open shard = open.get(record.shard());
    if (shard == null) {
      shard = new Open(dir.resolve(shardFile(record.shard())));
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
              shardFile(number),
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
    final OutputStream out;
    final RoaringBitmap members = new RoaringBitmap();
    long records;

    Open(Path path) throws IOException {
      this.path = path;
      OutputStream file = new DigestOutputStream(Files.newOutputStream(path), digest);
      // Buffer before the compressor so it always sees the same chunks for the same bytes.
      this.out = new BufferedOutputStream(new ZstdOutputStream(new BufferedOutputStream(file, 1 << 16), ZSTD_LEVEL), 1 << 16);
    }
  }
}
