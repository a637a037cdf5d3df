package dev.lethe.server;

import java.time.Instant;
import java.util.List;

/**
 * Which trained models used a member's data: the "models" part of "where is my data". The server
 * only reads it; lethe-unlearn's model registry is the source ({@link UnlearnViews}).
 */
public interface ModelLineage {

  /**
   * The models holding an artefact trained from a shard that holds the member's records, and the
   * models fine-tuned from those (a derivation saw whatever its parent saw), in snapshot order.
   * Empty for an unknown member.
   */
  List<ModelUse> modelsFor(String member);

  /**
   * A model that used a member's data.
   *
   * @param model the model id
   * @param snapshot the snapshot it was trained from
   * @param purpose the snapshot's purpose
   * @param asOf the snapshot's as-of instant: the data the model saw is the data allowed then
   * @param shards the snapshot shards holding the member's records (empty for a fine-tune, which
   *     inherits the member from its parent)
   * @param origin how the model was made: {@code scratch}, {@code retrained-shards} or {@code fine-tune}
   * @param parent the model it derives from, or null
   * @param status {@code in-use}; {@code forgetting-pending} while a forget request of the member
   *     covering the snapshot's purpose waits for the scheduler; {@code forgetting-failed} when one
   *     failed and needs an operator
   */
  record ModelUse(
      String model, String snapshot, String purpose, Instant asOf, List<Integer> shards, String origin, String parent,
      String status) {
    public ModelUse {
      shards = List.copyOf(shards);
    }
  }
}
