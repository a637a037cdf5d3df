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
 * is added, removed or renamed in it), so none is answered from a stale index. When only a few
 * snapshot directories changed (at most {@value #MAX_REREAD}), the new index is the stored one
 * updated: only those are read, and the bytes are those a read of every file would give.
 *
 * <p>Every byte answered from is checked first: the header (what {@link #open} reads) carries a
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
 * <p>An open index holds its file open (an index renamed over it by another process does not
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

  private final Path root;
  private final boolean mayStore;
  private volatile Body body;
  /** Bodies found corrupt, whose files other threads may still be reading: closed with the index. */
  private final List<Source> retired = new ArrayList<>();

  private LineageIndex(Path root, boolean mayStore, Body body) {
    this.root = root;
    this.mayStore = mayStore;
    this.body = body;
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
      return new LineageIndex(root, mayStore, stored.body());
    }
    try {
      return new LineageIndex(root, mayStore, rebuild(root, mayStore, stored));
    } finally {
      if (stored != null) {
        stored.body().source.close();
      }
    }
  }

  /**
   * The snapshots, by as-of instant then id (as {@link SnapshotCatalog#snapshots}). After a corrupt
   * index was found by {@link #where}, those of the files read then.
   */
  public List<Snapshot> snapshots() {
    return body.snapshots;
  }

  /** Whether the answers come from the snapshot files rather than the stored index. */
  public boolean rebuilt() {
    return body.rebuilt;
  }

  /**
   * Whether {@link #open} updated a stored index for the snapshot directories changed since
   * (reading only those) rather than reading every snapshot.
   */
  boolean updated() {
    return body.updated;
  }

  /**
   * The snapshots holding records of the member with this dense number, each with the one shard
   * that holds them, in snapshot order (as {@link SnapshotCatalog#where}).
   *
   * @throws IOException if the index file cannot be read, or the snapshot files cannot be read
   *     after it was found corrupt
   */
  public List<Hit> where(int memberNumber) throws IOException {
    Body b = body;
    try {
      return b.where(root, memberNumber);
    } catch (CorruptIndexException e) {
      // Answered as a torn index is at open: from the files, never from the bytes that failed.
      return replace(b).where(root, memberNumber);
    }
  }

  private synchronized Body replace(Body corrupt) throws IOException {
    if (body == corrupt) {
      Body fresh = rebuild(root, mayStore, null);
      retired.add(corrupt.source);
      body = fresh;
    }
    return body;
  }

  @Override
  public synchronized void close() throws IOException {
    IOException first = null;
    for (Source s : retired) {
      try {
        s.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    retired.clear();
    body.source.close();
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

  /**
   * What an index answers from: the snapshots and the header's layout and checksums, parsed once,
   * and the bytes of the body.
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

    List<Hit> where(Path root, int memberNumber) throws IOException {
      if (memberNumber < 0 || memberNumber >= memberLimit) {
        return List.of();
      }
      ByteBuffer bounds = checked(offsetsAt + 8L * memberNumber, 16);
      long from = bounds.getLong(bounds.position());
      long to = bounds.getLong(bounds.position() + 8);
      // Checked bytes, so wrong ones are the writer's: an error, not a reason to read the files.
      if (from < 0 || to < from || to - from > Integer.MAX_VALUE || postingsAt + to > length) {
        throw new IOException(root.resolve(DIRECTORY) + ": corrupt offsets for member " + memberNumber);
      }
      if (from == to) {
        return List.of();
      }
      ByteBuffer postings = checked(postingsAt + from, (int) (to - from));
      byte[] b = postings.array();
      int[] at = {postings.arrayOffset() + postings.position()};
      int end = at[0] + (int) (to - from);
      List<Hit> hits = new ArrayList<>();
      int ordinal = -1;
      int shard = -1;
      while (at[0] < end) {
        long v = varint(root, b, at, end, memberNumber);
        ordinal += (int) (v >>> 1) + 1;
        if ((v & 1) == 0) {
          shard = (int) varint(root, b, at, end, memberNumber);
        }
        if (ordinal < 0 || ordinal >= snapshots.size() || shard < 0 || shard > Short.MAX_VALUE) {
          throw new IOException(root.resolve(DIRECTORY) + ": corrupt postings for member " + memberNumber);
        }
        hits.add(new Hit(snapshots.get(ordinal), shard));
      }
      return hits;
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
   * A stored index whose header is whole and matches its checksum, and whether every file it
   * records is unchanged (else its body may still serve an update); the body's file stays open.
   */
  private record Stored(State recorded, Body body, boolean current) {}

  /** The stored index if it is whole, of this version and its header matches its checksum; else null. */
  private static Stored readStored(Path root, Path file) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (FileSystemException e) {
      return null; // not ours to read: answered from the files
    }
    boolean keep = false;
    try {
      ByteBuffer preamble = ByteBuffer.allocate(PREAMBLE);
      if (channel.size() < PREAMBLE || readFully(channel, 0, preamble) < PREAMBLE) {
        return null;
      }
      byte[] magic = new byte[MAGIC.length];
      preamble.get(0, magic);
      int headerLength = preamble.getInt(12);
      long offsetsAt = preamble.getLong(16);
      long length = preamble.getLong(24);
      if (!Arrays.equals(magic, MAGIC) || preamble.getInt(8) != VERSION || length != channel.size()
          || headerLength < 0 || offsetsAt != PREAMBLE + (long) headerLength || offsetsAt > length) {
        return null;
      }
      ByteBuffer header = ByteBuffer.allocate(headerLength);
      if (readFully(channel, PREAMBLE, header) < headerLength
          || headerCrc(preamble.array(), header.array(), 0, headerLength) != preamble.getInt(PREAMBLE - 4)) {
        return null;
      }
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(header.array()));
      State recorded = readState(in);
      Body body = readBody(in, root, offsetsAt, length, Source.of(channel), false, false);
      if (body == null || !endsWhereItSays(body)) {
        return null;
      }
      keep = true;
      return new Stored(recorded, body, unchanged(root, recorded));
    } catch (EOFException | UTFDataFormatException | IllegalArgumentException | DateTimeException e) {
      return null; // torn or foreign: read the files instead
    } finally {
      if (!keep) {
        channel.close();
      }
    }
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
  private static Body rebuild(Path root, boolean mayStore, Stored stale) throws IOException {
    // The temporary file's creation time is the file system's clock at the start: a file changed
    // during or after the read below has a time at least this.
    Path temp = mayStore ? createTemp(root) : null;
    try {
      long startNanos = temp == null ? 0 : Files.getLastModifiedTime(temp).to(TimeUnit.NANOSECONDS);
      State before = stateOf(root, Map.of());
      Built built = stale == null ? null : update(root, stale, before);
      if (built == null) {
        List<LineagePostings.Snapshot> read = LineagePostings.read(root);
        State after = stateOf(root, bitmapNames(read));
        built = new Built(encode(root, read, after), after, false);
      }
      byte[] index = built.index();
      State after = built.after();
      // A snapshot published, retired or renamed while the files were read changes the listing
      // or a directory's state between the two looks, and a file changed then has a recent time.
      boolean settled = temp != null && before.equals(after.withoutBitmaps())
          && after.settledBefore(startNanos - TimeUnit.SECONDS.toNanos(SETTLE_SECONDS));
      FileChannel stored = settled ? store(temp, index) : null;
      if (stored != null) {
        temp = null;
      }
      // Once stored, its answers are read from the file, as a stored index's are: a process that
      // keeps it open (the server) does not keep its bytes in memory.
      return fromBytes(root, index, stored != null ? Source.of(stored) : Source.of(ByteBuffer.wrap(index)), built.updated());
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
  private static FileChannel store(Path temp, byte[] index) {
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
      Files.move(temp, temp.resolveSibling(INDEX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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

  /** An index's bytes, the state they record, and whether they were made by an update. */
  private record Built(byte[] index, State after, boolean updated) {}

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
  private static Built update(Path root, Stored stale, State before) throws IOException {
    State recorded = stale.recorded();
    Body old = stale.body();
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
    if (changed.size() > MAX_REREAD) {
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
    record Entry(Snapshot listed, int oldOrdinal, LineagePostings.Snapshot read) {}
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
    ByteBuffer body;
    try {
      body = old.checked(old.offsetsAt, (int) Math.min(Integer.MAX_VALUE - 16, old.length - old.offsetsAt));
    } catch (CorruptIndexException e) {
      return null;
    }
    LineagePostings.Encoded postings = LineagePostings.update(body.array(), body.arrayOffset() + body.position(),
        old.memberLimit, oldToNew, added, addedOrdinal, Integer.MAX_VALUE - 16);
    if (postings == null) {
      return null;
    }
    List<Snapshot> snapshots = new ArrayList<>(entries.size());
    int a = 0;
    for (Entry e : entries) {
      snapshots.add(e.read() == null ? e.listed() : listed(e.read(), postings.members()[a++]));
    }
    return new Built(assemble(root, snapshots, after, postings), after, true);
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
    return assemble(root, snapshots, state, postings);
  }

  private static Snapshot listed(LineagePostings.Snapshot e, long members) {
    return new Snapshot(e.snapshot(), e.directory(), e.purpose(), e.asOf(), e.policyVersion(), e.included(), e.excluded(),
        e.bitmaps().length, members);
  }

  private static byte[] assemble(Path root, List<Snapshot> snapshots, State state, LineagePostings.Encoded postings)
      throws IOException {
    int limit = postings.limit();
    long bodyLength = 8L * (limit + 1L) + postings.offsets()[limit];
    long chunks = (bodyLength + CHUNK_BYTES - 1) / CHUNK_BYTES;
    ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
    DataOutputStream header = new DataOutputStream(headerBytes);
    writeState(header, state);
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
    out.put(MAGIC).putInt(VERSION).putInt(headerBytes.size()).putLong(offsetsAt).putLong(total).putInt(0);
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
