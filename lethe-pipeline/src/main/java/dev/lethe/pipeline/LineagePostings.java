package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.event.Rfc3339;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.roaringbitmap.BatchIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads a root's snapshots as {@link SnapshotCatalog#open} reads them (the same directories,
 * manifests, present bitmaps and order) and turns them into {@link LineageIndex}'s per-member
 * postings, without the catalog's per-snapshot union and shard-by-rank tables.
 *
 * <p>The postings are member-major while the bitmaps are snapshot-major: writing each (member,
 * snapshot) pair at its member's place as the bitmaps are walked scatters one write per pair over
 * the whole index, a cache miss each, and the catalog's union and shard-by-rank tables cost as much
 * again. Instead the members are taken a block at a time, the block small enough that its
 * members' postings fit a scratch area that stays in a core's cache: every bitmap's members in
 * the block append their pair to their member's postings there, then the block's postings are
 * copied out in member order. Each bitmap is walked once, a batch of members at a time, by a
 * cursor kept across blocks; no object is made per member or pair.
 */
final class LineagePostings {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The block's scratch postings, written member by member as the bitmaps are walked: small
   * enough to stay in a core's second-level cache (1 MiB here).
   */
  private static final int SCRATCH_BYTES = 1 << 20;

  private LineagePostings() {}

  /**
   * One snapshot as read from its files.
   *
   * @param memberFiles every member bitmap its manifest names, present or not
   * @param shards the shard of each present bitmap (as the catalog keeps it: a short)
   * @param bitmaps the present bitmaps, in manifest order
   */
  record Snapshot(String snapshot, Path directory, String purpose, Instant asOf, String policyVersion, long included,
      long excluded, List<String> memberFiles, short[] shards, RoaringBitmap[] bitmaps) {}

  /**
   * The encoded postings of some snapshots.
   *
   * @param limit one more than the greatest member number held (0 if none)
   * @param members how many members each snapshot holds, by snapshot
   * @param offsets where each member's postings start in {@code bytes}, and (last) where they end
   * @param bytes the postings, in its first {@code offsets[limit]} bytes
   */
  record Encoded(int limit, long[] members, long[] offsets, byte[] bytes) {}

  /**
   * Every published snapshot under {@code root}, by as-of instant then id: the directories, files
   * and order {@link SnapshotCatalog#open} reads (a manifest that is not a regular file is skipped;
   * a bitmap that is absent is one forgetting deleted).
   *
   * @throws IOException if a manifest or bitmap cannot be read or is not one
   */
  static List<Snapshot> read(Path root) throws IOException {
    List<Snapshot> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    out.addAll(read(SnapshotFiles.snapshotDirectories(root)));
    out.sort(Comparator.comparing(Snapshot::asOf).thenComparing(Snapshot::snapshot));
    return out;
  }

  /** The snapshots of these directories (those with a manifest that is a regular file), in their order. */
  static List<Snapshot> read(List<Path> dirs) throws IOException {
    List<Snapshot> out = new ArrayList<>();
    for (Path dir : dirs) {
      Path manifestFile = dir.resolve(SnapshotFiles.MANIFEST);
      if (Files.isRegularFile(manifestFile)) {
        out.add(load(dir, JSON.readTree(manifestFile.toFile())));
      }
    }
    return out;
  }

  /**
   * A snapshot as its manifest and member bitmaps say, shards whose bitmap forgetting deleted left
   * out; {@link SnapshotCatalog} reads its entries through this too.
   */
  static Snapshot load(Path dir, JsonNode manifest) throws IOException {
    List<String> files = new ArrayList<>();
    List<RoaringBitmap> bitmaps = new ArrayList<>();
    short[] shards = new short[manifest.get("shards").size()];
    for (JsonNode shard : manifest.get("shards")) {
      String name = shard.get("members_file").asText();
      files.add(name);
      Path file = dir.resolve(name);
      if (!Files.exists(file)) {
        continue; // the shard was deleted after its members were forgotten
      }
      shards[bitmaps.size()] = (short) shard.get("shard").asInt();
      bitmaps.add(bitmap(file));
    }
    return new Snapshot(
        manifest.get("snapshot").asText(),
        dir,
        manifest.get("purpose").asText(),
        Rfc3339.parseInstant(manifest.get("as_of").asText()),
        manifest.path("policy_version").isNull() ? null : manifest.path("policy_version").asText(),
        manifest.get("included").asLong(),
        manifest.path("excluded_total").asLong(),
        List.copyOf(files),
        Arrays.copyOf(shards, bitmaps.size()),
        bitmaps.toArray(new RoaringBitmap[0]));
  }

