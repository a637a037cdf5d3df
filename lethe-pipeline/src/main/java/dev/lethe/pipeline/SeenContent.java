package dev.lethe.pipeline;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The content ids an engine has read so far, for telling the first record of an id from later
 * copies, in memory bounded whatever the number of records.
 *
 * <p>Each id is kept as a 64-bit hash ({@link #key}). The newest ones sit in an open-addressing
 * table of longs; when it holds {@link #runKeys} keys they are sorted and written to a run file in
 * the spill directory, and the table starts again. Each run keeps in memory a blocked Bloom filter
 * (12 bits per key, all of a key's bits in one 512-bit block, so one cache line per look-up; well
 * under 1 false positive in 100) and every {@value #FENCE}th key, so that a key the filter lets through costs one
 * read of {@value #FENCE} keys from the file. Runs are merged eight at a time into runs eight
 * times larger (so a look-up asks at most eight runs of each size), and each merge writes a filter
 * for the merged run. Memory is the table (at most 32 MB) plus about 1.6 bytes per id for filters
 * and fences: some 70 MB for the 25 million records of a 10 GB export, where a table of all the
 * ids needed over 600 MB.
 *
 * <p>Two ids that share those 64 bits (odds about 1 in 10^7 for ten million ids) make the later
 * record count as a copy: it is excluded, never wrongly included. Not thread-safe. The spill
 * directory is created on the first spill and deleted, with every run, by {@link #close}.
 */
final class SeenContent implements Closeable {

  /** Keys between two fence keys: one read of a run covers at most this many. */
  static final int FENCE = 128;
  /** Runs of one size merged into one run of the next. */
  private static final int FAN_IN = 8;
  /** Bloom filter bits per key, and bits set per key within its block. */
  private static final int BITS_PER_KEY = 12;
  private static final int PROBES = 7;

  private final Path spillDirectory;
  private final int runKeys;
  private long[] keys = new long[1 << 12];
  private boolean zeroSeen;
  private int size;
  /** The runs by level (level k holds runs of about runKeys * 8^k keys). */
  private final List<List<Run>> levels = new ArrayList<>();
  private int runsWritten;

  /** With the default table of at most 2^22 slots (32 MB, 2^21 keys), spilling into {@code spillDirectory}. */
  SeenContent(Path spillDirectory) {
    this(spillDirectory, 1 << 21);
  }

  /**
   * @param spillDirectory where runs go once the table holds {@code runKeys} keys (created then)
   * @param runKeys keys held in memory before a spill, a power of two of at least 2,048
   */
  SeenContent(Path spillDirectory, int runKeys) {
    if (runKeys < 2048 || Integer.bitCount(runKeys) != 1) {
      throw new IllegalArgumentException("runKeys must be a power of two of at least 2048: " + runKeys);
    }
    this.spillDirectory = spillDirectory;
    this.runKeys = runKeys;
  }

  /**
   * Adds {@code content}; returns false if an id with the same key was added before.
   *
   * @throws IOException if a run cannot be written or read
   */
  boolean add(String content) throws IOException {
    long key = key(content);
    if (key == 0) {
      boolean first = !zeroSeen;
      zeroSeen = true;
      return first;
    }
    int mask = keys.length - 1;
    int i = slot(key, mask);
    while (keys[i] != 0) {
      if (keys[i] == key) {
        return false;
      }
      i = (i + 1) & mask;
    }
    for (List<Run> level : levels) {
      for (Run run : level) {
        if (run.contains(key)) {
          return false;
        }
      }
    }
    keys[i] = key;
    if (++size >= runKeys) {
      spill();
    } else if (size * 2 > keys.length) {
      grow();
    }
    return true;
  }

  /** How many runs are on disk now (for tests). */
  int runs() {
    return levels.stream().mapToInt(List::size).sum();
  }

  @Override
  public void close() throws IOException {
    for (List<Run> level : levels) {
      for (Run run : level) {
        run.delete();
      }
    }
    levels.clear();
    if (Files.isDirectory(spillDirectory)) {
      DurableFiles.deleteTree(spillDirectory);
    }
  }

  /** The home slot of a key in a table of {@code mask + 1} slots. */
  private static int slot(long key, int mask) {
    return (int) (key ^ (key >>> 32)) * 0x9E3779B9 & mask;
  }

  private void grow() {
    long[] old = keys;
    keys = new long[old.length * 2];
    int mask = keys.length - 1;
    for (long key : old) {
      if (key != 0) {
        int i = slot(key, mask);
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = key;
      }
    }
  }

  /** Writes the table's keys as a sorted run, empties the table, and merges runs as they pile up. */
  private void spill() throws IOException {
    long[] sorted = new long[size];
    int n = 0;
    for (long key : keys) {
      if (key != 0) {
        sorted[n++] = key;
      }
    }
    Arrays.sort(sorted);
    Arrays.fill(keys, 0);
    size = 0;
    Files.createDirectories(spillDirectory);
    RunWriter writer = new RunWriter(nextRunFile(), sorted.length);
    for (long key : sorted) {
      writer.add(key);
    }
    addRun(0, writer.finish());
  }

  private void addRun(int level, Run run) throws IOException {
    while (levels.size() <= level) {
      levels.add(new ArrayList<>());
    }
    List<Run> runs = levels.get(level);
    runs.add(run);
    if (runs.size() == FAN_IN) {
      long total = 0;
      for (Run r : runs) {
        total += r.count;
      }
      RunWriter writer = new RunWriter(nextRunFile(), total);
      // Keys are unique across runs (a key is added only when no run holds it), so the merge
      // is a plain k-way merge of sorted files.
      RunReader[] readers = new RunReader[runs.size()];
      for (int i = 0; i < readers.length; i++) {
        readers[i] = new RunReader(runs.get(i));
      }
      try {
        while (true) {
          int best = -1;
          for (int i = 0; i < readers.length; i++) {
            if (readers[i].hasNext() && (best < 0 || readers[i].peek() < readers[best].peek())) {
              best = i;
            }
          }
          if (best < 0) {
            break;
          }
          writer.add(readers[best].next());
        }
      } finally {
        for (RunReader r : readers) {
          r.close();
        }
      }
      Run merged = writer.finish();
      for (Run r : runs) {
        r.delete();
      }
      runs.clear();
      addRun(level + 1, merged);
    }
  }

  private Path nextRunFile() {
    return spillDirectory.resolve("run-" + runsWritten++ + ".keys");
  }

  /** A sorted run of keys on disk, with its Bloom filter and fence keys in memory. */
  private static final class Run {
    final Path file;
    final long count;
    final long[] bloom;
    final long[] fence;
    final FileChannel channel;
    final ByteBuffer block = ByteBuffer.allocate(FENCE * 8);

    Run(Path file, long count, long[] bloom, long[] fence) throws IOException {
      this.file = file;
      this.count = count;
      this.bloom = bloom;
      this.fence = fence;
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    boolean contains(long key) throws IOException {
      if (!Bloom.mayContain(bloom, key)) {
        return false;
      }
      // The block that would hold the key starts at the last fence key not above it.
      int lo = 0;
      int hi = fence.length - 1;
      if (key < fence[0]) {
        return false;
      }
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (fence[mid] <= key) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      long from = (long) lo * FENCE;
      int n = (int) Math.min(FENCE, count - from);
      block.clear().limit(n * 8);
      long at = from * 8;
      while (block.hasRemaining()) {
        if (channel.read(block, at + block.position()) < 0) {
          throw new EOFException(file + " ends early");
        }
      }
      LongBuffer keys = block.flip().asLongBuffer();
      int a = 0;
      int b = n - 1;
      while (a <= b) {
        int mid = (a + b) >>> 1;
        long k = keys.get(mid);
        if (k < key) {
          a = mid + 1;
        } else if (k > key) {
          b = mid - 1;
        } else {
          return true;
        }
      }
      return false;
    }

    void delete() throws IOException {
      channel.close();
      Files.deleteIfExists(file);
    }
  }

  /** Writes sorted keys to a run file, making its Bloom filter and fence on the way. */
  private static final class RunWriter {
    final Path file;
    final DataOutputStream out;
    final long[] bloom;
    final long[] fence;
    long count;

    RunWriter(Path file, long expected) throws IOException {
      this.file = file;
      this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
      this.bloom = Bloom.create(expected);
      this.fence = new long[(int) ((expected + FENCE - 1) / FENCE)];
    }

    void add(long key) throws IOException {
      if (count % FENCE == 0) {
        fence[(int) (count / FENCE)] = key;
      }
      Bloom.add(bloom, key);
      out.writeLong(key);
      count++;
    }

    Run finish() throws IOException {
      out.close();
      return new Run(file, count, bloom, Arrays.copyOf(fence, (int) ((count + FENCE - 1) / FENCE)));
    }
  }

  /** Reads a run's keys in order, a buffer at a time. */
  private static final class RunReader implements Closeable {
    final FileChannel channel;
    final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    final long count;
    long read;
    long position;

    RunReader(Run run) throws IOException {
      this.channel = FileChannel.open(run.file, StandardOpenOption.READ);
      this.count = run.count;
      buffer.limit(0);
    }

    boolean hasNext() {
      return read < count;
    }

    long peek() throws IOException {
      if (buffer.remaining() < 8) {
        buffer.compact();
        while (buffer.position() < 8) {
          int n = channel.read(buffer, position);
          if (n < 0) {
            throw new EOFException("run ends early");
          }
          position += n;
        }
        buffer.flip();
      }
      return buffer.getLong(buffer.position());
    }

    long next() throws IOException {
      long key = peek();
      buffer.position(buffer.position() + 8);
      read++;
      return key;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A blocked Bloom filter: each key sets {@value #PROBES} bits in one 512-bit block. */
  private static final class Bloom {
    static long[] create(long keys) {
      long blocks = Math.max(1, (keys * BITS_PER_KEY + 511) / 512);
      if (blocks * 8 > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("too many content ids for one run: " + keys);
      }
      return new long[(int) (blocks * 8)];
    }

    static void add(long[] bloom, long key) {
      int base = block(bloom, key);
      long h = key * 0x9E3779B97F4A7C15L;
      for (int p = 0; p < PROBES; p++) {
        int bit = (int) (h >>> (64 - 9)); // 0..511
        bloom[base + (bit >>> 6)] |= 1L << bit;
        h *= 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
      }
    }

    static boolean mayContain(long[] bloom, long key) {
      int base = block(bloom, key);
      long h = key * 0x9E3779B97F4A7C15L;
      for (int p = 0; p < PROBES; p++) {
        int bit = (int) (h >>> (64 - 9));
        if ((bloom[base + (bit >>> 6)] & (1L << bit)) == 0) {
          return false;
        }
        h *= 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
      }
      return true;
    }

    /** The first long of the key's block: chosen by bits of the key the probes barely use. */
    private static int block(long[] bloom, long key) {
      int blocks = bloom.length >>> 3;
      return (int) Math.floorMod(key ^ (key >>> 31), (long) blocks) << 3;
    }
  }

  /**
   * 64 bits of the id: FNV-1a over its chars, then MurmurHash3's 64-bit finalizer so that every
   * bit depends on every char. Cheap enough for the engine's single writing thread at millions of
   * records (a SHA-256 per record cost it seconds). It is not keyed: an exporter who crafts an id
   * to collide with another's can get the later of the two records excluded, never included.
   */
  static long key(String content) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < content.length(); i++) {
      h ^= content.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= content.length();
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
