package dev.lethe.store.audit;

import java.util.Objects;

/**
 * A checkpoint as the log stored it.
 *
 * @param number creation order (1, 2, ...)
 * @param checkpoint origin, tree size and root
 * @param note the C2SP signed note
 */
public record SignedCheckpoint(long number, Checkpoint checkpoint, String note) {
  public SignedCheckpoint {
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(note, "note");
  }
}
