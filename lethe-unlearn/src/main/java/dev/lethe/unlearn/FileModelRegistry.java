package dev.lethe.unlearn;

import dev.lethe.pipeline.Hashing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import dev.lethe.pipeline.CanonicalJson;
import dev.lethe.pipeline.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The {@link ModelRegistry} on a directory. */
final class FileModelRegistry implements ModelRegistry {

  static final String MODEL_JSON = "model.json";
  static final String DRAFT_PREFIX = ".draft-";
  /** Beside each draft directory, {@code .draft-<uuid>.lock}: locked by its writer while it is open. */
  static final String LOCK_SUFFIX = ".lock";
  /**
   * The lock files of the drafts this process has open. A cleaner never opens these: on POSIX,
   * closing any descriptor of a file releases every lock the process holds on it, the writer's too.
   */
  private static final Set<Path> OPEN_DRAFT_LOCKS = ConcurrentHashMap.newKeySet();
  /** zstd level 3, the library default: artefacts are counts, which compress well at any level. */
  private static final int ZSTD_LEVEL = 3;
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;

  FileModelRegistry(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  static String artefactFile(int shard) {
    return String.format("shard-%05d.artefact.zst", shard);
  }

  @Override
  public Path directory() {
    return directory;
  }

  @Override
  public List<ModelRecord> models() throws IOException {
    List<ModelRecord> out = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return out;
    }
    List<Path> dirs;
    try (Stream<Path> list = Files.list(directory)) {
      dirs = list.filter(p -> ID.matcher(p.getFileName().toString()).matches()).sorted().toList();
    }
    for (Path dir : dirs) {
      Path json = dir.resolve(MODEL_JSON);
      if (Files.isRegularFile(json)) {
        out.add(read(dir.getFileName().toString(), dir));
      }
    }
    return out;
  }

  @Override
  public Optional<ModelRecord> find(String id) throws IOException {
    if (!ID.matcher(id).matches()) {
      return Optional.empty();
    }
    Path dir = directory.resolve(id);
    return Files.isRegularFile(dir.resolve(MODEL_JSON)) ? Optional.of(read(id, dir)) : Optional.empty();
  }

  private static ModelRecord read(String id, Path dir) throws IOException {
    return ModelRecord.fromJson(id, dir, JSON.readTree(dir.resolve(MODEL_JSON).toFile()));
  }

  @Override
  public List<ShardModel> artefacts(ModelRecord model) throws IOException {
    List<ShardModel> out = new ArrayList<>();
    for (ModelRecord.Shard s : model.shards()) {
      out.add(readArtefact(model, s));
    }
    return out;
  }

  static ShardModel readArtefact(ModelRecord model, ModelRecord.Shard s) throws IOException {
    Path file = model.directory().resolve(s.file());
    byte[] compressed = Files.readAllBytes(file);
    long size = Zstd.getFrameContentSize(compressed);
    if (size < 0 || size > Integer.MAX_VALUE) {
      throw new IOException(file + " is not a zstd frame of a known size");
    }
    byte[] bytes;
    try {
      bytes = Zstd.decompress(compressed, (int) size);
    } catch (RuntimeException e) {
      throw new IOException(file + " cannot be decompressed: " + e.getMessage(), e);
    }
    ShardModel artefact = ShardModel.of(s.shard(), s.records(), bytes);
    if (!artefact.sha256().equals(s.sha256())) {
      throw new IOException(file + " has digest " + artefact.sha256() + ", model " + model.id() + " records " + s.sha256());
    }
    return artefact;
  }

