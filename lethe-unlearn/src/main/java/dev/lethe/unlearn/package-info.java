/**
 * Models trained from consent-gated snapshots, and how they forget.
 *
 * <ul>
 *   <li>{@link dev.lethe.unlearn.ShardTrainer}: the trainer SPI. One artefact per snapshot shard,
 *       aggregated into a {@link dev.lethe.unlearn.Model}; a canonical digest names what a model
 *       computes. The built-in {@link dev.lethe.unlearn.ShardTrainer#kneserNey reference trainer}
 *       is an interpolated Kneser–Ney n-gram model per shard over the {@link
 *       dev.lethe.unlearn.Tokenizer}, aggregated as the token-weighted average of the shards'
 *       probabilities.
 *   <li>{@link dev.lethe.unlearn.ModelRegistry}: models under a directory, each with {@code
 *       model.json} (snapshot, per-shard artefact and source digests, trainer, seed, parent) and
 *       one artefact file per shard, published atomically; lineage queries (trained from a
 *       snapshot, containing a shard or a member, derived from a model).
 *   <li>{@link dev.lethe.unlearn.Training}: training from scratch, retraining only the shards that
 *       changed (forgetting), and the verification that a retrained model's digest equals a
 *       from-scratch training's.
 *   <li>{@link dev.lethe.unlearn.Exposure}: canary exposure (Carlini et al., "The Secret Sharer")
 *       with an exact rank over the whole candidate space of a {@link
 *       dev.lethe.unlearn.CanaryFormat}.
 * </ul>
 */
package dev.lethe.unlearn;
