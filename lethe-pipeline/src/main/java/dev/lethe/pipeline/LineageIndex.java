package dev.lethe.pipeline;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.UTFDataFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Which snapshots and shards under one snapshot directory hold each member, kept in a hidden
 * directory of it ({@value #DIRECTORY}) so that {@code lethe where} reads a few bytes instead of
 * every member bitmap of every snapshot.
 *
 * <p>The snapshot files stay the truth; the index is a cache of what {@link SnapshotCatalog} reads
 * from them, and answers exactly what the catalog would. With the index, it records the state
 * (kind, size, modification time, file key; or absence) of every file the catalog read: each
 * snapshot directory of the root, its manifest, and every member bitmap the manifest names.
 * {@link #open} stats them again and trusts the index only if every one is as recorded;
 * otherwise, or if the index is missing, torn, corrupt or of another version, it reads the files
 * and writes a new index. A shard deleted by forgetting, a snapshot published, retired, renamed or
 * restored from a backup: each changes a recorded state (a directory's time changes when an entry
 * is added, removed or renamed in it), so none is answered from a stale index.
 *
 * <p>The stored index is a <em>base</em> ({@value #INDEX}) and, once snapshots changed, a
 * <em>delta</em> beside it ({@value #DELTA}), so that an update costs what changed rather than
 * the whole index (some 60 MB for 100,000 members in 1,000 snapshots). When at most
 * {@value #MAX_DELTA} snapshot directories changed since the base was written, only those are read
 * and only the delta is written: their postings, the order of every snapshot, and the whole
 * recorded state; it names its base by the SHA-256 of the base's preamble and header, and is
 * ignored beside any other base. Beyond that (compaction), when at most {@value #MAX_REREAD}
 * changed, the base is written again updated, reading only those, and its bytes are those a read
 * of every file would give; beyond that, everything is read. A query reads the base and the
 * delta and merges their hits in snapshot order. Each file is written to a temporary file, forced
 * to disk and renamed into place, so a crash leaves the old file or the new one: a new base with
 * the old delta beside it (a crash before the old delta was removed) finds the delta naming
 * another base, and answers from the base alone (or reads the files, if that is stale).
 *
 * <p>Every byte answered from is checked first: each file's header (what {@link #open} reads) carries a
 * CRC32C of itself and one of each {@value #CHUNK_BYTES}-byte chunk of the body (the per-member
 * offsets and postings), and {@link #where} checks the chunks it reads each time it reads them. A
 * header that fails its check is treated as a torn index. A chunk that fails (bytes flipped on
 * disk, or overwritten in place) makes the index read the files again, as {@link #open} would, and
 * answer from them (storing a new index where {@link #open} would): never an error, never an answer
 * from the unchecked bytes. Checking only the chunks read keeps {@link #open} from reading the whole
 * body, which for 100,000 members in 1,000 snapshots is some 60 MB.
 *
 * <p>A change made within the file system's timestamp granularity of the read could leave a time
 * as recorded, and a change made while the files are read could be missed by the read; both leave
 * a time no earlier than the start of the read, or change the listing. So the index is written
 * only if the root lists the same directories in the same states before and after the read, and
 * every state it records is at least {@value #SETTLE_SECONDS} s older than the start of the read
 * (and no recorded path is a symbolic link, whose target could change unseen); until then each
 * open reads the files. The index is written to a temporary file, forced to disk and renamed over
 * the old one, so a crash leaves the old index or the new one. A root that cannot be written is
 * answered from the files.
 *
 * <p>An open index holds its files open (an index renamed over them by another process does not
 * change its answers) and must be closed. {@link #where} may be called from several threads.
 */
public final class LineageIndex implements Closeable {

  /**
   * The directory in a snapshot root that holds the index: hidden, so never taken for a snapshot,
   * and a directory of its own, so that writing the index does not change the root's time.
   */
  public static final String DIRECTORY = ".lethe-lineage";

  static final String INDEX = "index";

  /** How much older than a build's start every recorded file must be before the index is written. */
  static final int SETTLE_SECONDS = 3;

  /**
   * The body's checked unit: small, so a query reads and checks a few KiB around the bytes it
   * needs; large enough that the header's table of checksums stays about 1/2,000 of the body.
   */
  static final int CHUNK_BYTES = 8192;

  private static final byte[] MAGIC = "LETHELIN".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int VERSION = 2;
  /**
   * Magic, version, then the header's length, the offsets' position, the file's length, and the
   * CRC32C of the preamble before it and the header.
   */
  static final int PREAMBLE = 8 + 4 + 4 + 8 + 8 + 4;

  /**
   * The file of changes since the stored index ({@value #INDEX}, the <em>base</em>) was written:
   * the snapshots read since, their postings, and the whole recorded state; it names the base it
   * applies to by a digest of the base's header, and is ignored beside any other base.
   */
  static final String DELTA = "delta";

  private static final byte[] DELTA_MAGIC = "LETHEDLT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * At most this many snapshot directories changed since the base was written, an update writes
   * only a delta (reading only those); more, and the base is written again (compacted).
   */
  static final int MAX_DELTA = 8;

  private final Path root;
  private final boolean mayStore;
  private volatile View view;
  /** Views found corrupt, whose files other threads may still be reading: closed with the index. */
  private final List<View> retired = new ArrayList<>();

  private LineageIndex(Path root, boolean mayStore, View view) {
    this.root = root;
    this.mayStore = mayStore;
    this.view = view;
  }

  /**
   * The index of the snapshots under {@code root}: the stored one if it is whole and every file it
   * was built from is unchanged, else one read afresh from the files (and stored, if the root can
   * be written and its files have settled). A root that does not exist holds no snapshots.
   *
   * @throws IOException if the snapshot files cannot be read (as {@link SnapshotCatalog#open})
   * @throws NullPointerException if {@code root} is null
   */
  public static LineageIndex open(Path root) throws IOException {
    return open(root, true);
  }

  /**
   * As {@link #open}, but never writes into the root: for a root known to lack a snapshot (an
   * unmounted volume's empty mount point, say), where nothing should be written.
   *
   * @throws IOException if the snapshot files cannot be read (as {@link SnapshotCatalog#open})
   * @throws NullPointerException if {@code root} is null
   */
  public static LineageIndex openReadOnly(Path root) throws IOException {
    return open(root, false);
  }

  private static LineageIndex open(Path root, boolean mayStore) throws IOException {
    Objects.requireNonNull(root, "root");
    Path file = root.resolve(DIRECTORY).resolve(INDEX);
    Stored stored = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? readStored(root, file) : null;
    if (stored != null && stored.current()) {
      return new LineageIndex(root, mayStore, stored.view());
    }
    if (stored != null && stored.view().delta != null && unchanged(root, stored.baseRecorded())) {
      // Changed back to what the base records (a snapshot published and retired again): the base
      // alone answers, and the delta beside it would only be read in vain.
      View base = new View(stored.base());
      stored.view().closeExcept(base);
      if (mayStore) {
        try {
          Files.deleteIfExists(file.resolveSibling(DELTA));
        } catch (IOException e) {
          // read in vain next time, and found stale again
        }
      }
      return new LineageIndex(root, mayStore, base);
    }
    View fresh = null;
    try {
      fresh = rebuild(root, mayStore, stored);
      return new LineageIndex(root, mayStore, fresh);
    } finally {
      if (stored != null) {
        stored.view().closeExcept(fresh);
      }
    }
  }

  /**
   * The snapshots, by as-of instant then id (as {@link SnapshotCatalog#snapshots}). After a corrupt
   * index was found by {@link #where}, those of the files read then.
   */
  public List<Snapshot> snapshots() {
    return view.snapshots;
  }

  /** Whether the answers come from the snapshot files rather than the stored index. */
  public boolean rebuilt() {
    return view.rebuilt;
  }

  /**
   * Whether {@link #open} updated a stored index for the snapshot directories changed since
   * (reading only those) rather than reading every snapshot.
   */
  boolean updated() {
    return view.updated;
  }

  /** How many snapshots are answered from a delta beside the base (0 when there is none). */
  int deltaSnapshots() {
    return view.delta == null ? 0 : view.delta.snapshots.size();
  }

  /**
   * The snapshots holding records of the member with this dense number, each with the one shard
   * that holds them, in snapshot order (as {@link SnapshotCatalog#where}).
   *
   * @throws IOException if the index file cannot be read, or the snapshot files cannot be read
   *     after it was found corrupt
   */
  public List<Hit> where(int memberNumber) throws IOException {
    View v = view;
    try {
      return v.where(root, memberNumber);
    } catch (CorruptIndexException e) {
      // Answered as a torn index is at open: from the files, never from the bytes that failed.
      return replace(v).where(root, memberNumber);
    }
  }

  private synchronized View replace(View corrupt) throws IOException {
    if (view == corrupt) {
      View fresh = rebuild(root, mayStore, null);
      retired.add(corrupt);
      view = fresh;
    }
    return view;
  }

  @Override
  public synchronized void close() throws IOException {
    IOException first = null;
    for (View v : retired) {
      try {
        v.closeExcept(null);
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    retired.clear();
    view.closeExcept(null);
    if (first != null) {
      throw first;
    }
  }

  /**
   * One published snapshot as the index lists it.
   *
   * @param directory the snapshot's directory
   * @param policyVersion the policy version of the build, or null
   * @param shards how many of the shards the manifest lists still have their member bitmap (forgetting deletes them)
   * @param members how many members its present shards hold
   */
  public record Snapshot(String snapshot, Path directory, String purpose, Instant asOf, String policyVersion,
      long included, long excluded, int shards, long members) {}

  /** A snapshot holding a member's records, and the shard that holds them. */
  public record Hit(Snapshot snapshot, int shard) {}

  /** Bytes of the body whose chunk does not match its checksum, or that end early. */
  private static final class CorruptIndexException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptIndexException(String message) {
      super(message);
    }
  }

  private static final int[] NONE = new int[0];

  /**
   * What an index answers from: a base, and the delta beside it if there is one. The snapshots are
   * the base's that the delta keeps and the delta's own, in order (by as-of then id); each file's
   * ordinals map to theirs in this order, so the hits of the two files merge in snapshot order.
   */
  private static final class View {
    final List<Snapshot> snapshots;
    final Body base;
    /** Base ordinal to ordinal here, -1 for a snapshot the delta drops; null: the base alone. */
    final int[] baseMap;
    final Body delta;
    final int[] deltaMap;
    final boolean rebuilt;
    final boolean updated;

    View(List<Snapshot> snapshots, Body base, int[] baseMap, Body delta, int[] deltaMap, boolean rebuilt, boolean updated) {
      this.snapshots = List.copyOf(snapshots);
      this.base = base;
      this.baseMap = baseMap;
      this.delta = delta;
      this.deltaMap = deltaMap;
      this.rebuilt = rebuilt;
      this.updated = updated;
    }

    /** A base alone. */
    View(Body base) {
      this(base.snapshots, base, null, null, null, base.rebuilt, base.updated);
    }

    List<Hit> where(Path root, int memberNumber) throws IOException {
      int[] b = base.postings(root, memberNumber);
      int[] d = delta == null ? NONE : delta.postings(root, memberNumber);
      if (b.length == 0 && d.length == 0) {
        return List.of();
      }
      List<Hit> hits = new ArrayList<>((b.length + d.length) / 2);
      int i = 0;
      int k = 0;
      while (i < b.length || k < d.length) {
        int fromBase = -1;
        while (i < b.length && (fromBase = baseMap == null ? b[i] : baseMap[b[i]]) < 0) {
          i += 2; // a snapshot the delta replaced or dropped
        }
        if (i >= b.length) {
          fromBase = Integer.MAX_VALUE;
        }
        int fromDelta = k < d.length ? deltaMap[d[k]] : Integer.MAX_VALUE;
        if (fromBase == Integer.MAX_VALUE && fromDelta == Integer.MAX_VALUE) {
          break;
        }
        if (fromBase < fromDelta) {
          hits.add(new Hit(snapshots.get(fromBase), b[i + 1]));
          i += 2;
        } else {
          hits.add(new Hit(snapshots.get(fromDelta), d[k + 1]));
          k += 2;
        }
      }
      return hits;
    }

    /** Closes the files this view reads but those {@code kept} reads too. */
    void closeExcept(View kept) throws IOException {
      try {
        if (kept == null || (kept.base != base && kept.delta != base)) {
          base.source.close();
        }
      } finally {
        if (delta != null && (kept == null || (kept.base != delta && kept.delta != delta))) {
          delta.source.close();
        }
      }
    }
  }

  /**
   * What one index file answers from: the snapshots and the header's layout and checksums, parsed
   * once, and the bytes of the body.
   */
  private static final class Body {
    final List<Snapshot> snapshots;
    final int memberLimit;
    final long offsetsAt;
    final long postingsAt;
    final long length;
    final int[] chunkCrcs;
    final Source source;
    final boolean rebuilt;
    final boolean updated;

    Body(List<Snapshot> snapshots, int memberLimit, long offsetsAt, long length, int[] chunkCrcs, Source source,
        boolean rebuilt, boolean updated) {
      this.snapshots = List.copyOf(snapshots);
      this.memberLimit = memberLimit;
      this.offsetsAt = offsetsAt;
      this.postingsAt = offsetsAt + 8L * (memberLimit + 1L);
      this.length = length;
      this.chunkCrcs = chunkCrcs;
      this.source = source;
      this.rebuilt = rebuilt;
      this.updated = updated;
    }

    /**
     * The member's postings in this file: ordinal (into this file's snapshots) and shard, in
     * pairs, by ordinal.
     */
    int[] postings(Path root, int memberNumber) throws IOException {
      if (memberNumber < 0 || memberNumber >= memberLimit) {
        return NONE;
      }
      ByteBuffer bounds = checked(offsetsAt + 8L * memberNumber, 16);
      long from = bounds.getLong(bounds.position());
      long to = bounds.getLong(bounds.position() + 8);
      // Checked bytes, so wrong ones are the writer's: an error, not a reason to read the files.
      if (from < 0 || to < from || to - from > Integer.MAX_VALUE || postingsAt + to > length) {
        throw new IOException(root.resolve(DIRECTORY) + ": corrupt offsets for member " + memberNumber);
      }
      if (from == to) {
        return NONE;
      }
      ByteBuffer postings = checked(postingsAt + from, (int) (to - from));
      byte[] b = postings.array();
      int[] at = {postings.arrayOffset() + postings.position()};
      int end = at[0] + (int) (to - from);
      int[] hits = new int[2 * Math.min(snapshots.size(), end - at[0])];
      int n = 0;
      int ordinal = -1;
      int shard = -1;
      while (at[0] < end) {
        long v = varint(root, b, at, end, memberNumber);
        ordinal += (int) (v >>> 1) + 1;
        if ((v & 1) == 0) {
          shard = (int) varint(root, b, at, end, memberNumber);
        }
        if (ordinal < 0 || ordinal >= snapshots.size() || shard < 0 || shard > Short.MAX_VALUE || n == hits.length) {
          throw new IOException(root.resolve(DIRECTORY) + ": corrupt postings for member " + memberNumber);
        }
        hits[n++] = ordinal;
        hits[n++] = shard;
      }
      return n == hits.length ? hits : Arrays.copyOf(hits, n);
    }

    /**
     * The bytes at {@code [at, at + length)} of the index, read with the whole chunks that hold
     * them and checked against their checksums; the buffer is positioned at {@code at}.
     *
     * @throws CorruptIndexException if a chunk does not match, or the file ends early
     */
    ByteBuffer checked(long at, int count) throws IOException {
      if (at < offsetsAt || count <= 0 || at + count > length) {
        throw new CorruptIndexException("lineage index read out of bounds");
      }
      long first = (at - offsetsAt) / CHUNK_BYTES;
      long last = (at + count - 1 - offsetsAt) / CHUNK_BYTES;
      long start = offsetsAt + first * CHUNK_BYTES;
      long end = Math.min(length, offsetsAt + (last + 1) * CHUNK_BYTES);
      ByteBuffer chunks = ByteBuffer.allocate((int) (end - start));
      try {
        source.read(start, chunks);
      } catch (EOFException e) {
        throw new CorruptIndexException("lineage index ends early");
      }
      CRC32C crc = new CRC32C();
      byte[] b = chunks.array();
      for (long c = first; c <= last; c++) {
        int from = (int) ((c - first) * CHUNK_BYTES);
        crc.reset();
        crc.update(b, from, Math.min(CHUNK_BYTES, b.length - from));
        if ((int) crc.getValue() != chunkCrcs[(int) c]) {
          throw new CorruptIndexException("lineage index chunk " + c + " does not match its checksum");
        }
      }
      return chunks.position((int) (at - start));
    }

    private static long varint(Path root, byte[] b, int[] at, int end, int memberNumber) throws IOException {
      long v = 0;
      for (int shift = 0; shift < 63; shift += 7) {
        if (at[0] >= end) {
          break;
        }
        byte k = b[at[0]++];
        v |= (long) (k & 0x7f) << shift;
        if (k >= 0) {
          return v;
        }
      }
      throw new IOException(root.resolve(DIRECTORY) + ": corrupt postings for member " + memberNumber);
    }
  }

  // ---- reading a stored index

  /**
   * A stored index whose base header is whole and matches its checksum: the base with the state it
   * records and the digest of its header; the view answered from (the base, with the delta beside
   * it if that is whole and names this base) with the state that records; and whether every file
   * it records is unchanged (else the base may still serve an update). The files stay open.
   */
  private record Stored(State baseRecorded, Body base, byte[] baseDigest, View view, State recorded, boolean current) {}

  /** The stored index if its base is whole, of this version and its header matches its checksum; else null. */
  private static Stored readStored(Path root, Path file) throws IOException {
    Opened b = openFile(file, MAGIC);
    if (b == null) {
      return null;
    }
    View view = null;
    boolean[] handedOver = {false};
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(b.header()));
      State recorded = readState(in);
      Body base = readBody(in, root, b.offsetsAt(), b.length(), Source.of(b.channel()), false, false);
      if (base == null || !endsWhereItSays(base)) {
        return null;
      }
      view = new View(base);
      State viewRecorded = recorded;
      Delta delta = readDelta(root, file.resolveSibling(DELTA), b.digest(), base);
      if (delta != null) {
        view = delta.view();
        viewRecorded = delta.recorded();
      }
      Stored stored = new Stored(recorded, base, b.digest(), view, viewRecorded, unchanged(root, viewRecorded));
      view = null;
      handedOver[0] = true;
      return stored;
    } catch (EOFException | UTFDataFormatException | IllegalArgumentException | DateTimeException e) {
      return null; // torn or foreign: read the files instead
    } finally {
      if (view != null) {
        view.closeExcept(null);
      }
      if (!handedOver[0]) {
        b.channel().close();
      }
    }
  }

  /** An index file's open channel, header bytes, layout, and the SHA-256 of its preamble and header. */
  private record Opened(FileChannel channel, byte[] header, long offsetsAt, long length, byte[] digest) {}

  /**
   * The file opened and its preamble and header read and checked (magic, version, lengths, the
   * header's checksum); null if it cannot be opened or is not whole.
   */
  private static Opened openFile(Path file, byte[] magic) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (FileSystemException e) {
      return null; // absent, or not ours to read: answered without it
    }
    boolean keep = false;
    try {
      ByteBuffer preamble = ByteBuffer.allocate(PREAMBLE);
      if (channel.size() < PREAMBLE || readFully(channel, 0, preamble) < PREAMBLE) {
        return null;
      }
      byte[] found = new byte[magic.length];
      preamble.get(0, found);
      int headerLength = preamble.getInt(12);
      long offsetsAt = preamble.getLong(16);
      long length = preamble.getLong(24);
      if (!Arrays.equals(found, magic) || preamble.getInt(8) != VERSION || length != channel.size()
          || headerLength < 0 || offsetsAt != PREAMBLE + (long) headerLength || offsetsAt > length) {
        return null;
      }
      ByteBuffer header = ByteBuffer.allocate(headerLength);
      if (readFully(channel, PREAMBLE, header) < headerLength
          || headerCrc(preamble.array(), header.array(), 0, headerLength) != preamble.getInt(PREAMBLE - 4)) {
        return null;
      }
      keep = true;
      return new Opened(channel, header.array(), offsetsAt, length, digest(preamble.array(), header.array(), 0, headerLength));
    } finally {
      if (!keep) {
        channel.close();
      }
    }
  }

  /** The SHA-256 of a file's preamble and header: what a delta names its base by. */
  private static byte[] digest(byte[] preamble, byte[] header, int headerFrom, int headerLength) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(preamble, 0, PREAMBLE);
      sha.update(header, headerFrom, headerLength);
      return sha.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A delta read: the state it records and the view of its base with it. */
  private record Delta(State recorded, View view) {}

  /**
   * The delta in {@code file} over {@code base}, or null if there is none, or it is torn, corrupt
   * in its header, or names another base (one written over it since, or before it).
   */
  private static Delta readDelta(Path root, Path file, byte[] baseDigest, Body base) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    Opened d = openFile(file, DELTA_MAGIC);
    if (d == null) {
      return null;
    }
    boolean keep = false;
    try {
      Delta delta = parseDelta(root, d.header(), d.offsetsAt(), d.length(), Source.of(d.channel()), baseDigest, base, false,
          false);
      keep = delta != null;
      return delta;
    } catch (EOFException | UTFDataFormatException | IllegalArgumentException | DateTimeException e) {
      return null;
    } finally {
      if (!keep) {
        d.channel().close();
      }
    }
  }

  /**
   * A delta's header parsed: the base's digest it names, the state, the order (each snapshot's
   * base ordinal, or its delta ordinal {@code d} as {@code -d - 1}), then its own snapshots and
   * checksums as a base's; null if it names another base or is inconsistent.
   */
  private static Delta parseDelta(Path root, byte[] header, long offsetsAt, long length, Source source, byte[] baseDigest,
      Body base, boolean rebuilt, boolean updated) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(header));
    byte[] names = new byte[baseDigest.length];
    in.readFully(names);
    if (!Arrays.equals(names, baseDigest)) {
      return null;
    }
    State recorded = readState(in);
    int n = count(in);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = in.readInt();
    }
    Body delta = readBody(in, root, offsetsAt, length, source, rebuilt, updated);
    if (delta == null || !endsWhereItSays(delta)) {
      return null;
    }
    int[] baseMap = new int[base.snapshots.size()];
    Arrays.fill(baseMap, -1);
    int[] deltaMap = new int[delta.snapshots.size()];
    List<Snapshot> snapshots = new ArrayList<>(n);
    int lastBase = -1;
    int nextDelta = 0;
    for (int i = 0; i < n; i++) {
      int o = order[i];
      if (o >= 0) {
        if (o <= lastBase || o >= baseMap.length) {
          return null;
        }
        baseMap[o] = i;
        lastBase = o;
        snapshots.add(base.snapshots.get(o));
      } else {
        if (-o - 1 != nextDelta || nextDelta >= deltaMap.length) {
          return null;
        }
        deltaMap[nextDelta] = i;
        snapshots.add(delta.snapshots.get(nextDelta++));
      }
    }
    if (nextDelta != deltaMap.length) {
      return null;
    }
    return new Delta(recorded, new View(snapshots, base, baseMap, delta, deltaMap, rebuilt, updated));
  }

  /** The header after the recorded state: snapshots, member limit and the body's checksums; null if inconsistent. */
  private static Body readBody(DataInputStream in, Path root, long offsetsAt, long length, Source source, boolean rebuilt,
      boolean updated) throws IOException {
    List<Snapshot> snapshots = readSnapshots(in, root);
    int memberLimit = in.readInt();
    int chunkBytes = in.readInt();
    int chunks = in.readInt();
    long postingsAt = offsetsAt + 8L * (memberLimit + 1L);
    if (memberLimit < 0 || postingsAt > length || chunkBytes != CHUNK_BYTES
        || chunks != (length - offsetsAt + CHUNK_BYTES - 1) / CHUNK_BYTES) {
      return null;
    }
    int[] crcs = new int[chunks];
    for (int i = 0; i < chunks; i++) {
      crcs[i] = in.readInt();
    }
    return new Body(snapshots, memberLimit, offsetsAt, length, crcs, source, rebuilt, updated);
  }

  /** Whether the last member's postings end at the file's end (read through the checksums). */
  private static boolean endsWhereItSays(Body body) throws IOException {
    try {
      ByteBuffer last = body.checked(body.postingsAt - 8, 8);
      return body.postingsAt + last.getLong(last.position()) == body.length;
    } catch (CorruptIndexException e) {
      return false;
    }
  }

  /** The CRC32C of the preamble before its checksum, then the header. */
  private static int headerCrc(byte[] preamble, byte[] header, int headerFrom, int headerLength) {
    CRC32C crc = new CRC32C();
    crc.update(preamble, 0, PREAMBLE - 4);
    crc.update(header, headerFrom, headerLength);
    return (int) crc.getValue();
  }

  private static int readFully(FileChannel channel, long at, ByteBuffer into) throws IOException {
    int total = 0;
    while (into.hasRemaining()) {
      int n = channel.read(into, at + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  // ---- building

  /** At most this many snapshot directories changed, an update reads only them; more, and everything is read. */
  static final int MAX_REREAD = 32;

  /**
   * The index read from the files: only the snapshot directories changed since {@code stale} was
   * built (published, retired, changed by forgetting) if it can be updated, else all of them.
   */
  private static View rebuild(Path root, boolean mayStore, Stored stale) throws IOException {
    // The temporary file's creation time is the file system's clock at the start: a file changed
    // during or after the read below has a time at least this.
    Path temp = mayStore ? createTemp(root) : null;
    try {
      long startNanos = temp == null ? 0 : Files.getLastModifiedTime(temp).to(TimeUnit.NANOSECONDS);
      State before = stateOf(root, Map.of());
      // A few changes since the base was written: a delta beside it (the base's bytes stay as
      // they are); more, or a delta that cannot be made, and the base is written again.
      Built built = stale == null ? null : delta(root, stale, before);
      if (built == null && stale != null) {
        built = update(root, stale, before);
      }
      if (built == null) {
        List<LineagePostings.Snapshot> read = LineagePostings.read(root);
        State after = stateOf(root, bitmapNames(read));
        built = new Built(encode(root, read, after), after, false, false);
      }
      byte[] index = built.index();
      State after = built.after();
      // A snapshot published, retired or renamed while the files were read changes the listing
      // or a directory's state between the two looks, and a file changed then has a recent time.
      boolean settled = temp != null && before.equals(after.withoutBitmaps())
          && after.settledBefore(startNanos - TimeUnit.SECONDS.toNanos(SETTLE_SECONDS));
      FileChannel stored = settled ? store(temp, index, built.delta() ? DELTA : INDEX) : null;
      if (stored != null) {
        temp = null;
        if (!built.delta()) {
          // The delta beside the old base names that base, so it would be ignored; gone, it is not read in vain.
          try {
            Files.deleteIfExists(root.resolve(DIRECTORY).resolve(DELTA));
          } catch (IOException e) {
            // ignored beside the new base all the same
          }
        }
      }
      // Once stored, its answers are read from the file, as a stored index's are: a process that
      // keeps it open (the server) does not keep its bytes in memory.
      Source source = stored != null ? Source.of(stored) : Source.of(ByteBuffer.wrap(index));
      if (built.delta()) {
        int headerLength = ByteBuffer.wrap(index).getInt(12);
        Delta delta = parseDelta(root, Arrays.copyOfRange(index, PREAMBLE, PREAMBLE + headerLength), PREAMBLE + (long) headerLength,
            index.length, source, stale.baseDigest(), stale.base(), true, true);
        return Objects.requireNonNull(delta, "encoded delta").view();
      }
      return new View(fromBytes(root, index, source, built.updated()));
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Writes the index into {@code temp}, forces it to disk and renames it over the stored one.
   * Returns the written file open for reading (opened before the rename, so another index renamed
   * over it later does not change what it reads), or null if that failed (a full disk, say): the
   * index is a cache, and the answer read from the files is right without it.
   */
  private static FileChannel store(Path temp, byte[] index, String name) {
    FileChannel written = null;
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer all = ByteBuffer.wrap(index);
        while (all.hasRemaining()) {
          out.write(all);
        }
        out.force(true);
      }
      written = FileChannel.open(temp, StandardOpenOption.READ);
      Files.move(temp, temp.resolveSibling(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return written;
    } catch (IOException e) {
      if (written != null) {
        try {
          written.close();
        } catch (IOException ignored) {
          // only a read handle
        }
      }
      return null;
    }
  }

  /**
   * A new temporary file in the index directory, or null if the root holds no snapshot directory
   * (an index of nothing saves nothing) or the index cannot be written there. Created with the
   * process's default permissions, as the snapshot files are, so whoever reads them reads it.
   */
  private static Path createTemp(Path root) throws IOException {
    if (!Files.isDirectory(root) || SnapshotFiles.snapshotDirectories(root).isEmpty()) {
      return null;
    }
    try {
      Path temp = Files.createDirectories(root.resolve(DIRECTORY)).resolve(INDEX + "." + UUID.randomUUID() + ".tmp");
      FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
      return temp;
    } catch (FileSystemException e) {
      return null; // read-only: answered from the files
    }
  }

  /**
   * An index file's bytes, the state they record, whether they were made by an update, and
   * whether they are a delta over the stale index's base (else a base).
   */
  private record Built(byte[] index, State after, boolean updated, boolean delta) {}

  private static Map<Path, List<String>> bitmapNames(List<LineagePostings.Snapshot> read) {
    Map<Path, List<String>> names = new HashMap<>();
    for (LineagePostings.Snapshot e : read) {
      names.put(e.directory(), e.memberFiles());
    }
    return names;
  }

  /**
   * The stale index updated for the snapshot directories whose state changed since it was built:
   * the directories listed now whose own and manifest's states are as recorded keep their
   * snapshots and postings (provided their bitmaps are as recorded too); the others are read, and
   * the snapshots of directories gone are dropped. The bytes are those a full read of the same
   * files gives (LineageIndexTest checks it). Null when that cannot be done here: too many changed
   * directories, a recorded bitmap changed in place, a body that fails its checksums, two snapshots
   * that sort alike; then everything is read.
   */
  private static Plan plan(Path root, Stored stale, State before, int maxChanged) throws IOException {
    State recorded = stale.baseRecorded();
    Body old = stale.base();
    if (!recorded.rootKey().equals(before.rootKey())) {
      return null;
    }
    Map<String, DirState> recordedByName = new HashMap<>();
    for (DirState d : recorded.dirs()) {
      recordedByName.put(d.dir().name(), d);
    }
    Map<Path, List<String>> names = new HashMap<>();
    Map<String, DirState> kept = new HashMap<>();
    List<Path> changed = new ArrayList<>();
    for (DirState d : before.dirs()) {
      Path dir = root.resolve(d.dir().name());
      DirState r = recordedByName.get(d.dir().name());
      if (r != null && r.dir().equals(d.dir()) && r.manifest().equals(d.manifest())) {
        kept.put(d.dir().name(), r);
        names.put(dir, r.bitmaps().stream().map(FileState::name).toList());
      } else {
        changed.add(dir);
      }
    }
    if (changed.size() > maxChanged) {
      return null;
    }
    List<LineagePostings.Snapshot> read = LineagePostings.read(changed);
    names.putAll(bitmapNames(read));
    State after = stateOf(root, names);
    for (DirState d : after.dirs()) {
      DirState r = kept.get(d.dir().name());
      if (r != null && !r.equals(d)) {
        return null; // a bitmap replaced in place, or a change since the listing: read everything
      }
    }
    // The new order: kept snapshots (by their old ordinal) and the ones read, by as-of then id.
    List<Entry> entries = new ArrayList<>();
    for (int o = 0; o < old.snapshots.size(); o++) {
      Snapshot s = old.snapshots.get(o);
      if (kept.containsKey(root.relativize(s.directory()).toString())) {
        entries.add(new Entry(s, o, null));
      }
    }
    for (LineagePostings.Snapshot e : read) {
      entries.add(new Entry(listed(e, 0), -1, e));
    }
    entries.sort(java.util.Comparator.comparing((Entry e) -> e.listed().asOf()).thenComparing(e -> e.listed().snapshot()));
    int[] oldToNew = new int[old.snapshots.size()];
    Arrays.fill(oldToNew, -1);
    List<LineagePostings.Snapshot> added = new ArrayList<>();
    int[] addedOrdinal = new int[read.size()];
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (i > 0 && e.listed().asOf().equals(entries.get(i - 1).listed().asOf())
          && e.listed().snapshot().equals(entries.get(i - 1).listed().snapshot())) {
        return null; // a full read orders these by listing; not worth repeating here
      }
      if (e.read() == null) {
        oldToNew[e.oldOrdinal()] = i;
      } else {
        addedOrdinal[added.size()] = i;
        added.add(e.read());
      }
    }
    return new Plan(old, after, entries.stream().map(e -> e.read() == null ? e.listed() : null).toList(), oldToNew, added,
        addedOrdinal, read.size());
  }

  /** The snapshots kept from the base and those read again, in the new order (see {@link #update}). */
  private record Entry(Snapshot listed, int oldOrdinal, LineagePostings.Snapshot read) {}

  /**
   * What an update does, worked out: the base, the state after, each new ordinal's snapshot kept
   * from the base (null where one read is), each base ordinal's new one (-1: dropped), the
   * snapshots read and their new ordinals.
   */
  private record Plan(Body old, State after, List<Snapshot> keptAt, int[] oldToNew, List<LineagePostings.Snapshot> added,
      int[] addedOrdinal, int readCount) {}

  /**
   * The stale index's base updated for the snapshot directories whose state changed since it was built:
   * the directories listed now whose own and manifest's states are as recorded keep their
   * snapshots and postings (provided their bitmaps are as recorded too); the others are read, and
   * the snapshots of directories gone are dropped. The bytes are those a full read of the same
   * files gives (LineageIndexTest checks it). Null when that cannot be done here: too many changed
   * directories, a recorded bitmap changed in place, a body that fails its checksums, two snapshots
   * that sort alike; then everything is read.
   */
  private static Built update(Path root, Stored stale, State before) throws IOException {
    Plan plan = plan(root, stale, before, MAX_REREAD);
    if (plan == null) {
      return null;
    }
    Body old = plan.old();
    ByteBuffer body;
    try {
      body = old.checked(old.offsetsAt, (int) Math.min(Integer.MAX_VALUE - 16, old.length - old.offsetsAt));
    } catch (CorruptIndexException e) {
      return null;
    }
    LineagePostings.Encoded postings = LineagePostings.update(body.array(), body.arrayOffset() + body.position(),
        old.memberLimit, plan.oldToNew(), plan.added(), plan.addedOrdinal(), Integer.MAX_VALUE - 16);
    if (postings == null) {
      return null;
    }
    List<Snapshot> snapshots = new ArrayList<>(plan.keptAt().size());
    int a = 0;
    for (Snapshot kept : plan.keptAt()) {
      snapshots.add(kept != null ? kept : listed(plan.added().get(a), postings.members()[a++]));
    }
    return new Built(assemble(root, snapshots, plan.after(), postings, null), plan.after(), true, false);
  }

  /**
   * A delta over the stale index's base for the snapshot directories changed since the base was
   * built (as {@link #update} finds them, at most {@value #MAX_DELTA}): their postings alone, the
   * order of every snapshot and the whole state now. Its cost is that of the changed snapshots and
   * the state, not of the base's postings. Null when {@link #update} would be null, or more changed.
   */
  private static Built delta(Path root, Stored stale, State before) throws IOException {
    Plan plan = plan(root, stale, before, MAX_DELTA);
    if (plan == null || plan.readCount() == 0 && plan.keptAt().size() == plan.old().snapshots.size()) {
      return null; // nothing changed since the base, but a bitmap's state: update() says what
    }
    LineagePostings.Encoded postings = LineagePostings.encode(plan.added(), Integer.MAX_VALUE - 16);
    List<Snapshot> own = new ArrayList<>(plan.added().size());
    for (int a = 0; a < plan.added().size(); a++) {
      own.add(listed(plan.added().get(a), postings.members()[a]));
    }
    int[] order = new int[plan.keptAt().size()];
    for (int o = 0; o < plan.oldToNew().length; o++) {
      if (plan.oldToNew()[o] >= 0) {
        order[plan.oldToNew()[o]] = o;
      }
    }
    for (int a = 0; a < plan.addedOrdinal().length; a++) {
      order[plan.addedOrdinal()[a]] = -a - 1;
    }
    return new Built(assemble(root, own, plan.after(), postings, new DeltaHeader(stale.baseDigest(), order)), plan.after(),
        true, true);
  }

  private static Body fromBytes(Path root, byte[] index, Source source, boolean updated) throws IOException {
    ByteBuffer all = ByteBuffer.wrap(index);
    int headerLength = all.getInt(12);
    long offsetsAt = all.getLong(16);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(index, PREAMBLE, headerLength));
    readState(in);
    return Objects.requireNonNull(readBody(in, root, offsetsAt, index.length, source, true, updated), "encoded header");
  }

  /**
   * The index's bytes: the preamble, the header (recorded state, snapshots, member limit, the
   * body's chunk checksums), then the body: each member's offset into the postings (and their
   * end), then the postings (see {@link LineagePostings#encode}).
   */
  private static byte[] encode(Path root, List<LineagePostings.Snapshot> read, State state) throws IOException {
    LineagePostings.Encoded postings = LineagePostings.encode(read, Integer.MAX_VALUE - 16);
    List<Snapshot> snapshots = new ArrayList<>(read.size());
    for (int i = 0; i < read.size(); i++) {
      snapshots.add(listed(read.get(i), postings.members()[i]));
    }
    return assemble(root, snapshots, state, postings, null);
  }

  /** What a delta's header holds before and after the state: the base's digest, and the order of every snapshot. */
  private record DeltaHeader(byte[] baseDigest, int[] order) {}

  private static Snapshot listed(LineagePostings.Snapshot e, long members) {
    return new Snapshot(e.snapshot(), e.directory(), e.purpose(), e.asOf(), e.policyVersion(), e.included(), e.excluded(),
        e.bitmaps().length, members);
  }

  private static byte[] assemble(Path root, List<Snapshot> snapshots, State state, LineagePostings.Encoded postings,
      DeltaHeader delta) throws IOException {
    int limit = postings.limit();
    long bodyLength = 8L * (limit + 1L) + postings.offsets()[limit];
    long chunks = (bodyLength + CHUNK_BYTES - 1) / CHUNK_BYTES;
    ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
    DataOutputStream header = new DataOutputStream(headerBytes);
    if (delta != null) {
      header.write(delta.baseDigest());
    }
    writeState(header, state);
    if (delta != null) {
      header.writeInt(delta.order().length);
      for (int o : delta.order()) {
        header.writeInt(o);
      }
    }
    writeSnapshots(header, snapshots, root);
    header.writeInt(limit);
    header.writeInt(CHUNK_BYTES);
    header.writeInt((int) chunks);
    header.write(new byte[(int) (4 * chunks)]); // the checksums, filled in below
    header.flush();
    long offsetsAt = PREAMBLE + (long) headerBytes.size();
    long total = offsetsAt + bodyLength;
    if (total > Integer.MAX_VALUE - 16) {
      throw new IOException(root + ": a lineage index of " + total + " bytes is more than one index file holds");
    }
    byte[] b = new byte[(int) total];
    ByteBuffer out = ByteBuffer.wrap(b);
    out.put(delta != null ? DELTA_MAGIC : MAGIC).putInt(VERSION).putInt(headerBytes.size()).putLong(offsetsAt).putLong(total).putInt(0);
    out.put(headerBytes.toByteArray());
    out.asLongBuffer().put(postings.offsets());
    System.arraycopy(postings.bytes(), 0, b, (int) (offsetsAt + 8L * (limit + 1L)), (int) postings.offsets()[limit]);
    CRC32C crc = new CRC32C();
    int crcsAt = (int) offsetsAt - 4 * (int) chunks;
    for (int c = 0; c < chunks; c++) {
      long from = offsetsAt + (long) c * CHUNK_BYTES;
      crc.reset();
      crc.update(b, (int) from, (int) Math.min(CHUNK_BYTES, total - from));
      out.putInt(crcsAt + 4 * c, (int) crc.getValue());
    }
    out.putInt(PREAMBLE - 4, headerCrc(b, b, PREAMBLE, headerBytes.size()));
    return b;
  }

  // ---- the recorded state of the files

  /** A file's kind, size, modification time and file key; kind {@code ABSENT} if there is none. */
  private record FileState(String name, int kind, long size, long modifiedNanos, String key) {
    static final int ABSENT = 0;
    static final int FILE = 1;
    static final int DIRECTORY = 2;
    static final int OTHER = 3;

    /** The state of {@code dir}/{@code name}, not following a symbolic link. */
    static FileState of(Path dir, String name) throws IOException {
      try {
        BasicFileAttributes a = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object key = a.fileKey();
        int kind = a.isRegularFile() ? FILE : a.isDirectory() ? DIRECTORY : OTHER;
        return new FileState(name, kind, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), key == null ? "" : key.toString());
      } catch (NoSuchFileException e) {
        return new FileState(name, ABSENT, -1, 0, "");
      }
    }

    /**
     * Whether it is absent, or a file or directory last modified before {@code nanos}: a symbolic
     * link's target could change while the link's state stays the same.
     */
    boolean settledBefore(long nanos) {
      return kind == ABSENT || (kind == FILE || kind == DIRECTORY) && modifiedNanos < nanos;
    }
  }

  /**
   * A snapshot directory's own state (entries added, removed or renamed in it change its time),
   * its manifest's, and those of the bitmaps the manifest names.
   */
  private record DirState(FileState dir, FileState manifest, List<FileState> bitmaps) {

    boolean settledBefore(long nanos) {
      return dir.settledBefore(nanos) && manifest.settledBefore(nanos) && bitmaps.stream().allMatch(f -> f.settledBefore(nanos));
    }
  }

  /**
   * What the index records of the files it was built from: the root's identity (its file key; its
   * time changes with the index's own directory, and the listing shows what matters of it) and
   * each snapshot directory's state, in listing order.
   */
  private record State(String rootKey, List<DirState> dirs) {

    boolean settledBefore(long nanos) {
      return dirs.stream().allMatch(d -> d.settledBefore(nanos));
    }

    State withoutBitmaps() {
      return new State(rootKey, dirs.stream().map(d -> new DirState(d.dir(), d.manifest(), List.of())).toList());
    }
  }

  /** Whether the root is the recorded one, lists the recorded directories, and every recorded file is as recorded. */
  private static boolean unchanged(Path root, State recorded) throws IOException {
    if (!Files.isDirectory(root) || !rootKey(root).equals(recorded.rootKey())) {
      return false;
    }
    List<Path> dirs = SnapshotFiles.snapshotDirectories(root);
    if (dirs.size() != recorded.dirs().size()) {
      return false;
    }
    for (int i = 0; i < dirs.size(); i++) {
      Path dir = dirs.get(i);
      DirState r = recorded.dirs().get(i);
      String name = dir.getFileName().toString();
      if (!FileState.of(root, name).equals(r.dir()) || !FileState.of(dir, SnapshotFiles.MANIFEST).equals(r.manifest())) {
        return false;
      }
      for (FileState f : r.bitmaps()) {
        if (!FileState.of(dir, f.name()).equals(f)) {
          return false;
        }
      }
    }
    return true;
  }

  private static String rootKey(Path root) throws IOException {
    Object key = Files.readAttributes(root, BasicFileAttributes.class).fileKey();
    return key == null ? root.toAbsolutePath().normalize().toString() : key.toString();
  }

  /**
   * The state of the root's snapshot directories and of the bitmaps named for each (the ones its
   * manifest names, when read; none for a directory not in the map).
   */
  private static State stateOf(Path root, Map<Path, List<String>> bitmapNames) throws IOException {
    if (!Files.isDirectory(root)) {
      return new State("", List.of());
    }
    List<DirState> dirs = new ArrayList<>();
    for (Path dir : SnapshotFiles.snapshotDirectories(root)) {
      List<FileState> bitmaps = new ArrayList<>();
      for (String name : bitmapNames.getOrDefault(dir, List.of())) {
        bitmaps.add(FileState.of(dir, name));
      }
      String name = dir.getFileName().toString();
      dirs.add(new DirState(FileState.of(root, name), FileState.of(dir, SnapshotFiles.MANIFEST), bitmaps));
    }
    return new State(rootKey(root), dirs);
  }

  private static void writeState(DataOutputStream out, State state) throws IOException {
    out.writeUTF(state.rootKey());
    out.writeInt(state.dirs().size());
    for (DirState d : state.dirs()) {
      writeFile(out, d.dir());
      writeFile(out, d.manifest());
      out.writeInt(d.bitmaps().size());
      for (FileState f : d.bitmaps()) {
        writeFile(out, f);
      }
    }
  }

  private static void writeFile(DataOutputStream out, FileState f) throws IOException {
    out.writeUTF(f.name());
    out.writeByte(f.kind());
    out.writeLong(f.size());
    out.writeLong(f.modifiedNanos());
    out.writeUTF(f.key());
  }

  private static State readState(DataInputStream in) throws IOException {
    String root = in.readUTF();
    int n = count(in);
    List<DirState> dirs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      FileState dir = readFile(in);
      FileState manifest = readFile(in);
      int files = count(in);
      List<FileState> bitmaps = new ArrayList<>(files);
      for (int k = 0; k < files; k++) {
        bitmaps.add(readFile(in));
      }
      dirs.add(new DirState(dir, manifest, bitmaps));
    }
    return new State(root, dirs);
  }

  private static FileState readFile(DataInputStream in) throws IOException {
    return new FileState(in.readUTF(), in.readUnsignedByte(), in.readLong(), in.readLong(), in.readUTF());
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1 << 24) {
      throw new IllegalArgumentException("implausible count " + n);
    }
    return n;
  }

  private static void writeSnapshots(DataOutputStream out, List<Snapshot> entries, Path root) throws IOException {
    out.writeInt(entries.size());
    for (Snapshot e : entries) {
      out.writeUTF(e.snapshot());
      out.writeUTF(root.relativize(e.directory()).toString());
      out.writeUTF(e.purpose());
      out.writeLong(e.asOf().getEpochSecond());
      out.writeInt(e.asOf().getNano());
      out.writeBoolean(e.policyVersion() != null);
      out.writeUTF(e.policyVersion() == null ? "" : e.policyVersion());
      out.writeLong(e.included());
      out.writeLong(e.excluded());
      out.writeInt(e.shards());
      out.writeLong(e.members());
    }
  }

  private static List<Snapshot> readSnapshots(DataInputStream in, Path root) throws IOException {
    int n = count(in);
    List<Snapshot> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String snapshot = in.readUTF();
      Path directory = root.resolve(in.readUTF());
      String purpose = in.readUTF();
      Instant asOf = Instant.ofEpochSecond(in.readLong(), in.readInt());
      boolean hasPolicy = in.readBoolean();
      String policy = in.readUTF();
      out.add(new Snapshot(snapshot, directory, purpose, asOf, hasPolicy ? policy : null, in.readLong(), in.readLong(),
          in.readInt(), in.readLong()));
    }
    return out;
  }

  /** Where an index's bytes are read from: its file, or memory when it was not stored. */
  private interface Source extends Closeable {
    void read(long at, ByteBuffer into) throws IOException;

    static Source of(FileChannel channel) {
      return new Source() {
        @Override
        public void read(long at, ByteBuffer into) throws IOException {
          if (readFully(channel, at, into) < into.capacity()) {
            throw new EOFException("lineage index ends early");
          }
        }

        @Override
        public void close() throws IOException {
          channel.close();
        }
      };
    }

    static Source of(ByteBuffer bytes) {
      return new Source() {
        @Override
        public void read(long at, ByteBuffer into) throws IOException {
          if (at < 0 || at + into.capacity() > bytes.capacity()) {
            throw new EOFException("lineage index ends early");
          }
          into.put(0, bytes, (int) at, into.capacity());
        }

        @Override
        public void close() {}
      };
    }
  }

}
