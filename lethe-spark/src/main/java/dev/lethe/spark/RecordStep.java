package dev.lethe.spark;

import dev.lethe.pipeline.BuildCounts;
import dev.lethe.pipeline.ContentLines;
import dev.lethe.pipeline.RecordOutcome;
import dev.lethe.pipeline.RecordProcessor;
import java.nio.charset.CharsetDecoder;
import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.Tuple2;

/**
 * The record step over one partition of inputs, lazily (a partition is never held in memory):
 * each input goes through the build's {@link RecordProcessor}; an included record comes out keyed
 * by its shard and sequence number, an excluded one only adds to the partition's counts, which
 * come out last, once, under {@link ShardKey#COUNTS}. Blank export lines are skipped, as the
 * embedded engine skips them.
 */
final class RecordStep implements Iterator<Tuple2<ShardKey, Object>> {

  private final Iterator<InputRecord> inputs;
  private final RecordProcessor processor;
  private final int partition;
  private final CharsetDecoder utf8 = RecordProcessor.strictUtf8();
  private final BuildCounts counts = new BuildCounts();
  private Tuple2<ShardKey, Object> next;
  private boolean countsSent;

  RecordStep(Iterator<InputRecord> inputs, RecordProcessor processor, int partition) {
    this.inputs = inputs;
    this.processor = processor;
    this.partition = partition;
  }

  @Override
  public boolean hasNext() {
    while (next == null) {
      if (!inputs.hasNext()) {
        if (countsSent) {
          return false;
        }
        countsSent = true;
        next = new Tuple2<>(new ShardKey(ShardKey.COUNTS, partition), counts);
        break;
      }
      InputRecord input = inputs.next();
      RecordOutcome outcome;
      if (input.isLine()) {
        if (ContentLines.isBlank(input.line)) {
          continue;
        }
        outcome = processor.processLine(input.line, utf8);
      } else if (input.isRow()) {
        // Rows fail closed under the same reason as lines: any field problem is "malformed".
        outcome = input.parsedRow() instanceof ContentLines.Parsed.Ok ok
            ? processor.processExport(ok.record())
            : new RecordOutcome.Excluded(ContentLines.MALFORMED);
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
