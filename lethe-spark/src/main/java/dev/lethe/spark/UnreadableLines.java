package dev.lethe.spark;

import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.UnreadableReport;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The export lines a Spark build could not read ({@code malformed}, {@code too-long}), gathered
 * so that the build can name the first {@value UnreadableReport#SHOWN} of them where the embedded
 * engine names them: by file and 1-based line number (blank lines counted), in input order, with
 * the same reason and problem. A processing partition fills one; the writing tasks and then the
 * driver merge them. What travels is bounded whatever the input: the {@value
 * UnreadableReport#SHOWN} first unreadable lines by sequence number, a count of the rest, and per
 * partition and source one run (its first byte offset and how many lines it read), from which
 * the driver turns a line's place in its run into its line number. A split of a JSON Lines export
 * is one run of consecutive lines, so the numbers do not depend on how the input was split. Plain
 * fields, so Java and Kryo serialization both handle it.
 */
final class UnreadableLines implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One unreadable line: where its run starts, its place in the run, and why it is unreadable. */
  static final class Line implements Serializable {
    private static final long serialVersionUID = 1L;

    long sequence;
    long runStart;
    /** 1-based place in its run. */
    long index;
    String reason;
    String problem;
  }

  /** Runs as {source, first offset, lines}. */
  final ArrayList<long[]> runs = new ArrayList<>();
  /** At most {@link UnreadableReport#SHOWN}, in sequence order. */
  final ArrayList<Line> first = new ArrayList<>();
  /** Unreadable lines not in {@link #first}. */
  long more;

  /** The run being read (within a partition only). */
  private transient long[] run;

  /** Counts one line of an export (blank or not) at {@code sequence}; returns its place in its run. */
  long read(long sequence) {
    long source = sequence >>> InputRecord.OFFSET_BITS;
    if (run == null || run[0] != source) {
      // A partition reads its splits one after another, each in offset order.
      run = new long[] {source, sequence & ((1L << InputRecord.OFFSET_BITS) - 1), 0};
      runs.add(run);
    }
    return ++run[2];
  }

  /** Notes the line just {@link #read} as unreadable. */
  void unreadable(long sequence, long index, String reason, String problem) {
    Line line = new Line();
    line.sequence = sequence;
    line.runStart = run[1];
    line.index = index;
    line.reason = reason;
    line.problem = problem;
    add(line);
  }

  private void add(Line line) {
    int at = 0;
    while (at < first.size() && first.get(at).sequence < line.sequence) {
      at++;
    }
    first.add(at, line);
    if (first.size() > UnreadableReport.SHOWN) {
      first.remove(UnreadableReport.SHOWN);
      more++;
    }
  }

  /** Adds what {@code other} gathered (another partition's or writing task's). */
  void merge(UnreadableLines other) {
    runs.addAll(other.runs);
    more += other.more;
    other.first.forEach(this::add);
  }

  /**
   * Tells {@code progress} the named lines in input order, each under {@code files.get(source -
   * 1)}, and returns how many more there were.
   */
  long report(List<String> files, ProgressListener progress) {
    List<long[]> ordered = new ArrayList<>(runs);
    ordered.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
    for (Line line : first) {
      long source = line.sequence >>> InputRecord.OFFSET_BITS;
      long before = 0;
      for (long[] r : ordered) {
        if (r[0] == source && r[1] < line.runStart) {
          before += r[2];
        }
      }
      progress.unreadable(files.get((int) source - 1), before + line.index, line.reason, line.problem);
    }
    return more;
  }
}