  /** One read of the whole file, then a deserialization from memory (not one stream call per value). */
  private static RoaringBitmap bitmap(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    RoaringBitmap bitmap = new RoaringBitmap();
    try {
      bitmap.deserialize(ByteBuffer.wrap(bytes));
    } catch (RuntimeException e) {
      throw new IOException(file + ": not a member bitmap (" + e + ")", e);
    }
    return bitmap;
  }

  /**
   * The postings of {@code snapshots}, in {@link LineageIndex}'s encoding: per member, its
   * (snapshot ordinal, shard) pairs in ordinal order, each a varint of (ordinal gap - 1) shifted
   * left once, its low bit set when the shard is the one of the member's pair before, else followed
   * by a varint of the shard. A member in two bitmaps of one snapshot is taken in the later one of
   * the manifest, as the catalog takes it.
   *
   * @throws IOException if a member number is beyond {@link Integer#MAX_VALUE}, or the offsets
   *     would not fit one index file
   */
  static Encoded encode(List<Snapshot> snapshots, long maxBytes) throws IOException {
    int n = snapshots.size();
    int limit = 0;
    long pairs = 0;
    for (Snapshot s : snapshots) {
      for (RoaringBitmap b : s.bitmaps()) {
        if (!b.isEmpty()) {
          int last = b.last();
          if (last < 0) {
            throw new IOException(s.directory() + ": member number out of range: " + Integer.toUnsignedString(last));
          }
          limit = Math.max(limit, last + 1);
          pairs += b.getLongCardinality();
        }
      }
    }
    if (8L * (limit + 1L) + pairs > maxBytes) {
      throw new IOException(snapshots.get(0).directory().getParent() + ": a lineage index of at least "
          + (8L * (limit + 1L) + pairs) + " bytes is more than one index file holds");
    }
    long[] members = new long[n];
    long[] offsets = new long[limit + 1];
    Output out = new Output((int) Math.min(maxBytes, pairs + pairs / 4 + 16));
    if (limit == 0) {
      return new Encoded(0, members, offsets, out.bytes);
    }
    // The most bytes one member's postings take. A pair's gap field is one byte unless the gap is
    // 64 or more, and the gaps of one member add up to less than the snapshots: at most n/64 pairs
    // take a second byte, n/8192 a third, and so on. Its shard, when written, takes at most the
    // widest shard's varint.
    int widest = 1;
    for (Snapshot s : snapshots) {
      for (short shard : s.shards()) {
        widest = Math.max(widest, varintLength(shard));
      }
    }
    long perMember = (long) n * (1 + widest);
    for (long extra = n >>> 6; extra > 0; extra >>>= 7) {
      perMember += extra;
    }
    int block = (int) Math.max(1, Math.min(1 << 16, SCRATCH_BYTES / Math.max(1, perMember)));
    int stride = (int) perMember;
    byte[] scratch = new byte[Math.multiplyExact(block, stride)];
    // Per member of the block: its last pair's snapshot and shard, the ones before them (to undo a
    // pair when the member is in a second bitmap of the same snapshot), and its postings' length.
    int[] lastOrdinal = new int[block];
    int[] lastShard = new int[block];
    int[] priorOrdinal = new int[block];
    int[] priorShard = new int[block];
    int[] pairAt = new int[block];
    int[] length = new int[block];
    long[] touched = new long[(block + 63) >>> 6];
    Arrays.fill(lastOrdinal, -1);
    Arrays.fill(lastShard, Integer.MIN_VALUE);
    Cursor[][] cursors = new Cursor[n][];
    for (int o = 0; o < n; o++) {
      RoaringBitmap[] bitmaps = snapshots.get(o).bitmaps();
      cursors[o] = new Cursor[bitmaps.length];
      for (int i = 0; i < bitmaps.length; i++) {
        cursors[o][i] = new Cursor(bitmaps[i]);
      }
    }
    int written = 0; // offsets[0 .. written) are set
    long lo = 0;
    while (lo < limit) {
      int from = (int) lo;
      long hi = Math.min(limit, lo + block);
      long next = limit; // the least member at or beyond hi: the next block starts there (sparse numbers skip ahead)
      for (int o = 0; o < n; o++) {
        short[] shards = snapshots.get(o).shards();
        Cursor[] cs = cursors[o];
        long pairHead = ((long) o) << 1;
        for (int i = 0; i < cs.length; i++) {
          Cursor c = cs[i];
          int shard = shards[i];
          while (c.at < c.count || c.refill()) {
            int[] values = c.values;
            int k = c.at;
            int count = c.count;
            while (k < count) {
              int m = values[k];
              if (m >= hi) {
                break;
              }
              k++;
              int row = m - from;
              int last = lastOrdinal[row];
              if (last == o) {
                // In an earlier bitmap of this snapshot too: the later one wins, as in the catalog.
                last = priorOrdinal[row];
                lastShard[row] = priorShard[row];
                length[row] = pairAt[row];
              } else {
                members[o]++;
                touched[row >>> 6] |= 1L << row;
                priorOrdinal[row] = last;
                priorShard[row] = lastShard[row];
                pairAt[row] = length[row];
              }
              boolean same = shard == lastShard[row];
              int at = row * stride + length[row];
              at = putVarint(scratch, at, ((pairHead - ((long) last << 1) - 2)) | (same ? 1 : 0));
              if (!same) {
                at = putVarint(scratch, at, shard);
              }
              length[row] = at - row * stride;
              lastOrdinal[row] = o;
              lastShard[row] = shard;
            }
            c.at = k;
            if (k < count) {
              next = Math.min(next, values[k]);
              break;
            }
          }
        }
      }
      for (int w = 0; w < touched.length; w++) {
        long bits = touched[w];
        touched[w] = 0;
        while (bits != 0) {
          int row = (w << 6) + Long.numberOfTrailingZeros(bits);
          bits &= bits - 1;
          int m = from + row;
          while (written <= m) {
            offsets[written++] = out.size;
          }
          out.append(scratch, row * stride, length[row]);
          length[row] = 0;
          lastOrdinal[row] = -1;
          lastShard[row] = Integer.MIN_VALUE;
        }
      }
      lo = Math.max(hi, next);
    }
    while (written <= limit) {
      offsets[written++] = out.size;
    }
    return new Encoded(limit, members, offsets, out.bytes);
  }

