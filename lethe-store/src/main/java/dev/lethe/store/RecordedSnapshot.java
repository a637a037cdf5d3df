package dev.lethe.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot the store recorded as published under a snapshot root ({@link
 * LedgerStore#recordSnapshot}): its directory {@code root/snapshot} must hold it for as long as
 * the record exists, so that a root whose directory lost it reads as a gap, not as "holds nothing".
 *
 * @param root the root, absolute and normalized
 * @param snapshot the snapshot id, which is its directory name under the root
 * @param purpose the purpose it was built for
 * @param asOf its as-of instant
 * @param recordedAt when it was first recorded (a byte-identical rebuild leaves this unchanged)
 */
public record RecordedSnapshot(Path root, String snapshot, String purpose, Instant asOf, Instant recordedAt) {
  public RecordedSnapshot {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(recordedAt, "recordedAt");
  }
}
