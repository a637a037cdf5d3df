package dev.lethe.pipeline;

import dev.lethe.redact.EntityType;
import java.util.Map;

/** What became of one content record in a snapshot build. */
public sealed interface RecordOutcome permits RecordOutcome.Included, RecordOutcome.Excluded {

  /**
   * The record goes into a shard.
   *
   * @param shard shard number
   * @param member the member's dense number (for the shard's member bitmap)
   * @param line the training line, UTF-8 JSON and a newline
   * @param redactions spans redacted, by type
   */
  record Included(int shard, int member, byte[] line, Map<EntityType, Integer> redactions) implements RecordOutcome {}

  /**
   * The record is left out, counted under {@code reason}.
   *
   * @param reason a decision reason, a content-exclusion word, {@code malformed}, {@code
   *     too-long}, {@code duplicate-content}, {@code erased}, {@code forgotten} or {@code
   *     redaction-dropped}
   * @param problem for a line that could not be read as a record, what is wrong with it (for the
   *     operator, never for the snapshot); null otherwise
   */
  record Excluded(String reason, String problem) implements RecordOutcome {
    /** An exclusion without a problem to report. */
    public Excluded(String reason) {
      this(reason, null);
    }
  }
}
