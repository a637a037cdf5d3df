package dev.lethe.cli;

import dev.lethe.pipeline.ProgressListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on a terminal (records/s and ETA), nothing when quiet or not on a terminal. */
final class ProgressBars {

  private ProgressBars() {}

  static ProgressListener forBuild(String task, boolean quiet) {
    if (quiet || System.console() == null) {
      return ProgressListener.NONE;
    }
    return new ProgressListener() {
      private ProgressBar bar;

      @Override
      public void started(long totalBytes) {
        bar = new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(Math.max(totalBytes, 1))
            .setUnit(" MiB", 1 << 20)
            .setStyle(ProgressBarStyle.ASCII)
            .showSpeed()
            .build();
      }

      @Override
      public void progressed(long records, long bytes) {
        if (bar != null) {
          bar.stepTo(bytes);
          bar.setExtraMessage(String.format("%,d records", records));
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
}
