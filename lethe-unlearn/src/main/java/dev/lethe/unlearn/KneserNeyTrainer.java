package dev.lethe.unlearn;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The reference trainer: counts n-grams per shard ({@link KneserNeyCounts}) and aggregates the
 * shards into a {@link KneserNeyModel}. Training has no randomness, so the seed is recorded but not
 * used. Immutable and thread-safe.
 */
final class KneserNeyTrainer implements ShardTrainer {

  static final String NAME = "kneser-ney";
  /** Version 1: the tokenizer, artefact format, discounts and token-weighted mixture documented here. */
  static final String VERSION = "1";
  static final int MAX_ORDER = 8;

  private final int order;
  private final SortedMap<String, String> settings;

  KneserNeyTrainer(int order) {
    if (order < 3 || order > MAX_ORDER) {
      throw new IllegalArgumentException("the Kneser–Ney order must be between 3 and " + MAX_ORDER + ", not " + order);
    }
    this.order = order;
    this.settings = Collections.unmodifiableSortedMap(new TreeMap<>(Map.of("order", Integer.toString(order))));
  }

  static KneserNeyTrainer fromSettings(Map<String, String> settings) {
    if (!settings.keySet().equals(java.util.Set.of("order"))) {
      throw new IllegalArgumentException("kneser-ney takes exactly one setting, order, not " + settings.keySet());
    }
    try {
      return new KneserNeyTrainer(Integer.parseInt(settings.get("order")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("order must be an integer, not " + settings.get("order"), e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public SortedMap<String, String> settings() {
    return settings;
  }

  @Override
  public ShardModel train(int shard, List<String> texts, long seed) {
    return ShardModel.of(shard, texts.size(), KneserNeyCounts.count(order, texts).encode());
  }

  @Override
  public Model aggregate(List<ShardModel> shards) {
    return KneserNeyModel.of(digest(shards), order, shards);
  }

  @Override
  public String toString() {
    return NAME + "/" + VERSION + settings;
  }
}
