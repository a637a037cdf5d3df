package dev.lethe.pipeline;

import java.util.List;

/**
 * A build gave a snapshot that forgetting has retired: the same inputs, but the published copy's
 * shard and member files were deleted when members were forgotten from it ({@code
 * FORGOTTEN.json} beside its manifest) and a rebuild without those members replaced it. Not
 * damage, and not published again: the replacement is the snapshot in force.
 */
public final class SnapshotRetiredException extends SnapshotConflictException {
  private static final long serialVersionUID = 1L;

  private final String snapshot;
  private final List<String> replacedBy;

  SnapshotRetiredException(String message, String snapshot, List<String> replacedBy) {
    super(message);
    this.snapshot = snapshot;
    this.replacedBy = List.copyOf(replacedBy);
  }

  /** The retired snapshot's id. */
  public String snapshot() {
    return snapshot;
  }

  /**
   * The snapshots in force in the same directory that replace it (the rebuild, or the rebuild of
   * the rebuild when later forgetting retired that too); empty if none is there any more.
   */
  public List<String> replacedBy() {
    return replacedBy;
  }
}
