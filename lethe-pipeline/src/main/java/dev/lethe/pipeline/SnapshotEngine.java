package dev.lethe.pipeline;

import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.redact.Detector;
import java.io.IOException;

/**
 * Builds a training snapshot: every content record gated by the content-eligibility rule,
 * redacted, placed in its member's shard, and published atomically (a complete snapshot or
 * nothing). The same inputs give a byte-identical snapshot, whatever the engine or thread count.
 */
public interface SnapshotEngine {

  /**
   * Builds and publishes one snapshot.
   *
   * @param ledger the consent ledger (its own {@code content.posted} events are inputs too)
   * @throws IOException if reading inputs or writing the snapshot fails; nothing is published then
   * @throws SnapshotConflictException if another build holds the output directory's lock
   */
  SnapshotResult build(ConsentLedger ledger, SnapshotRequest request, ProgressListener progress) throws IOException;

  /** The multi-threaded engine for one machine, redacting with {@code detector}. */
  static SnapshotEngine embedded(Detector detector) {
    return new EmbeddedEngine(detector);
  }
}