  /**
   * The postings of an index updated for some snapshots re-read: each member's pairs of the old
   * postings whose snapshot is kept (renumbered), merged in ordinal order with its pairs of the
   * re-read snapshots, encoded as {@link #encode} encodes them. Given the same snapshots, the
   * result is the one {@link #encode} gives: the pairs are the same, and so is the limit (one more
   * than the greatest member left with a pair).
   *
   * @param old the old index, whose body (offsets then postings) starts at {@code oldAt}
   * @param oldToNew the new ordinal of each old snapshot, or -1 where it is gone or re-read
   * @param added the re-read snapshots, in ascending order of {@code addedOrdinal}
   * @return the postings, or null if the old ones do not decode (then the caller reads everything)
   * @throws IOException as {@link #encode}
   */
  static Encoded update(byte[] old, int oldAt, int oldLimit, int[] oldToNew, List<Snapshot> added, int[] addedOrdinal,
      long maxBytes) throws IOException {
    int k = added.size();
    int addedLimit = 0;
    long addedPairs = 0;
    for (Snapshot s : added) {
      for (RoaringBitmap b : s.bitmaps()) {
        if (!b.isEmpty()) {
          int last = b.last();
          if (last < 0) {
            throw new IOException(s.directory() + ": member number out of range: " + Integer.toUnsignedString(last));
          }
          addedLimit = Math.max(addedLimit, last + 1);
          addedPairs += b.getLongCardinality();
        }
      }
    }
    // shardOf[a][m]: 0 if re-read snapshot a does not hold member m, else 0x10000 | the shard's 16 bits (the later bitmap wins).
    int[][] shardOf = new int[k][];
    long[] members = new long[k];
    for (int a = 0; a < k; a++) {
      int[] table = new int[addedLimit];
      Snapshot s = added.get(a);
      long[] count = {0};
      for (int i = 0; i < s.bitmaps().length; i++) {
        int value = 0x10000 | (s.shards()[i] & 0xffff);
        s.bitmaps()[i].forEach((org.roaringbitmap.IntConsumer) m -> {
          if (table[m] == 0) {
            count[0]++;
          }
          table[m] = value;
        });
      }
      shardOf[a] = table;
      members[a] = count[0];
    }
    int span = Math.max(oldLimit, addedLimit);
    long postingsAt = oldAt + 8L * (oldLimit + 1L);
    if (8L * (span + 1L) + (old.length - postingsAt) + 3 * addedPairs > maxBytes) {
      return null; // perhaps too large: the full read says so, or not
    }
    ByteBuffer offsetsIn = ByteBuffer.wrap(old);
    long[] offsets = new long[span + 1];
    Output out = new Output((int) Math.min(maxBytes, old.length - postingsAt + addedPairs + 16));
    int[] ordinals = new int[oldToNew.length];
    int[] shards = new int[oldToNew.length];
    int limit = 0;
    for (int m = 0; m < span; m++) {
      offsets[m] = out.size;
      int pairs = 0;
      if (m < oldLimit) {
        long from = offsetsIn.getLong(oldAt + 8 * m);
        long to = offsetsIn.getLong(oldAt + 8 * m + 8);
        if (from < 0 || to < from || postingsAt + to > old.length) {
          return null;
        }
        int at = (int) (postingsAt + from);
        int end = (int) (postingsAt + to);
        int ordinal = -1;
        int shard = -1;
        while (at < end) {
          long v = 0;
          int shift = 0;
          byte b;
          do {
            if (at >= end || shift > 56) {
              return null;
            }
            b = old[at++];
            v |= (long) (b & 0x7f) << shift;
            shift += 7;
          } while (b < 0);
          ordinal += (int) (v >>> 1) + 1;
          if ((v & 1) == 0) {
            long s = 0;
            shift = 0;
            do {
              if (at >= end || shift > 56) {
                return null;
              }
              b = old[at++];
              s |= (long) (b & 0x7f) << shift;
              shift += 7;
            } while (b < 0);
            shard = (int) s;
          }
          if (ordinal < 0 || ordinal >= oldToNew.length || pairs >= ordinals.length) {
            return null;
          }
          if (oldToNew[ordinal] >= 0) {
            ordinals[pairs] = oldToNew[ordinal];
            shards[pairs] = shard;
            pairs++;
          }
        }
      }
      int lastOrdinal = -1;
      int lastShard = Integer.MIN_VALUE;
      int i = 0;
      for (int a = 0; a < k; a++) {
        int c = m < addedLimit ? shardOf[a][m] : 0;
        if (c != 0) {
          for (; i < pairs && ordinals[i] < addedOrdinal[a]; i++) {
            out.pair(ordinals[i] - lastOrdinal - 1, shards[i], shards[i] == lastShard);
            lastOrdinal = ordinals[i];
            lastShard = shards[i];
          }
          int shard = (short) c;
          out.pair(addedOrdinal[a] - lastOrdinal - 1, shard, shard == lastShard);
          lastOrdinal = addedOrdinal[a];
          lastShard = shard;
        }
      }
      for (; i < pairs; i++) {
        out.pair(ordinals[i] - lastOrdinal - 1, shards[i], shards[i] == lastShard);
        lastOrdinal = ordinals[i];
        lastShard = shards[i];
      }
      if (out.size > offsets[m]) {
        limit = m + 1;
      }
    }
    offsets[span] = out.size;
    return new Encoded(limit, members, Arrays.copyOf(offsets, limit + 1), out.bytes);
  }

