package dev.lethe.pipeline;

import java.io.IOException;

/** Another build is writing to the same output directory, or a different snapshot has the same id. */
public class SnapshotConflictException extends IOException {
  private static final long serialVersionUID = 1L;

  public SnapshotConflictException(String message) {
    super(message);
  }
}
