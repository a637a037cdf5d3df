package dev.lethe.spark;

import dev.lethe.pipeline.BuildCounts;
import dev.lethe.pipeline.RecordOutcome;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.ShardLayout;
import dev.lethe.pipeline.ShardSink;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import scala.Tuple2;

/**
 * The writing side of a Spark build: one task gets whole shards, sorted by shard and input order,
 * and writes each with the embedded engine's {@link ShardSink} in the snapshot's format, so the same lines in the same
 * order give the same compressed bytes and bitmaps. It first writes into a directory of its own
 * task attempt and then renames each finished file into the build directory: a failed or
 * speculative attempt never leaves a half-written shard under its final name, and two attempts
 * of the same task write identical bytes.
 */
final class ShardWriter {

  /** Prefix of the per-attempt directories inside the build directory. */
  static final String ATTEMPT_PREFIX = ".attempt-";

  private ShardWriter() {}

  /** What one writing task did: its shards, and the partial counts and unreadable lines it merged. */
  static final class Written implements Serializable {
    private static final long serialVersionUID = 1L;

    final List<ShardFile> shards = new ArrayList<>();
    final BuildCounts counts = new BuildCounts();
    final UnreadableLines unreadable = new UnreadableLines();
  }

  /** {@link SnapshotMetadata.Shard} in a form every Spark serializer handles. */
  static final class ShardFile implements Serializable {
    private static final long serialVersionUID = 1L;

    int shard;
    String group;
    String file;
    String members;
    long records;
    long memberCount;
    String sha256;
    long bytes;

    static ShardFile of(SnapshotMetadata.Shard s) {
      ShardFile f = new ShardFile();
      f.shard = s.shard();
      f.group = s.group();
      f.file = s.file();
      f.members = s.members();
      f.records = s.records();
      f.memberCount = s.memberCount();
      f.sha256 = s.sha256();
      f.bytes = s.bytes();
      return f;
    }

    SnapshotMetadata.Shard toShard() {
      return new SnapshotMetadata.Shard(shard, group, file, members, records, memberCount, sha256, bytes);
    }
  }

  /**
   * Writes the shards of one sorted partition into {@code building}.
   *
   * @param format the name of the shard format ({@link ShardFormat#named}), resolved here on the
   *     executor because formats are not serializable
   * @param attempt a name unique to this task attempt
   */
  static Written write(
      Iterator<Tuple2<ShardKey, Object>> sorted, ShardLayout layout, String format, Path building, String attempt)
      throws IOException {
    ZstdGuard.require();
    ShardFormat shardFormat = ShardFormat.named(format);
    Written written = new Written();
    Path own = building.resolve(ATTEMPT_PREFIX + attempt);
    Files.createDirectories(own);
    ShardSink sink = null;
    int current = Integer.MIN_VALUE;
    try {
      while (sorted.hasNext()) {
        Tuple2<ShardKey, Object> next = sorted.next();
        ShardKey key = next._1();
        if (key.shard == ShardKey.COUNTS) {
          if (next._2() instanceof UnreadableLines lines) {
            written.unreadable.merge(lines);
          } else {
            written.counts.merge((BuildCounts) next._2());
          }
          continue;
        }
        if (key.shard != current) {
          if (sink != null) {
            finish(sink, own, building, written);
          }
          sink = new ShardSink(own, layout, shardFormat);
          current = key.shard;
        }
        TrainingLine line = (TrainingLine) next._2();
        sink.write(new RecordOutcome.Included(key.shard, line.member, line.line, Map.of()));
      }
      if (sink != null) {
        finish(sink, own, building, written);
        sink = null;
      }
    } finally {
      if (sink != null) {
        sink.close();
      }
    }
    deleteEmpty(own);
    return written;
  }

  private static void finish(ShardSink sink, Path own, Path building, Written written) throws IOException {
    for (SnapshotMetadata.Shard shard : sink.finish()) {
      for (String name : List.of(shard.file(), shard.members())) {
        Files.move(own.resolve(name), building.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      }
      written.shards.add(ShardFile.of(shard));
    }
    sink.close();
  }

  private static void deleteEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
