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
   * @param reason a decision reason, a content-exclusion word, {@code malformed} or {@code
   *     redaction-dropped}
   */
  record Excluded(String reason) implements RecordOutcome {}
}