  /** A bitmap's members, a batch at a time, and how far the blocks so far took them. */
  private static final class Cursor {
    final BatchIterator batches;
    final int[] values;
    int at;
    int count;

    Cursor(RoaringBitmap bitmap) {
      batches = bitmap.getBatchIterator();
      values = new int[(int) Math.min(256, Math.max(1, bitmap.getLongCardinality()))];
    }

    /** Takes the next batch; false when there is none. */
    boolean refill() {
      if (!batches.hasNext()) {
        return false;
      }
      count = batches.nextBatch(values);
      at = 0;
      return count > 0;
    }
  }

  /** A growing byte array of varints. */
  private static final class Output {
    byte[] bytes;
    int size;

    Output(int capacity) {
      bytes = new byte[Math.max(16, capacity)];
    }

    /** A pair as {@link #encode} writes it: its gap field, then its shard unless the same as the pair before. */
    void pair(int gap, int shard, boolean same) {
      reserve(20);
      size = putVarint(bytes, size, ((long) gap << 1) | (same ? 1 : 0));
      if (!same) {
        size = putVarint(bytes, size, shard);
      }
    }

    void append(byte[] from, int at, int count) {
      reserve(count);
      System.arraycopy(from, at, bytes, size, count);
      size += count;
    }

    private void reserve(int count) {
      if (bytes.length - size < count) {
        long grown = Math.max((long) size + count, bytes.length + (bytes.length >> 1) + 16L);
        if (grown > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("lineage postings beyond 2 GiB");
        }
        bytes = Arrays.copyOf(bytes, (int) grown);
      }
    }
  }

  static int varintLength(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  static int putVarint(byte[] b, int at, long v) {
    while ((v & ~0x7fL) != 0) {
      b[at++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
  }
}
