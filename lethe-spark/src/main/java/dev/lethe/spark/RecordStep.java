package dev.lethe.spark;

import dev.lethe.pipeline.BuildCounts;
import dev.lethe.pipeline.ContentLines;
import dev.lethe.pipeline.RecordOutcome;
import dev.lethe.pipeline.RecordProcessor;
import java.nio.charset.CharsetDecoder;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import scala.Tuple2;

/**
 * The record step over one partition of inputs, lazily (a partition is never held in memory):
 * each input goes through the build's {@link RecordProcessor}; an included record comes out keyed
 * by its shard and sequence number, an excluded one only adds to the partition's counts, which
 * come out last, once, under {@link ShardKey#COUNTS}, followed under the same key by the
 * partition's {@link UnreadableLines} when it read export lines. Blank export lines are skipped, as the
 * embedded engine skips them. An export record whose content id an earlier export record had
 * (by sequence number, {@code firstOfCopies}) is excluded as {@link
 * RecordProcessor#DUPLICATE_CONTENT}, as the embedded engine excludes later copies.
 */
final class RecordStep implements Iterator<Tuple2<ShardKey, Object>> {

  private final Iterator<InputRecord> inputs;
  private final RecordProcessor processor;
  private final int partition;
  /** Each content id that more than one export record has, with the first one's sequence number. */
  private final Map<String, Long> firstOfCopies;
  private final CharsetDecoder utf8 = RecordProcessor.strictUtf8();
  private final BuildCounts counts = new BuildCounts();
  private final UnreadableLines unreadable = new UnreadableLines();
  private Tuple2<ShardKey, Object> next;
  private boolean countsSent;
  private boolean unreadableSent;

  RecordStep(Iterator<InputRecord> inputs, RecordProcessor processor, int partition, Map<String, Long> firstOfCopies) {
    this.inputs = inputs;
    this.processor = processor;
    this.partition = partition;
    this.firstOfCopies = firstOfCopies;
  }

  /** Whether the export record {@code content} at {@code sequence} is a later copy. */
  private boolean laterCopy(String content, long sequence) {
    Long first = content == null ? null : firstOfCopies.get(content);
    return first != null && first != sequence;
  }

  /**
   * The content id of an export input as the record step reads it, or null if it cannot be read
   * as a record: the ids {@code firstOfCopies} is made from.
   */
  static String contentId(InputRecord input, CharsetDecoder utf8) {
    ContentLines.Parsed parsed;
    if (input.isLine()) {
      parsed = RecordProcessor.parse(input.line, utf8);
    } else if (input.isRow()) {
      parsed = input.parsedRow();
    } else {
      return null;
    }
    return parsed instanceof ContentLines.Parsed.Ok ok ? ok.record().content() : null;
  }

  @Override
  public boolean hasNext() {
    while (next == null) {
      if (!inputs.hasNext()) {
        if (!countsSent) {
          countsSent = true;
          next = new Tuple2<>(new ShardKey(ShardKey.COUNTS, partition), counts);
        } else if (!unreadableSent && !unreadable.runs.isEmpty()) {
          unreadableSent = true;
          next = new Tuple2<>(new ShardKey(ShardKey.COUNTS, partition), unreadable);
        } else {
          return false;
        }
        break;
      }
      InputRecord input = inputs.next();
      RecordOutcome outcome;
      if (input.isLine()) {
        // Blank lines have line numbers too, as in the embedded engine's report.
        long index = unreadable.read(input.sequence);
        if (ContentLines.isBlank(input.line)) {
          continue;
        }
        RecordProcessor.ExportOutcome read = processor.processExportLine(input.line, utf8);
        outcome = laterCopy(read.content(), input.sequence)
            ? new RecordOutcome.Excluded(RecordProcessor.DUPLICATE_CONTENT)
            : read.outcome();
        if (outcome instanceof RecordOutcome.Excluded excluded && excluded.problem() != null) {
          unreadable.unreadable(input.sequence, index, excluded.reason(), excluded.problem());
        }
      } else if (input.isRow()) {
        // Rows fail closed under the same reason as lines: any field problem is "malformed".
        if (input.parsedRow() instanceof ContentLines.Parsed.Ok ok) {
          outcome = laterCopy(ok.record().content(), input.sequence)
              ? new RecordOutcome.Excluded(RecordProcessor.DUPLICATE_CONTENT)
              : processor.processExport(ok.record());
        } else {
          outcome = new RecordOutcome.Excluded(ContentLines.MALFORMED);
        }
      } else {
        outcome = processor.process(input.record());
      }
      counts.add(outcome);
      if (outcome instanceof RecordOutcome.Included in) {
        next = new Tuple2<>(new ShardKey(in.shard(), input.sequence), new TrainingLine(in.member(), in.line()));
      }
    }
    return true;
  }

  @Override
  public Tuple2<ShardKey, Object> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Tuple2<ShardKey, Object> result = next;
    next = null;
    return result;
  }
}