  @Override
  public ModelDraft draft(
      String snapshot, ShardTrainer trainer, long seed, Optional<String> parent, ModelRecord.Origin origin, JsonNode sharding)
      throws IOException {
    Files.createDirectories(directory);
    removeAbandonedDrafts();
    while (true) {
      String name = DRAFT_PREFIX + UUID.randomUUID();
      // The lock is held before the directory exists, so a draft directory whose lock can be taken
      // has no live writer in any process.
      Path lockFile = directory.resolve(name + LOCK_SUFFIX);
      OPEN_DRAFT_LOCKS.add(lockFile);
      FileChannel owner = null;
      try {
        owner = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (lockedInPlace(owner, lockFile)) {
          Path dir = Files.createDirectory(directory.resolve(name));
          return new Draft(dir, lockFile, owner, snapshot, trainer, seed, parent, origin, sharding);
        }
        // A cleaner in another process took the new lock file for an abandoned one: another name.
        owner.close();
        OPEN_DRAFT_LOCKS.remove(lockFile);
      } catch (IOException | RuntimeException e) {
        if (owner != null) {
          owner.close();
          Files.deleteIfExists(lockFile);
        }
        OPEN_DRAFT_LOCKS.remove(lockFile);
        throw e;
      }
    }
  }

  /**
   * Locks a new lock file and checks that it is still in place: a cleaner that found it unlocked
   * just before (between its creation and this lock) took it for an abandoned one and deleted it.
   * Once this lock is held no cleaner can take it, so the file stays.
   */
  private static boolean lockedInPlace(FileChannel owner, Path lockFile) throws IOException {
    try {
      owner.lock();
    } catch (OverlappingFileLockException e) {
      return false; // held in this process: not ours to use (cleaners here skip open drafts' locks)
    }
    return Files.exists(lockFile);
  }

  /**
   * Removes the draft directories that writers killed mid-training left ({@code kill -9}, a
   * crash), as a build removes abandoned {@code .building-*} directories: each draft is locked by
   * its writer through {@code <draft>.lock} for as long as it is open, so a draft whose lock can be
   * taken (or that has no lock file, as drafts of earlier versions) has no writer left. Drafts
   * being written by this or another process are kept, and so are their lock files (a writer
   * that finds its new lock file deleted before it could lock it takes another name).
   */
  void removeAbandonedDrafts() throws IOException {
    List<Path> entries;
    try (Stream<Path> list = Files.list(directory)) {
      entries = list.filter(p -> p.getFileName().toString().startsWith(DRAFT_PREFIX)).toList();
    }
    for (Path p : entries) {
      String name = p.getFileName().toString();
      if (name.endsWith(LOCK_SUFFIX)) {
        Path draft = p.resolveSibling(name.substring(0, name.length() - LOCK_SUFFIX.length()));
        if (!Files.exists(draft)) {
          removeIfUnlocked(p, null);
        }
      } else if (Files.isDirectory(p)) {
        Path lockFile = p.resolveSibling(name + LOCK_SUFFIX);
        if (Files.exists(lockFile)) {
          removeIfUnlocked(lockFile, p);
        } else {
          DurableFiles.deleteTree(p);
        }
      }
    }
  }

