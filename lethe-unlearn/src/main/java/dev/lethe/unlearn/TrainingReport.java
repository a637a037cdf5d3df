package dev.lethe.unlearn;

import java.time.Duration;
import java.util.List;

/**
 * What a training run did and cost.
 *
 * @param model the registered model
 * @param alreadyPublished true if an identical model was registered before (it was kept)
 * @param trainedShards shards trained in this run
 * @param reusedShards shards whose artefacts were reused from the parent model
 * @param recordsTrained records read and trained in this run
 * @param recordsFullRetrain records a training from scratch on the same snapshot reads
 * @param elapsed wall-clock time of the run, publication included
 */
public record TrainingReport(
    ModelRecord model,
    boolean alreadyPublished,
    List<Integer> trainedShards,
    List<Integer> reusedShards,
    long recordsTrained,
    long recordsFullRetrain,
    Duration elapsed) {

  public TrainingReport {
    trainedShards = List.copyOf(trainedShards);
    reusedShards = List.copyOf(reusedShards);
  }

  /** recordsTrained / recordsFullRetrain: the share of a full retrain this run cost (0 for an empty snapshot). */
  public double recordRatio() {
    return recordsFullRetrain == 0 ? 0 : (double) recordsTrained / recordsFullRetrain;
  }
}
