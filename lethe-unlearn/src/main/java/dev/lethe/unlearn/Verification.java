package dev.lethe.unlearn;

import java.time.Duration;

/**
 * The exact-unlearning check of a model: its digest against the digest of a model trained from
 * scratch on the same snapshot by the same trainer. Equal digests mean equal shard artefacts, so
 * the model computes exactly what a model that never saw the removed data computes.
 *
 * @param modelId the model checked
 * @param snapshot the snapshot it was trained from
 * @param modelDigest the model's recorded digest
 * @param scratchDigest the digest of the from-scratch training
 * @param elapsed time of the from-scratch training
 */
public record Verification(String modelId, String snapshot, String modelDigest, String scratchDigest, Duration elapsed) {

  /** True if the digests are equal. */
  public boolean holds() {
    return modelDigest.equals(scratchDigest);
  }
}
