package dev.lethe.unlearn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@link Training} with a fixed pool per run: shard trainings are independent tasks. */
final class DefaultTraining implements Training {

  private final ModelRegistry registry;
  private final int threads;

  DefaultTraining(ModelRegistry registry, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }
    this.registry = registry;
    this.threads = threads;
  }

  @Override
  public TrainingReport train(Path snapshotDir, ShardTrainer trainer, long seed) throws IOException {
    long start = System.nanoTime();
    SnapshotShards snapshot = SnapshotShards.read(snapshotDir);
    try (ModelRegistry.ModelDraft draft =
        registry.draft(snapshot.snapshot(), trainer, seed, Optional.empty(), ModelRecord.Origin.SCRATCH, snapshot.sharding())) {
      forEachShard(snapshot.shards(), shard -> draft.addTrained(trainer.train(shard.shard(), snapshot.texts(shard), seed), shard.sha256()));
      ModelRegistry.Published published = draft.publish();
      List<Integer> all = snapshot.shards().stream().map(SnapshotShards.ShardFile::shard).toList();
      return new TrainingReport(published.model(), published.alreadyPublished(), all, List.of(), snapshot.records(),
          snapshot.records(), Duration.ofNanos(System.nanoTime() - start));
    }
  }

  @Override
  public TrainingReport retrain(String parentModelId, Path newSnapshotDir) throws IOException {
    long start = System.nanoTime();
    ModelRecord parent = registry.require(parentModelId);
    ShardTrainer trainer = ShardTrainer.resolve(parent.trainer(), parent.trainerVersion(), parent.settings());
    SnapshotShards snapshot = SnapshotShards.read(newSnapshotDir);
    if (!snapshot.sharding().equals(parent.sharding())) {
      throw new IllegalArgumentException("snapshot " + snapshot.snapshot() + " is sharded as " + snapshot.sharding()
          + ", model " + parentModelId + " as " + parent.sharding() + ": train from scratch");
    }
    List<SnapshotShards.ShardFile> changed = new ArrayList<>();
    List<SnapshotShards.ShardFile> same = new ArrayList<>();
    for (SnapshotShards.ShardFile shard : snapshot.shards()) {
      boolean reusable = parent.shard(shard.shard()).filter(s -> s.sourceSha256().equals(shard.sha256())).isPresent();
      (reusable ? same : changed).add(shard);
    }
    try (ModelRegistry.ModelDraft draft = registry.draft(snapshot.snapshot(), trainer, parent.seed(), Optional.of(parent.id()),
        ModelRecord.Origin.RETRAINED_SHARDS, snapshot.sharding())) {
      for (SnapshotShards.ShardFile shard : same) {
        draft.addReused(parent, shard.shard());
      }
      forEachShard(changed, shard -> draft.addTrained(trainer.train(shard.shard(), snapshot.texts(shard), parent.seed()), shard.sha256()));
      ModelRegistry.Published published = draft.publish();
      return new TrainingReport(published.model(), published.alreadyPublished(),
          changed.stream().map(SnapshotShards.ShardFile::shard).toList(), same.stream().map(SnapshotShards.ShardFile::shard).toList(),
          changed.stream().mapToLong(SnapshotShards.ShardFile::records).sum(), snapshot.records(),
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  @Override
  public Verification verify(String modelId, Path snapshotDir) throws IOException {
    long start = System.nanoTime();
    ModelRecord model = registry.require(modelId);
    SnapshotShards snapshot = SnapshotShards.read(snapshotDir);
    if (!snapshot.snapshot().equals(model.snapshot())) {
      throw new IllegalArgumentException(snapshotDir + " holds snapshot " + snapshot.snapshot() + ", model " + modelId
          + " was trained from " + model.snapshot());
    }
    ShardTrainer trainer = ShardTrainer.resolve(model.trainer(), model.trainerVersion(), model.settings());
    TreeMap<Integer, String> digests = new TreeMap<>();
    forEachShard(snapshot.shards(), shard -> {
      ShardModel artefact = trainer.train(shard.shard(), snapshot.texts(shard), model.seed());
      synchronized (digests) {
        digests.put(artefact.shard(), artefact.sha256());
      }
    });
    return new Verification(modelId, model.snapshot(), model.digest(), trainer.digest(digests),
        Duration.ofNanos(System.nanoTime() - start));
  }

  /** Work on one shard that may fail with an I/O error. */
  private interface ShardTask {
    void run(SnapshotShards.ShardFile shard) throws IOException;
  }

  /** Runs {@code task} for every shard on the pool and waits; the first failure is rethrown. */
  private void forEachShard(List<SnapshotShards.ShardFile> shards, ShardTask task) throws IOException {
    if (shards.isEmpty()) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, shards.size()), r -> {
      Thread t = new Thread(r, "lethe-train");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (SnapshotShards.ShardFile shard : shards) {
        futures.add(pool.submit(() -> {
          try {
            task.run(shard);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof UncheckedIOException u) {
            throw u.getCause();
          }
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while training");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
