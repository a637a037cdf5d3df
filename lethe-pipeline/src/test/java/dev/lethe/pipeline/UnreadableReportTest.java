package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnreadableReportTest {

  /** What the wrapped listener heard, in order. */
  private final List<String> heard = new ArrayList<>();
  private final ProgressListener wrapped = new ProgressListener() {
    @Override
    public void started(long totalBytes) {
      heard.add("started " + totalBytes);
    }

    @Override
    public void progressed(long records, long bytes) {
      heard.add("progressed " + records + " " + bytes);
    }

    @Override
    public void unreadable(String file, long line, String reason, String problem) {
      heard.add("unreadable");
    }

    @Override
    public void finished() {
      heard.add("finished");
    }
  };
  private final StringWriter err = new StringWriter();
  private final UnreadableReport report = new UnreadableReport("tool", new PrintWriter(err), wrapped);

  @Test
  void namesTheLinesHeardAsGivenOnceTheBuildHasFinished() {
    report.started(10);
    report.unreadable("hdfs://nn/x.jsonl", 2, "malformed", "malformed JSON");
    report.progressed(3, 10);
    report.unreadable("x.jsonl", 8, "too-long", "longer than 8 bytes");
    assertThat(err.toString()).isEmpty();

    report.finished();

    assertThat(heard).containsExactly("started 10", "progressed 3 10", "finished");
    assertThat(err.toString().lines()).containsExactly(
        "tool: hdfs://nn/x.jsonl:2: malformed: malformed JSON",
        "tool: x.jsonl:8: too-long: longer than 8 bytes");
  }

  @Test
  void namesTheFirstTwentyAndCountsTheRestHeardOrOnlyCounted() {
    for (int line = 1; line <= UnreadableReport.SHOWN + 2; line++) {
      report.unreadable("x.jsonl", line, "malformed", "not a JSON object");
    }
    report.moreUnreadable(5);
    report.finished();

    List<String> printed = err.toString().lines().toList();
    assertThat(printed).hasSize(UnreadableReport.SHOWN + 1);
    assertThat(printed.get(UnreadableReport.SHOWN - 1)).isEqualTo("tool: x.jsonl:20: malformed: not a JSON object");
    assertThat(printed.get(UnreadableReport.SHOWN))
        .isEqualTo("tool: and 7 more unreadable lines (the manifest counts every excluded record by reason)");
  }

  @Test
  void printsNothingWithoutUnreadableLinesAndNothingTwice() {
    report.finished();
    assertThat(err.toString()).isEmpty();
    report.unreadable("x.jsonl", 1, "malformed", "malformed JSON");
    report.finished();
    report.finished();
    assertThat(err.toString().lines()).containsExactly("tool: x.jsonl:1: malformed: malformed JSON");
  }
}
