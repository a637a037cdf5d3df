package dev.lethe.cli;

import dev.lethe.pipeline.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressState;

/**
 * A build's progress bar on stderr: the share of input bytes read, records so far, records per
 * second and the time left. It is drawn only when stderr is a terminal, so that redirecting the
 * JSON summary on stdout ({@code build ... > summary.json}) keeps the bar, while a log file or a
 * pipe on stderr gets no carriage-return noise.
 */
final class ProgressBars {

  private static final int BAR_WIDTH = 10; // short enough that the whole line fits 80 columns

  private ProgressBars() {}

  static ProgressListener forBuild(String task, boolean quiet) {
    return forBuild(task, quiet, stderrIsTerminal());
  }

  static ProgressListener forBuild(String task, boolean quiet, boolean stderrTerminal) {
    if (quiet || !stderrTerminal) {
      return ProgressListener.NONE;
    }
    return new ProgressListener() {
      // Written by the build's coordinating thread, read by the bar's refresh thread.
      private final AtomicLong records = new AtomicLong();
      private ProgressBar bar;

      @Override
      public void started(long totalBytes) {
        bar = new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(totalBytes > 0 ? totalBytes : -1) // -1: indefinite, no percentage or ETA
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .setRenderer((state, width) -> render(state, records.get(), width))
            .build();
      }

      @Override
      public void progressed(long recordsSoFar, long bytes) {
        records.set(recordsSoFar);
        if (bar != null) {
          bar.stepTo(bytes);
        }
      }

      @Override
      public void finished() {
        if (bar != null) {
          bar.close();
        }
      }
    };
  }

  private static String render(ProgressState state, long records, int width) {
    long max = state.isIndefinite() ? -1 : state.getMax();
    return line(state.getTaskName(), state.getCurrent(), max, records, state.getTotalElapsed(), width);
  }

  /**
   * One line of the bar, for example {@code snapshot  42% [####......] 30,016 records
   * 12,345 records/s  ETA 0:00:15}. On a terminal narrower than that the bar graphic goes first,
   * then the end of the line. The ETA extrapolates the rate at which input bytes are read (the
   * total is known in bytes, not records); it reads {@code --:--} until there is a rate, and is
   * left out, with the percentage, when the total is unknown ({@code totalBytes} &lt; 1).
   */
  static String line(String task, long bytes, long totalBytes, long records, Duration elapsed, int width) {
    boolean known = totalBytes > 0;
    double share = known ? Math.min(1.0, Math.max(0.0, (double) bytes / totalBytes)) : 0;
    String percent = known ? String.format(Locale.ROOT, "%3d%% ", (int) Math.floor(share * 100)) : "";
    int filled = (int) Math.floor(share * BAR_WIDTH);
    String graphic = known ? "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " : "";
    double seconds = elapsed.toMillis() / 1000.0;
    StringBuilder counts = new StringBuilder(String.format(Locale.ROOT, "%,d records", records));
    counts.append(seconds > 0 ? String.format(Locale.ROOT, "  %,d records/s", Math.round(records / seconds)) : "  - records/s");
    if (known) {
      counts.append("  ETA ");
      if (bytes >= totalBytes) {
        counts.append(clock(Duration.ZERO));
      } else if (bytes > 0 && seconds > 0) {
        counts.append(clock(Duration.ofMillis(Math.round(elapsed.toMillis() * (double) (totalBytes - bytes) / bytes))));
      } else {
        counts.append("--:--");
      }
    }
    String full = task + " " + percent + graphic + counts;
    if (width <= 0 || full.length() <= width) {
      return full;
    }
    String compact = task + " " + percent + counts;
    return compact.length() <= width ? compact : compact.substring(0, width);
  }

  /** H:MM:SS. */
  private static String clock(Duration d) {
    long total = d.toSeconds();
    return String.format(Locale.ROOT, "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60);
  }

  /**
   * Whether stderr is a terminal. On Linux the descriptor's link names the device ({@code
   * /dev/pts/N}, {@code /dev/ttyN}); elsewhere {@link System#console()} stands in, which is only
   * non-null when both stdin and stdout are terminals, so there a redirected stdout hides the bar.
   */
  static boolean stderrIsTerminal() {
    Path fd = Path.of("/proc/self/fd/2");
    try {
      return isTerminalDevice(Files.readSymbolicLink(fd).toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  /** Whether a file descriptor's link target names a terminal device. */
  static boolean isTerminalDevice(String target) {
    return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
  }
}