  /** Deletes {@code draft} (if not null) and then {@code lockFile}, if no writer holds the lock. */
  private static void removeIfUnlocked(Path lockFile, Path draft) throws IOException {
    if (OPEN_DRAFT_LOCKS.contains(lockFile)) {
      return; // a draft this process is writing
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      return; // its writer finished meanwhile
    }
    try (channel) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        return; // a draft this process is writing
      }
      if (lock == null) {
        return; // another process is writing it
      }
      if (draft != null) {
        DurableFiles.deleteTree(draft);
      }
      Files.deleteIfExists(lockFile);
    }
  }

  /** A model in a hidden directory. */
  private final class Draft implements ModelDraft {
    private final Path dir;
    private final Path lockFile;
    private final FileChannel owner;
    private final String snapshot;
    private final ShardTrainer trainer;
    private final long seed;
    private final Optional<String> parent;
    private final ModelRecord.Origin origin;
    private final JsonNode sharding;
    private final TreeMap<Integer, ModelRecord.Shard> shards = new TreeMap<>();
    private boolean finished;

    Draft(Path dir, Path lockFile, FileChannel owner, String snapshot, ShardTrainer trainer, long seed,
        Optional<String> parent, ModelRecord.Origin origin, JsonNode sharding) {
      this.dir = dir;
      this.lockFile = lockFile;
      this.owner = owner;
      this.snapshot = snapshot;
      this.trainer = trainer;
      this.seed = seed;
      this.parent = parent;
      this.origin = origin;
      this.sharding = sharding;
    }

    @Override
    public void addTrained(ShardModel artefact, String sourceSha256) throws IOException {
      reserve(artefact.shard());
      String file = artefactFile(artefact.shard());
      Files.write(dir.resolve(file), Zstd.compress(artefact.bytes(), ZSTD_LEVEL));
      put(new ModelRecord.Shard(artefact.shard(), file, artefact.sha256(), sourceSha256, artefact.records(), true));
    }

    @Override
    public void addReused(ModelRecord from, int shard) throws IOException {
      ModelRecord.Shard s = from.shard(shard).orElseThrow(() -> new IOException("model " + from.id() + " has no shard " + shard));
      reserve(shard);
      readArtefact(from, s); // the digest must hold before the artefact is trusted again
      Path source = from.directory().resolve(s.file());
      Path target = dir.resolve(artefactFile(shard));
      try {
        Files.createLink(target, source);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      }
      put(new ModelRecord.Shard(shard, artefactFile(shard), s.sha256(), s.sourceSha256(), s.records(), false));
    }

    private synchronized void reserve(int shard) {
      if (finished) {
        throw new IllegalStateException("the draft is closed");
      }
      if (shards.containsKey(shard)) {
        throw new IllegalStateException("shard " + shard + " was added already");
      }
      shards.put(shard, null);
    }

    private synchronized void put(ModelRecord.Shard shard) {
      shards.put(shard.shard(), shard);
    }

    @Override
    public synchronized Published publish() throws IOException {
      if (finished) {
        throw new IllegalStateException("the draft is closed");
      }
      try {
        return publishDraft();
      } finally {
        if (finished) {
          // Unless publishDraft failed before taking the draft over: then close() removes it.
          unlock();
        }
      }
    }

    private Published publishDraft() throws IOException {
      if (shards.containsValue(null)) {
        throw new IllegalStateException("a shard is still being added");
      }
      List<ModelRecord.Shard> list = new ArrayList<>(shards.values());
      TreeMap<Integer, String> digests = new TreeMap<>();
      list.forEach(shard -> digests.put(shard.shard(), shard.sha256()));
      ModelRecord pending = new ModelRecord("", dir, snapshot, trainer.name(), trainer.version(), trainer.settings(), seed,
          trainer.digest(digests), parent, origin, sharding, list);
      byte[] json = CanonicalJson.bytes(pending.toJson());
      String id = Hashing.sha256Hex(json).substring(0, 32);
      Files.write(dir.resolve(MODEL_JSON), json);
      DurableFiles.forceAll(dir);
      Path target = directory.resolve(id);
      finished = true;
      if (!Files.exists(target)) {
        try {
          Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
          DurableFiles.forceDirectory(directory);
          return new Published(read(id, target), false);
        } catch (AtomicMoveNotSupportedException e) {
          DurableFiles.deleteTree(dir);
          throw new IOException("cannot publish " + target + " atomically: " + e.getMessage(), e);
        } catch (java.nio.file.FileSystemException e) {
          // rename(2) onto a directory another publisher just created fails with EEXIST or
          // ENOTEMPTY, which the JDK reports as different exception types: compare below.
          if (!Files.exists(target)) {
            DurableFiles.deleteTree(dir);
            throw e;
          }
        }
      }
      DurableFiles.deleteTree(dir);
      if (!Arrays.equals(Files.readAllBytes(target.resolve(MODEL_JSON)), json)) {
        throw new IOException("a different model is already published as " + target);
      }
      return new Published(read(id, target), true);
    }

    @Override
    public synchronized void close() throws IOException {
      if (!finished) {
        finished = true;
        try {
          DurableFiles.deleteTree(dir);
        } finally {
          unlock();
        }
      }
    }

    /** Removes the lock file once the draft directory is gone (published or deleted). */
    private void unlock() throws IOException {
      if (owner.isOpen()) {
        try (owner) {
          Files.deleteIfExists(lockFile);
        } finally {
          OPEN_DRAFT_LOCKS.remove(lockFile);
        }
      }
    }
  }



}
