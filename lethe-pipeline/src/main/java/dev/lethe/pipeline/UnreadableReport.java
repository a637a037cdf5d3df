package dev.lethe.pipeline;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells the operator which export lines a build could not read, and why, alike for every tool
 * that builds ({@code lethe build}, {@code lethe-spark build}): the first {@value #SHOWN} heard as
 * {@code TOOL: FILE:LINE: REASON: PROBLEM}, then {@code TOOL: and N more unreadable lines ...}
 * counting the rest (those heard past the first {@value #SHOWN} and those only counted through
 * {@link #moreUnreadable}). It prints once the build has finished, not between a progress bar's
 * redraws. The records are excluded and counted in the manifest either way; this says where to
 * look. Start, progress and end go on to the wrapped listener first. Not thread-safe: engines
 * call a listener from one thread.
 */
public final class UnreadableReport implements ProgressListener {

  /** How many unreadable lines are named; the rest are counted. */
  public static final int SHOWN = 20;

  private final String tool;
  private final PrintWriter err;
  private final ProgressListener progress;
  private final List<String> shown = new ArrayList<>();
  private long more;

  /**
   * A report printed to {@code err}, each line starting with {@code tool} and a colon (the
   * command's name), around {@code progress}.
   */
  public UnreadableReport(String tool, PrintWriter err, ProgressListener progress) {
    this.tool = tool;
    this.err = err;
    this.progress = progress;
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
  public void unreadable(String file, long line, String reason, String problem) {
    if (shown.size() < SHOWN) {
      shown.add(tool + ": " + file + ":" + line + ": " + reason + ": " + problem);
    } else {
      more++;
    }
  }

  @Override
  public void moreUnreadable(long count) {
    more += count;
  }

  /**
   * Ends the wrapped listener, then prints what was heard and forgets it, so that a second call
   * prints nothing again.
   */
  @Override
  public void finished() {
    progress.finished();
    shown.forEach(err::println);
    if (more > 0) {
      err.println(tool + ": and " + more + " more unreadable lines (the manifest counts every excluded record by reason)");
    }
    err.flush();
    shown.clear();
    more = 0;
  }
}
