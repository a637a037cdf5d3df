package dev.lethe.cli;

import java.io.PrintWriter;

/**
 * Whether what a command printed reached standard output. Print writers swallow I/O errors, and
 * so does {@link System#out}, which picocli's writer wraps; a command that streams results checks
 * both after writing, so a full disk or a closed pipe ends it with exit status 1 instead of a
 * silent, truncated success.
 */
final class CommandOutput {
  private CommandOutput() {}

  /** Exit status when the output cannot be written. */
  static final int WRITE_FAILED = 1;

  /** Flushes {@code out} (and standard output beneath it) and tells whether any write failed. */
  static boolean failed(PrintWriter out) {
    // Both are evaluated: checkError flushes, and the writer flushes into System.out.
    boolean writer = out.checkError();
    return System.out.checkError() | writer;
  }

  /** Reports the failure on {@code err} and returns {@link #WRITE_FAILED}. */
  static int writeFailed(PrintWriter err) {
    err.println("lethe: cannot write the output: the write to standard output failed"
        + " (disk full, or the reader closed the pipe)");
    err.flush();
    return WRITE_FAILED;
  }
}
