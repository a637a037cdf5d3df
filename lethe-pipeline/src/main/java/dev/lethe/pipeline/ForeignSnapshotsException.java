package dev.lethe.pipeline;

/**
 * The output directory of a build already holds snapshots another deployment built (see {@link
 * Deployments}): publishing there would mix two deployments' member numbers, lineage and
 * forgetting, so the build is refused before anything is written. Bad input, not a conflict of
 * two builds: the operator chose the wrong directory.
 */
public final class ForeignSnapshotsException extends SnapshotConflictException {
  private static final long serialVersionUID = 1L;

  public ForeignSnapshotsException(String message) {
    super(message);
  }
}
