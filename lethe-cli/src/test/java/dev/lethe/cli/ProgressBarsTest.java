package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.pipeline.ProgressListener;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The build's progress line and when it is drawn. */
class ProgressBarsTest {

  @Test
  void aLineShowsShareRecordsRateAndTimeLeftSeparated() {
    // 25 MiB of 100 read in 10 s: 30 more seconds at that byte rate.
    String line = ProgressBars.line("snapshot", 25L << 20, 100L << 20, 30_016, Duration.ofSeconds(10), 200);
    assertThat(line).isEqualTo("snapshot  25% [##........] 30,016 records  3,002 records/s  ETA 0:00:30");
  }

  @Test
  void theTimeLeftWaitsForARateAndIsZeroWhenDone() {
    assertThat(ProgressBars.line("snapshot", 0, 1000, 0, Duration.ZERO, 200))
        .isEqualTo("snapshot   0% [..........] 0 records  - records/s  ETA --:--");
    assertThat(ProgressBars.line("snapshot", 1000, 1000, 7200, Duration.ofHours(2), 200))
        .isEqualTo("snapshot 100% [##########] 7,200 records  1 records/s  ETA 0:00:00");
    assertThat(ProgressBars.line("snapshot", 1, 7201, 1, Duration.ofSeconds(1), 200)).endsWith("ETA 2:00:00");
  }

  @Test
  void anUnknownTotalShowsRecordsAndRateOnly() {
    assertThat(ProgressBars.line("snapshot", 5000, -1, 1234, Duration.ofSeconds(2), 200))
        .isEqualTo("snapshot 1,234 records  617 records/s");
  }

  @Test
  void aNarrowTerminalLosesTheGraphicFirstThenTheEnd() {
    assertThat(ProgressBars.line("snapshot", 25, 100, 30_016, Duration.ofSeconds(10), 70))
        .isEqualTo("snapshot  25% 30,016 records  3,002 records/s  ETA 0:00:30");
    assertThat(ProgressBars.line("snapshot", 25, 100, 30_016, Duration.ofSeconds(10), 20)).isEqualTo("snapshot  25% 30,016");
  }

  @Test
  void onlyATerminalOnStderrGetsABar() {
    assertThat(ProgressBars.isTerminalDevice("/dev/pts/3")).isTrue();
    assertThat(ProgressBars.isTerminalDevice("/dev/tty1")).isTrue();
    assertThat(ProgressBars.isTerminalDevice("pipe:[123456]")).isFalse();
    assertThat(ProgressBars.isTerminalDevice("/tmp/build.log")).isFalse();
    assertThat(ProgressBars.isTerminalDevice("/dev/null")).isFalse();
    assertThat(ProgressBars.forBuild("snapshot", false, true)).isNotSameAs(ProgressListener.NONE);
    assertThat(ProgressBars.forBuild("snapshot", true, true)).isSameAs(ProgressListener.NONE);
    assertThat(ProgressBars.forBuild("snapshot", false, false)).isSameAs(ProgressListener.NONE);
  }
}
