package dev.lethe.unlearn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.pipeline.SnapshotCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * The models trained from snapshots, one directory each under the registry directory: {@code
 * <id>/model.json} ({@link ModelRecord}) and one artefact file per shard. A model is assembled in a
 * hidden {@code .draft-*} directory ({@link #draft}) and made visible by one atomic rename, so a
 * listed model is always complete; hidden directories are never listed. A draft that a killed
 * writer left is removed when the next draft is made (each draft's writer holds a lock on it while
 * it is open, so live drafts of any process are kept). Listing reads the
 * directory each time, so several processes may share a registry. Thread-safe.
 */
public interface ModelRegistry {

  /** The registry in {@code directory} (created on the first publication). */
  static ModelRegistry open(Path directory) {
    return new FileModelRegistry(directory);
  }

  /** The registry directory. */
  Path directory();

  /** Every published model, by id. */
  List<ModelRecord> models() throws IOException;

  /** The model with this id, if published. */
  Optional<ModelRecord> find(String id) throws IOException;

  /**
   * The model with this id.
   *
   * @throws NoSuchElementException if there is none
   */
  default ModelRecord require(String id) throws IOException {
    return find(id).orElseThrow(() -> new NoSuchElementException("no model " + id + " in " + directory()));
  }

  /**
   * The model's shard artefacts, each checked against the digest its record holds.
   *
   * @throws IOException if an artefact is missing, unreadable or does not have its digest
   */
  List<ShardModel> artefacts(ModelRecord model) throws IOException;

  /**
   * Loads a model for queries: resolves its trainer ({@link ShardTrainer#resolve}), reads and
   * checks the artefacts, aggregates them and checks the digest against the record.
   *
   * @throws NoSuchElementException if there is no such model
   * @throws IOException if an artefact is missing or corrupt
   */
  default Model load(String id) throws IOException {
    ModelRecord record = require(id);
    ShardTrainer trainer = ShardTrainer.resolve(record.trainer(), record.trainerVersion(), record.settings());
    Model model = trainer.aggregate(artefacts(record));
    if (!model.digest().equals(record.digest())) {
      throw new IOException("model " + id + " has digest " + model.digest() + ", its record says " + record.digest());
    }
    return model;
  }

  /** Models trained from snapshot {@code snapshot}. */
  default List<ModelRecord> trainedFrom(String snapshot) throws IOException {
    return models().stream().filter(m -> m.snapshot().equals(snapshot)).toList();
  }

  /** Models holding an artefact trained from shard {@code shard} of snapshot {@code snapshot}. */
  default List<ModelRecord> containingShard(String snapshot, int shard) throws IOException {
    return models().stream().filter(m -> m.snapshot().equals(snapshot) && m.shard(shard).isPresent()).toList();
  }

  /**
   * Models derived from {@code modelId}, directly or through other derived models (retrained or
   * fine-tuned), breadth first: whatever saw a member through {@code modelId}.
   */
  default List<ModelRecord> derivedFrom(String modelId) throws IOException {
    List<ModelRecord> all = models();
    Set<String> seen = new LinkedHashSet<>();
    List<ModelRecord> out = new ArrayList<>();
    Deque<String> queue = new ArrayDeque<>(List.of(modelId));
    while (!queue.isEmpty()) {
      String id = queue.removeFirst();
      for (ModelRecord m : all) {
        if (m.parent().filter(id::equals).isPresent() && seen.add(m.id())) {
          out.add(m);
          queue.addLast(m.id());
        }
      }
    }
    return out;
  }

  /**
   * Models holding an artefact trained from a shard that holds the member's records, according to
   * the snapshots' member bitmaps, in catalog order: what forgetting the member must retrain.
   * Derived models of these are found with {@link #derivedFrom}.
   */
  default List<ModelRecord> containingMember(SnapshotCatalog catalog, int memberNumber) throws IOException {
    List<ModelRecord> out = new ArrayList<>();
    for (SnapshotCatalog.Hit hit : catalog.where(memberNumber)) {
      for (int shard : hit.shards()) {
        for (ModelRecord m : containingShard(hit.snapshot().snapshot(), shard)) {
          if (!out.contains(m)) {
            out.add(m);
          }
        }
      }
    }
    return out;
  }

  /**
   * Starts a model in a hidden directory of the registry.
   *
   * @param snapshot the snapshot id the shards come from
   * @param trainer the trainer that made (or will make) the artefacts
   * @param seed the seed given to the trainer
   * @param parent the model this one derives from, if any
   * @param origin how it is made
   * @param sharding the snapshot manifest's {@code sharding} object
   */
  ModelDraft draft(
      String snapshot, ShardTrainer trainer, long seed, Optional<String> parent, ModelRecord.Origin origin, JsonNode sharding)
      throws IOException;

  /**
   * A model being assembled. Artefacts may be added from several threads. {@link #publish} makes
   * it visible atomically; {@link #close} without a publication removes everything it wrote.
   */
  interface ModelDraft extends AutoCloseable {

    /**
     * Writes a newly trained shard artefact.
     *
     * @param sourceSha256 SHA-256 of the snapshot shard file it was trained from
     * @throws IllegalStateException if the shard was added already or the draft is closed
     */
    void addTrained(ShardModel artefact, String sourceSha256) throws IOException;

    /**
     * Reuses a shard artefact of a published model (a hard link where the file system allows,
     * else a copy), after checking its digest.
     *
     * @throws IOException if the artefact is missing or corrupt
     * @throws IllegalStateException if the shard was added already or the draft is closed
     */
    void addReused(ModelRecord from, int shard) throws IOException;

    /**
     * Writes {@code model.json} and publishes the model under its id. If a model with that id is
     * there already (the same training, registered before), it is kept and this draft removed.
     */
    Published publish() throws IOException;

    /** Removes the draft unless it was published. */
    @Override
    void close() throws IOException;
  }

  /**
   * A publication.
   *
   * @param alreadyPublished true if an identical model was registered before and was kept
   */
  record Published(ModelRecord model, boolean alreadyPublished) {}
}
