package dev.lethe.unlearn;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Trains models from published snapshots into a {@link ModelRegistry}: from scratch, or by
 * retraining only the shards that changed since a parent model, which is how a member is
 * forgotten (rebuild the snapshot without them, then {@link #retrain}). Shards are trained on a
 * pool of threads; results never depend on the thread count. Thread-safe.
 */
public interface Training {

  /**
   * Training into {@code registry} on {@code threads} worker threads.
   *
   * @throws IllegalArgumentException if threads &lt; 1
   */
  static Training of(ModelRegistry registry, int threads) {
    return new DefaultTraining(registry, threads);
  }

  /**
   * Trains every shard of the snapshot in {@code snapshotDir} and registers the model (origin
   * {@code scratch}, no parent).
   *
   * @throws IOException if the snapshot cannot be read or a shard file does not match its manifest;
   *     nothing is registered then
   */
  TrainingReport train(Path snapshotDir, ShardTrainer trainer, long seed) throws IOException;

  /**
   * Registers the model of the snapshot in {@code newSnapshotDir} derived from {@code
   * parentModelId}: a shard whose file has the SHA-256 the parent trained from keeps the parent's
   * artefact (checked against its digest); every other shard of the new snapshot is trained;
   * parent shards absent from the new snapshot are dropped. Same trainer, settings and seed as the
   * parent; origin {@code retrained-shards}. The result has the digest a training from scratch on
   * the new snapshot has ({@link #verify}).
   *
   * @throws java.util.NoSuchElementException if there is no such parent model
   * @throws IllegalArgumentException if the new snapshot is sharded differently from the parent's
   *     (shard numbers would not name the same members; train from scratch instead)
   * @throws IOException if reading or writing fails; nothing is registered then
   */
  TrainingReport retrain(String parentModelId, Path newSnapshotDir) throws IOException;

  /**
   * Trains the model's snapshot from scratch in memory (nothing is registered) with the model's
   * trainer and seed and compares digests.
   *
   * @param snapshotDir the directory of the snapshot the model was trained from
   * @throws IllegalArgumentException if {@code snapshotDir} holds another snapshot
   */
  Verification verify(String modelId, Path snapshotDir) throws IOException;
}
