package dev.lethe.unlearn;

import dev.lethe.pipeline.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The trainer SPI: trains one model artefact per snapshot shard and combines the artefacts of a
 * snapshot's shards into one {@link Model}. Because a member's records all sit in one shard,
 * forgetting a member means retraining that shard only and aggregating again.
 *
 * <p>Contract for implementations (tests of the reference trainer check each point):
 *
 * <ul>
 *   <li>{@link #train} is a pure function of {@link #settings()}, the texts in order and the seed:
 *       no clock, no hash-map iteration order and no floating-point sums whose order can vary
 *       reach the artefact bytes. Same shard file, same bytes, same {@link ShardModel#sha256()}.
 *   <li>{@link #aggregate} depends only on the artefacts, not on the order of the list.
 *   <li>{@link #digest} identifies the function the model computes: equal digests mean equal
 *       trainer, settings and shard artefacts.
 * </ul>
 *
 * <p>Plugins implement this interface and usually keep {@link #digest}; they are found by {@link
 * #resolve} through a {@link Factory} registered with {@link ServiceLoader}. Implementations must be
 * thread-safe: shards are trained concurrently.
 */
public interface ShardTrainer {

  /** The trainer's name as recorded in model metadata, e.g. {@code kneser-ney}. */
  String name();

  /** The version of the artefact format and training algorithm; a change means new digests. */
  String version();

  /**
   * Settings that shape the artefacts (e.g. {@code order}), sorted by key; recorded in model
   * metadata so that {@link #resolve} can recreate the same trainer.
   */
  SortedMap<String, String> settings();

  /**
   * Trains one shard.
   *
   * @param shard the shard number (recorded in the artefact's {@link ShardModel})
   * @param texts the {@code text} of every record of the shard, in file order
   * @param seed the model's seed, for trainers with randomness (the reference trainer has none)
   */
  ShardModel train(int shard, List<String> texts, long seed);

  /**
   * The model made of these shard artefacts.
   *
   * @throws IllegalArgumentException if an artefact was not made by this trainer with these
   *     settings, or two artefacts have the same shard number
   */
  Model aggregate(List<ShardModel> shards);

  /**
   * The canonical digest of the model made of shard artefacts with these digests: SHA-256 (hex)
   * over a text listing the trainer name, version, settings, and each shard number with its
   * artefact's {@link ShardModel#sha256()} in shard order. Independent of the snapshot id and of
   * anything else the registry records, so a model retrained shard by shard and one trained from
   * scratch on the same snapshot have the same digest exactly when their artefacts are equal.
   *
   * @param artefactSha256ByShard shard number → artefact digest
   */
  default String digest(Map<Integer, String> artefactSha256ByShard) {
    StringBuilder text = new StringBuilder("lethe-model-digest/1\n");
    text.append("trainer ").append(name()).append('\n');
    text.append("version ").append(version()).append('\n');
    settings().forEach((k, v) -> text.append("setting ").append(k).append('=').append(v).append('\n'));
    new TreeMap<>(artefactSha256ByShard)
        .forEach((shard, sha256) -> text.append("shard ").append(shard).append(' ').append(sha256).append('\n'));
    return Hashing.sha256Hex(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@link #digest(Map)} of these artefacts.
   *
   * @throws IllegalArgumentException if two artefacts have the same shard number
   */
  default String digest(List<ShardModel> shards) {
    Map<Integer, String> byShard = new TreeMap<>();
    for (ShardModel m : shards) {
      if (byShard.put(m.shard(), m.sha256()) != null) {
        throw new IllegalArgumentException("two artefacts for shard " + m.shard());
      }
    }
    return digest(byShard);
  }

  /**
   * The built-in reference trainer: an interpolated Kneser–Ney n-gram language model per shard,
   * aggregated as the token-weighted average of the shard models' probabilities.
   *
   * @param order the n-gram order, at least 3 (8 at most, which is already far past useful)
   */
  static ShardTrainer kneserNey(int order) {
    return new KneserNeyTrainer(order);
  }

  /**
   * Recreates the trainer a model was made with: the built-in {@code kneser-ney}, else the first
   * {@link Factory} found by {@link ServiceLoader} that accepts the name.
   *
   * @throws IllegalArgumentException if no trainer of that name and version is available
   */
  static ShardTrainer resolve(String name, String version, Map<String, String> settings) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    ShardTrainer found = null;
    if (name.equals(KneserNeyTrainer.NAME)) {
      found = KneserNeyTrainer.fromSettings(settings);
    } else {
      for (Factory factory : ServiceLoader.load(Factory.class)) {
        if (factory.name().equals(name)) {
          found = factory.create(settings);
          break;
        }
      }
    }
    if (found == null) {
      throw new IllegalArgumentException("no trainer named " + name + " is available");
    }
    if (!found.version().equals(version)) {
      throw new IllegalArgumentException(
          "trainer " + name + " is at version " + found.version() + ", the model needs " + version);
    }
    return found;
  }

  /** Creates a plugin trainer from recorded settings; registered with {@link ServiceLoader}. */
  interface Factory {
    /** The {@link ShardTrainer#name()} of the trainers this factory makes. */
    String name();

    /**
     * A trainer with these settings.
     *
     * @throws IllegalArgumentException if the settings are invalid
     */
    ShardTrainer create(Map<String, String> settings);
  }
}
