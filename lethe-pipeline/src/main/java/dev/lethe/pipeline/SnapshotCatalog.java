package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * The published snapshots of an output directory with their member bitmaps in memory, answering
 * "which snapshots and shards hold member N?" without touching disk. Each snapshot keeps the
 * union of its shard bitmaps so that a member absent from a snapshot costs one lookup. Hidden
 * directories (builds in progress) are never listed. Immutable after {@link #open}; thread-safe.
 */
public final class SnapshotCatalog {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Entry> entries;
  private final List<Deployments.Foreign> foreign;

  private SnapshotCatalog(List<Entry> entries, List<Deployments.Foreign> foreign) {
    this.entries = List.copyOf(entries);
    this.foreign = List.copyOf(foreign);
  }

  /**
   * Reads every published snapshot under {@code outDir} (none if it does not exist).
   *
   * @throws IOException if a manifest or bitmap cannot be read
   */
  public static SnapshotCatalog open(Path outDir) throws IOException {
    return open(outDir, null);
  }

  /**
   * Reads every published snapshot under {@code outDir} that the deployment with fingerprint
   * {@code deployment} built ({@link Deployments#ours}: older snapshots, which name no deployment,
   * count as its own); the others are not read but listed in {@link #foreign()}, since their
   * member bitmaps number another deployment's members. A null {@code deployment} reads every
   * snapshot, as {@link #open(Path)} does.
   *
   * @throws IOException if a manifest or bitmap cannot be read
   */
  public static SnapshotCatalog open(Path outDir, String deployment) throws IOException {
    return open(outDir, deployment, null);
  }

  /**
   * As {@link #open(Path, String)}, but a snapshot whose manifest or member bitmaps cannot be
   * read is left out and reported to {@code unreadable} (its directory and the error), instead of
   * failing the whole catalog; null fails it, as {@link #open(Path, String)} does.
   *
   * @throws IOException if {@code outDir} cannot be listed, or a snapshot cannot be read and
   *     {@code unreadable} is null
   */
  public static SnapshotCatalog open(Path outDir, String deployment, java.util.function.Consumer<String> unreadable)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    List<Deployments.Foreign> foreign = new ArrayList<>();
    if (Files.isDirectory(outDir)) {
      for (Path dir : SnapshotFiles.snapshotDirectories(outDir)) {
        Path manifest = dir.resolve(SnapshotFiles.MANIFEST);
        if (Files.isRegularFile(manifest)) {
          try {
            JsonNode parsed = JSON.readTree(manifest.toFile());
            if (deployment != null && !Deployments.ours(parsed, deployment)) {
              foreign.add(new Deployments.Foreign(outDir, dir.getFileName().toString(), Deployments.ofManifest(parsed)));
              continue;
            }
            entries.add(load(dir, parsed));
          } catch (IOException | RuntimeException e) {
            if (unreadable == null) {
              throw e;
            }
            unreadable.accept("snapshot directory " + dir + " cannot be read (" + e.getClass().getSimpleName() + ": "
                + e.getMessage() + "): forgetting cannot show that it holds none of the members' records; repair it, or"
                + " retire it if it was deleted on purpose ('lethe snapshots --retire " + dir.getFileName() + "')");
          }
        }
      }
    }
    entries.sort((a, b) -> a.asOf.equals(b.asOf) ? a.snapshot.compareTo(b.snapshot) : a.asOf.compareTo(b.asOf));
    return new SnapshotCatalog(entries, foreign);
  }

  /** The snapshots {@link #open(Path, String)} left out as another deployment's, by id. */
  public List<Deployments.Foreign> foreign() {
    return foreign;
  }

  private static Entry load(Path dir, JsonNode manifest) throws IOException {
    LineagePostings.Snapshot read = LineagePostings.load(dir, manifest);
    List<Integer> shards = new ArrayList<>(read.shards().length);
    for (short shard : read.shards()) {
      shards.add((int) shard);
    }
    List<RoaringBitmap> bitmaps = List.of(read.bitmaps());
    RoaringBitmap union = new RoaringBitmap();
    for (RoaringBitmap bitmap : bitmaps) {
      union.or(bitmap);
    }
    // A member's records sit in one shard of a snapshot, so the shard of the member at union
    // rank r is all "where" needs: one contains and one rank per snapshot instead of a lookup in
    // every shard's bitmap.
    short[] shardByRank = shardByRank(union, bitmaps, shards);
    return new Entry(
        read.snapshot(),
        dir,
        read.purpose(),
        read.asOf(),
        read.policyVersion(),
        read.included(),
        read.excluded(),
        shards,
        bitmaps,
        union,
        shardByRank,
        manifest);
  }

  /**
   * The shard of the member at each rank of {@code union}. Member numbers are dense, so the usual
   * way is a table by member number filled from each shard, read in union order: two passes over
   * the members. Sparse numbers (a table far larger than the members) take a merge of the shards'
   * sorted members instead, which asks every shard at every rank.
   */
  private static short[] shardByRank(RoaringBitmap union, List<RoaringBitmap> bitmaps, List<Integer> shards) {
    short[] out = new short[union.getCardinality()];
    if (out.length == 0) {
      return out;
    }
    long last = Integer.toUnsignedLong(union.last());
    if (last < 4L * out.length + (1 << 20)) {
      short[] byMember = new short[(int) last + 1];
      for (int i = 0; i < bitmaps.size(); i++) {
        short shard = (short) (int) shards.get(i);
        bitmaps.get(i).forEach((org.roaringbitmap.IntConsumer) m -> byMember[m] = shard);
      }
      int[] rank = {0};
      union.forEach((org.roaringbitmap.IntConsumer) m -> out[rank[0]++] = byMember[m]);
      return out;
    }
    org.roaringbitmap.PeekableIntIterator[] heads = new org.roaringbitmap.PeekableIntIterator[bitmaps.size()];
    for (int i = 0; i < heads.length; i++) {
      heads[i] = bitmaps.get(i).getIntIterator();
    }
    for (int rank = 0; rank < out.length; rank++) {
      int best = -1;
      for (int i = 0; i < heads.length; i++) {
        if (heads[i].hasNext() && (best < 0 || Integer.compareUnsigned(heads[i].peekNext(), heads[best].peekNext()) < 0)) {
          best = i;
        }
      }
      heads[best].next();
      out[rank] = (short) (int) shards.get(best);
    }
    return out;
  }

  /** Every snapshot, by as-of instant then id. */
  public List<Entry> snapshots() {
    return entries;
  }

  /** The snapshots and shards holding records of the member with this dense number. */
  public List<Hit> where(int memberNumber) {
    List<Hit> hits = new ArrayList<>();
    for (Entry e : entries) {
      if (e.union.contains(memberNumber)) {
        int shard = e.shardByRank[(int) e.union.rank(memberNumber) - 1];
        hits.add(new Hit(e, List.of(shard)));
      }
    }
    return hits;
  }

  /**
   * One published snapshot.
   *
   * @param union the members of all its shards
   * @param shardByRank the shard of the member at each rank of {@code union}
   * @param manifest the parsed manifest
   */
  public record Entry(
      String snapshot,
      Path directory,
      String purpose,
      Instant asOf,
      String policyVersion,
      long included,
      long excluded,
      List<Integer> shards,
      List<RoaringBitmap> bitmaps,
      RoaringBitmap union,
      short[] shardByRank,
      JsonNode manifest) {}

  /** A snapshot holding a member's records, and which of its shards do. */
  public record Hit(Entry snapshot, List<Integer> shards) {}
}
