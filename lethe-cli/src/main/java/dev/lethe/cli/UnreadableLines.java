package dev.lethe.cli;

import dev.lethe.pipeline.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells the operator which export lines a build could not read, and why: the first {@value
 * #SHOWN} as {@code lethe: FILE:LINE: REASON: PROBLEM} once the build has finished (not between
 * the progress bar's redraws), then how many more there were. The records are excluded and
 * counted in the manifest either way; this says where to look. Progress goes on to the wrapped
 * listener. Called on the build's coordinating thread only.
 */
final class UnreadableLines implements ProgressListener {

  static final int SHOWN = 20;

  private final ProgressListener progress;
  private final PrintWriter err;
  private final List<String> shown = new ArrayList<>();
  private long more;

  UnreadableLines(ProgressListener progress, PrintWriter err) {
    this.progress = progress;
    this.err = err;
  }

  @Override
  public void started(long totalBytes) {
    progress.started(totalBytes);
  }

  @Override
  public void progressed(long records, long bytes) {
    progress.progressed(records, bytes);
  }

  @Override
  public void unreadable(Path file, long line, String reason, String problem) {
    if (shown.size() < SHOWN) {
      shown.add("lethe: " + file + ":" + line + ": " + reason + ": " + problem);
    } else {
      more++;
    }
  }

  @Override
  public void finished() {
    progress.finished();
    shown.forEach(err::println);
    if (more > 0) {
      err.println("lethe: and " + more + " more unreadable lines (the manifest counts every excluded record by reason)");
    }
    err.flush();
  }
}
