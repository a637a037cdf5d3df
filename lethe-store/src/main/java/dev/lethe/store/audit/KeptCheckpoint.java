package dev.lethe.store.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest signed checkpoint of a store, kept as a file in its data directory ({@value #FILE}).
 *
 * <p>Why a file: everything else of the audit log lives in the database, so someone who can
 * change only the database could delete its last leaves and every checkpoint past them, fix the
 * head counters, and the shortened log would verify and be signed again. The file is out of that
 * person's reach; a log shorter than it, or whose first leaves no longer give its root, is a
 * rollback or a fork ({@code JdbcLedgerStore} refuses to verify or sign one).
 *
 * <p>It only ever moves forward: {@link #keep} replaces it with a note of a larger tree only, in
 * one atomic rename followed by a sync of the directory, so a crash leaves the old note or the new
 * one, never a torn file or a lost rename.
 */
public final class KeptCheckpoint {

  /** The file's name in the data directory. */
  public static final String FILE = "audit-checkpoint.note";

  private final Path dir;

  /** The kept checkpoint of the data directory {@code dataDir}. */
  public KeptCheckpoint(Path dataDir) {
    this.dir = Objects.requireNonNull(dataDir, "dataDir");
  }

  /** The file. */
  public Path file() {
    return dir.resolve(FILE);
  }

  /**
   * The kept note, if there is one.
   *
   * @throws IOException if the file exists but cannot be read
   */
  public Optional<String> read() throws IOException {
    Path file = file();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * The tree size a note signs, read from its body without checking a signature.
   *
   * @throws IllegalArgumentException if the text is not a signed note
   */
  public static Checkpoint body(String note) {
    int split = note.indexOf("\n\n");
    if (split < 0) {
      throw new IllegalArgumentException("not a signed note: no empty line before the signatures");
    }
    return Checkpoint.parse(note.substring(0, split + 1));
  }

  /**
   * Keeps {@code note} unless the kept one already signs a tree at least as large. Does nothing
   * when the data directory does not exist (a store read from a machine without it).
   *
   * @throws IOException if the note cannot be written
   */
  public void keep(String note) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    // A file lock is held per process: two stores on one data directory in this JVM (a server and
    // an in-process command) take turns on one monitor first, or the second lock() would throw.
    synchronized (MONITORS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new Object())) {
      keepLocked(note);
    }
  }

  /** The monitor of each data directory this process keeps notes in. */
  private static final ConcurrentHashMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

  private void keepLocked(String note) throws IOException {
    // Two writers (a server and a CLI command on one PostgreSQL store share the data directory)
    // must not interleave the compare and the replace, or a smaller tree's note could land last.
    try (FileChannel lockFile = FileChannel.open(dir.resolve(FILE + ".lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      Optional<String> kept = read();
      if (kept.isPresent()) {
        try {
          if (body(kept.get()).size() >= body(note).size()) {
            return;
          }
        } catch (IllegalArgumentException e) {
          // A damaged file is replaced by a good note; verification reports it until then.
        }
      }
      // A temporary file of its own: a writer killed half-way leaves a stray file, never a torn
      // one that the next writer renames into place.
      Path tmp = Files.createTempFile(dir, FILE + ".", ".tmp");
      try {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
          ByteBuffer bytes = ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8));
          while (bytes.hasRemaining()) {
            ch.write(bytes);
          }
          ch.force(true);
        }
        Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the data directory " + dir + " cannot rename files atomically", e);
      } finally {
        Files.deleteIfExists(tmp);
      }
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      } catch (IOException | UnsupportedOperationException e) {
        // Some platforms cannot open a directory; the rename is then as durable as they make it.
      }
    }
  }
}
