package dev.lethe.server;

import java.time.Instant;
import java.util.List;

/**
 * Which trained models used a member's data: the "models" part of "where is my data". The server
 * only reads it; the unlearning module provides the real implementation.
 */
public interface ModelLineage {

  /** Whether model lineage is tracked on this deployment at all (pages say so when it is not). */
  boolean available();

  /** The models trained from shards that hold the member's records, newest first. */
  List<ModelUse> modelsFor(String member);

  /**
   * A model that used a member's data.
   *
   * @param model the model id
   * @param snapshot the snapshot it was trained from
   * @param trainedAt when training finished
   * @param status e.g. {@code active}, {@code retraining}, {@code retired}
   */
  record ModelUse(String model, String snapshot, Instant trainedAt, String status) {}
}
