package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.roaringbitmap.PeekableIntIterator;

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
 * otherwise, or if the index is missing, torn or of another version, it reads the files through
 * the catalog and writes a new index. A shard deleted by forgetting, a snapshot published, retired,
 * renamed or restored from a backup: each changes a recorded state (a directory's time changes
 * when an entry is added, removed or renamed in it), so none is answered from a stale index.
 *
 * <p>A change made within the file system's timestamp granularity of the read could leave a time
 * as recorded, and a change made while the catalog is read could be missed by it; both leave a
 * time no earlier than the start of the read, or change the listing. So the index is written only
 * if the root lists the same directories in the same states before and after the read, and every
 * state it records is at least {@value #SETTLE_SECONDS} s older than the start of the read (and no
 * recorded path is a symbolic link, whose target could change unseen); until then each open reads
 * the files. The index is written to a temporary file, forced to disk and renamed over the old
 * one, so a crash leaves the old index or the new one. A root that cannot be written is answered
 * from the files.
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

  private static final String INDEX = "index";

  /** How much older than a build's start every recorded file must be before the index is written. */
  static final int SETTLE_SECONDS = 3;

  private static final byte[] MAGIC = "LETHELIN".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  /** Magic, version, then the header's length, the offsets' position and the file's length. */
  private static final int PREAMBLE = 8 + 4 + 4 + 8 + 8;

  private final Path root;
  private final List<Snapshot> snapshots;
  private final int memberLimit;
  private final long offsetsAt;
  private final long postingsAt;
  private final Source source;
  private final boolean rebuilt;

  private LineageIndex(Path root, List<Snapshot> snapshots, int memberLimit, long offsetsAt, long postingsAt,
      Source source, boolean rebuilt) {
    this.root = root;
    this.snapshots = List.copyOf(snapshots);
    this.memberLimit = memberLimit;
    this.offsetsAt = offsetsAt;
    this.postingsAt = postingsAt;
    this.source = source;
    this.rebuilt = rebuilt;
  }

  /**
   * The index of the snapshots under {@code root}: the stored one if every file it was built from
   * is unchanged, else one read afresh from the files (and stored, if the root can be written and
   * its files have settled). A root that does not exist holds no snapshots.
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
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      LineageIndex stored = readIfCurrent(root, file);
      if (stored != null) {
        return stored;
      }
    }
    return rebuild(root, mayStore);
  }

  /** The snapshots, by as-of instant then id (as {@link SnapshotCatalog#snapshots}). */
  public List<Snapshot> snapshots() {
    return snapshots;
  }

  /** Whether {@link #open} had to read the snapshot files rather than the stored index. */
  public boolean rebuilt() {
    return rebuilt;
  }

  /**
   * The snapshots holding records of the member with this dense number, each with the one shard
   * that holds them, in snapshot order (as {@link SnapshotCatalog#where}).
   *
   * @throws IOException if the index file cannot be read
   */
  public List<Hit> where(int memberNumber) throws IOException {
    if (memberNumber < 0 || memberNumber >= memberLimit) {
      return List.of();
    }
    ByteBuffer bounds = ByteBuffer.allocate(16);
    source.read(offsetsAt + 8L * memberNumber, bounds);
    long from = bounds.getLong(0);
    long to = bounds.getLong(8);
    if (from < 0 || to < from || to - from > Integer.MAX_VALUE) {
      throw new IOException(root.resolve(DIRECTORY) + ": corrupt offsets for member " + memberNumber);
    }
    ByteBuffer postings = ByteBuffer.allocate((int) (to - from));
    source.read(postingsAt + from, postings);
    byte[] b = postings.array();
    int[] at = {0};
    List<Hit> hits = new ArrayList<>();
    int ordinal = -1;
    int shard = -1;
    while (at[0] < b.length) {
      long v = varint(b, at, memberNumber);
      ordinal += (int) (v >>> 1) + 1;
      if ((v & 1) == 0) {
        shard = (int) varint(b, at, memberNumber);
      }
      if (ordinal < 0 || ordinal >= snapshots.size() || shard < 0 || shard > Short.MAX_VALUE) {
        throw new IOException(root.resolve(DIRECTORY) + ": corrupt postings for member " + memberNumber);
      }
      hits.add(new Hit(snapshots.get(ordinal), shard));
    }
    return hits;
  }

  private long varint(byte[] b, int[] at, int memberNumber) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (at[0] >= b.length) {
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

  @Override
  public void close() throws IOException {
    source.close();
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

  // ---- reading a stored index

  /** The stored index if it is whole, of this version and every recorded file is unchanged; else null. */
  private static LineageIndex readIfCurrent(Path root, Path file) throws IOException {
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
      if (readFully(channel, PREAMBLE, header) < headerLength) {
        return null;
      }
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(header.array()));
      State recorded = readState(in);
      if (!unchanged(root, recorded)) {
        return null;
      }
      List<Snapshot> snapshots = readSnapshots(in, root);
      int memberLimit = in.readInt();
      long postingsAt = offsetsAt + 8L * (memberLimit + 1L);
      ByteBuffer last = ByteBuffer.allocate(8);
      if (memberLimit < 0 || postingsAt > length || readFully(channel, postingsAt - 8, last) < 8
          || postingsAt + last.getLong(0) != length) {
        return null;
      }
      keep = true;
      return new LineageIndex(root, snapshots, memberLimit, offsetsAt, postingsAt, Source.of(channel), false);
    } catch (EOFException | UTFDataFormatException | IllegalArgumentException | DateTimeException e) {
      return null; // torn or foreign: read the files instead
    } finally {
      if (!keep) {
        channel.close();
      }
    }
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

  private static LineageIndex rebuild(Path root, boolean mayStore) throws IOException {
    // The temporary file's creation time is the file system's clock at the start: a file changed
    // during or after the read below has a time at least this.
    Path temp = mayStore ? createTemp(root) : null;
    try {
      long startNanos = temp == null ? 0 : Files.getLastModifiedTime(temp).to(TimeUnit.NANOSECONDS);
      State before = stateOf(root, null);
      SnapshotCatalog catalog = SnapshotCatalog.open(root);
      State after = stateOf(root, catalog);
      byte[] index = encode(root, catalog, after);
      // A snapshot published, retired or renamed while the catalog was read changes the listing
      // or a directory's state between the two looks, and a file changed then has a recent time.
      boolean settled = temp != null && before.equals(after.withoutBitmaps())
          && after.settledBefore(startNanos - TimeUnit.SECONDS.toNanos(SETTLE_SECONDS));
      FileChannel stored = settled ? store(temp, index) : null;
      if (stored != null) {
        temp = null;
      }
      // Once stored, its answers are read from the file, as a stored index's are: a process that
      // keeps it open (the server) does not keep its bytes in memory.
      return fromBytes(root, index, stored != null ? Source.of(stored) : Source.of(ByteBuffer.wrap(index)));
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

  private static LineageIndex fromBytes(Path root, byte[] index, Source source) throws IOException {
    ByteBuffer all = ByteBuffer.wrap(index);
    int headerLength = all.getInt(12);
    long offsetsAt = all.getLong(16);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(index, PREAMBLE, headerLength));
    readState(in);
    List<Snapshot> snapshots = readSnapshots(in, root);
    int memberLimit = in.readInt();
    return new LineageIndex(root, snapshots, memberLimit, offsetsAt, offsetsAt + 8L * (memberLimit + 1L),
        source, true);
  }

  /**
   * The index's bytes. Per member, its (snapshot ordinal, shard) pairs in ordinal order, each a
   * varint of (ordinal gap - 1) shifted left once, its low bit set when the shard is the one of
   * the member's pair before, else followed by a varint of the shard: a member usually stays in
   * one shard, so most pairs take a byte.
   */
  private static byte[] encode(Path root, SnapshotCatalog catalog, State state) throws IOException {
    List<SnapshotCatalog.Entry> entries = catalog.snapshots();
    int limit = 0;
    for (SnapshotCatalog.Entry e : entries) {
      if (!e.union().isEmpty()) {
        int last = e.union().last();
        if (last < 0) {
          throw new IOException(e.directory() + ": member number out of range: " + Integer.toUnsignedString(last));
        }
        limit = Math.max(limit, last + 1);
      }
    }
    int[] lastOrdinal = new int[limit];
    int[] lastShard = new int[limit];
    long[] offsets = new long[limit + 1];
    forEachPair(entries, lastOrdinal, lastShard,
        (m, gapAndFlag, shard, same) -> offsets[m + 1] += varintLength(gapAndFlag) + (same ? 0 : varintLength(shard)));
    for (int m = 0; m < limit; m++) {
      offsets[m + 1] += offsets[m];
    }
    ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
    DataOutputStream header = new DataOutputStream(headerBytes);
    writeState(header, state);
    writeSnapshots(header, entries, root);
    header.writeInt(limit);
    header.flush();
    long offsetsAt = PREAMBLE + (long) headerBytes.size();
    long total = offsetsAt + 8L * (limit + 1L) + offsets[limit];
    if (total > Integer.MAX_VALUE - 16) {
      throw new IOException(root + ": a lineage index of " + total + " bytes is more than one index file holds");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total);
    out.put(MAGIC).putInt(VERSION).putInt(headerBytes.size()).putLong(offsetsAt).putLong(total);
    out.put(headerBytes.toByteArray());
    for (long o : offsets) {
      out.putLong(o);
    }
    int postingsAt = out.position();
    int[] cursor = new int[limit];
    for (int m = 0; m < limit; m++) {
      cursor[m] = postingsAt + (int) offsets[m];
    }
    byte[] b = out.array();
    forEachPair(entries, lastOrdinal, lastShard, (m, gapAndFlag, shard, same) -> {
      cursor[m] = putVarint(b, cursor[m], gapAndFlag);
      if (!same) {
        cursor[m] = putVarint(b, cursor[m], shard);
      }
    });
    return b;
  }

  /** Receives each (member, snapshot, shard) of a catalog, in snapshot order, encoded against the member's pair before. */
  private interface PairSink {
    void accept(int member, long gapAndFlag, int shard, boolean sameShard);
  }

  private static void forEachPair(List<SnapshotCatalog.Entry> entries, int[] lastOrdinal, int[] lastShard, PairSink sink) {
    Arrays.fill(lastOrdinal, -1);
    Arrays.fill(lastShard, -1);
    for (int ordinal = 0; ordinal < entries.size(); ordinal++) {
      SnapshotCatalog.Entry e = entries.get(ordinal);
      short[] shardByRank = e.shardByRank();
      PeekableIntIterator it = e.union().getIntIterator();
      int rank = 0;
      while (it.hasNext()) {
        int m = it.next();
        int shard = shardByRank[rank++];
        boolean same = shard == lastShard[m];
        sink.accept(m, ((long) (ordinal - lastOrdinal[m] - 1) << 1) | (same ? 1 : 0), shard, same);
        lastOrdinal[m] = ordinal;
        lastShard[m] = shard;
      }
    }
  }

  private static int varintLength(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static int putVarint(byte[] b, int at, long v) {
    while ((v & ~0x7fL) != 0) {
      b[at++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
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
   * The state of the root's snapshot directories and, with a catalog, of the bitmaps its manifests
   * name (without one, no bitmaps).
   */
  private static State stateOf(Path root, SnapshotCatalog catalog) throws IOException {
    if (!Files.isDirectory(root)) {
      return new State("", List.of());
    }
    Map<Path, SnapshotCatalog.Entry> byDir = new HashMap<>();
    if (catalog != null) {
      for (SnapshotCatalog.Entry e : catalog.snapshots()) {
        byDir.put(e.directory(), e);
      }
    }
    List<DirState> dirs = new ArrayList<>();
    for (Path dir : SnapshotFiles.snapshotDirectories(root)) {
      List<FileState> bitmaps = new ArrayList<>();
      SnapshotCatalog.Entry e = byDir.get(dir);
      if (e != null) {
        for (JsonNode shard : e.manifest().get("shards")) {
          bitmaps.add(FileState.of(dir, shard.get("members_file").asText()));
        }
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

  private static void writeSnapshots(DataOutputStream out, List<SnapshotCatalog.Entry> entries, Path root) throws IOException {
    out.writeInt(entries.size());
    for (SnapshotCatalog.Entry e : entries) {
      out.writeUTF(e.snapshot());
      out.writeUTF(root.relativize(e.directory()).toString());
      out.writeUTF(e.purpose());
      out.writeLong(e.asOf().getEpochSecond());
      out.writeInt(e.asOf().getNano());
      out.writeBoolean(e.policyVersion() != null);
      out.writeUTF(e.policyVersion() == null ? "" : e.policyVersion());
      out.writeLong(e.included());
      out.writeLong(e.excluded());
      out.writeInt(e.shards().size());
      out.writeLong(e.union().getLongCardinality());
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
