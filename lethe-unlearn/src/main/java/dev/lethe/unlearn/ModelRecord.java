package dev.lethe.unlearn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A registered model: what its {@code model.json} says. The id is the first 32 hex digits of the
 * SHA-256 of {@code model.json}, so it names the content: registering the same training twice
 * finds the same id, and any change of snapshot, shard, trainer, seed or parent is a new id.
 *
 * @param id the model id
 * @param directory where the model's files are
 * @param snapshot the id of the snapshot it was trained from
 * @param trainer the trainer name, e.g. {@code kneser-ney}
 * @param trainerVersion the trainer version
 * @param settings the trainer settings, sorted
 * @param seed the seed given to the trainer (and the default seed of generation)
 * @param digest the canonical digest ({@link ShardTrainer#digest}) of the model
 * @param parent the model this one was derived from (retrained or fine-tuned), if any
 * @param origin how it was made
 * @param sharding the snapshot's {@code sharding} description, which retraining compares
 * @param shards one entry per trained shard, in shard order
 */
public record ModelRecord(
    String id,
    Path directory,
    String snapshot,
    String trainer,
    String trainerVersion,
    SortedMap<String, String> settings,
    long seed,
    String digest,
    Optional<String> parent,
    Origin origin,
    JsonNode sharding,
    List<Shard> shards) {

  /** The format of {@code model.json} written by this version. */
  public static final String FORMAT = "lethe-model/1";

  public ModelRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(trainer, "trainer");
    Objects.requireNonNull(trainerVersion, "trainerVersion");
    settings = Collections.unmodifiableSortedMap(new TreeMap<>(settings));
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(origin, "origin");
    sharding = sharding == null ? JsonNodeFactory.instance.objectNode() : sharding.deepCopy();
    shards = List.copyOf(shards);
  }

  /** How a model came to be. */
  public enum Origin {
    /** Every shard trained from the snapshot. */
    SCRATCH("scratch"),
    /** Changed shards trained, the others' artefacts reused from the parent. */
    RETRAINED_SHARDS("retrained-shards"),
    /**
     * Trained further from the parent by some other process; recorded so that forgetting follows
     * derivations (a model derived from one that saw a member has seen the member too).
     */
    FINE_TUNE("fine-tune");

    private final String word;

    Origin(String word) {
      this.word = word;
    }

    /** The word used in {@code model.json}. */
    public String word() {
      return word;
    }

    /** The origin of a word of {@code model.json}. */
    public static Origin fromWord(String word) {
      for (Origin o : values()) {
        if (o.word.equals(word)) {
          return o;
        }
      }
      throw new IllegalArgumentException("unknown model origin: " + word);
    }
  }

  /**
   * One shard's artefact.
   *
   * @param file the artefact file in the model directory (zstd-compressed canonical bytes)
   * @param sha256 SHA-256 of the artefact's canonical (uncompressed) bytes
   * @param sourceSha256 SHA-256 of the snapshot shard file it was trained from
   * @param records records of the shard
   * @param trained true if trained when this model was made, false if reused from the parent
   */
  public record Shard(int shard, String file, String sha256, String sourceSha256, long records, boolean trained) {}

  /** A copy of the snapshot's {@code sharding} description. */
  @Override
  public JsonNode sharding() {
    return sharding.deepCopy();
  }

  /** The entry of {@code shard}, if the model has one. */
  public Optional<Shard> shard(int shard) {
    return shards.stream().filter(s -> s.shard() == shard).findFirst();
  }

  /** Shards trained when this model was made. */
  public List<Integer> trainedShards() {
    return shards.stream().filter(Shard::trained).map(Shard::shard).toList();
  }

  /** Shards whose artefacts were reused from the parent. */
  public List<Integer> reusedShards() {
    return shards.stream().filter(s -> !s.trained()).map(Shard::shard).toList();
  }

  /** Records of all shards: what a full retrain reads. */
  public long records() {
    return shards.stream().mapToLong(Shard::records).sum();
  }

  /** Shard number → artefact digest, the input of {@link ShardTrainer#digest(java.util.Map)}. */
  public SortedMap<Integer, String> artefactDigests() {
    SortedMap<Integer, String> map = new TreeMap<>();
    shards.forEach(s -> map.put(s.shard(), s.sha256()));
    return map;
  }

  /** The {@code model.json} content (without the id, which is its hash). */
  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("format", FORMAT);
    o.put("snapshot", snapshot);
    ObjectNode t = o.putObject("trainer");
    t.put("name", trainer);
    t.put("version", trainerVersion);
    ObjectNode s = t.putObject("settings");
    settings.forEach(s::put);
    o.put("seed", seed);
    o.put("digest", digest);
    if (parent.isPresent()) {
      o.put("parent", parent.get());
    } else {
      o.putNull("parent");
    }
    o.put("origin", origin.word());
    o.set("sharding", sharding.deepCopy());
    var list = o.putArray("shards");
    for (Shard shard : shards) {
      list.addObject()
          .put("shard", shard.shard())
          .put("artefact", shard.file())
          .put("sha256", shard.sha256())
          .put("source_sha256", shard.sourceSha256())
          .put("records", shard.records())
          .put("trained", shard.trained());
    }
    return o;
  }

  /** Reads a {@code model.json}. */
  static ModelRecord fromJson(String id, Path directory, JsonNode o) {
    if (!FORMAT.equals(o.path("format").asText())) {
      throw new IllegalArgumentException(directory + ": not a " + FORMAT + " model.json");
    }
    SortedMap<String, String> settings = new TreeMap<>();
    o.path("trainer").path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
    List<Shard> shards = new ArrayList<>();
    for (JsonNode s : o.path("shards")) {
      shards.add(new Shard(s.get("shard").asInt(), s.get("artefact").asText(), s.get("sha256").asText(),
          s.get("source_sha256").asText(), s.get("records").asLong(), s.get("trained").asBoolean()));
    }
    JsonNode parent = o.get("parent");
    return new ModelRecord(id, directory, o.get("snapshot").asText(), o.path("trainer").get("name").asText(),
        o.path("trainer").get("version").asText(), settings, o.get("seed").asLong(), o.get("digest").asText(),
        parent == null || parent.isNull() ? Optional.empty() : Optional.of(parent.asText()),
        Origin.fromWord(o.get("origin").asText()), o.get("sharding"), shards);
  }
}
