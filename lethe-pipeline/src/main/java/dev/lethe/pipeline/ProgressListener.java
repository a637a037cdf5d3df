package dev.lethe.pipeline;

import java.nio.file.Path;

/** Receives progress of a long build; called from the build's coordinating thread only. */
public interface ProgressListener {

  /** A listener that ignores everything. */
  ProgressListener NONE = new ProgressListener() {};

  /** The build starts; {@code totalBytes} of content files will be read (-1 if unknown). */
  default void started(long totalBytes) {}

  /** More input was processed: cumulative records and bytes. */
  default void progressed(long records, long bytes) {}

  /**
   * A line of a content file was excluded because it could not be read as a record ({@code
   * malformed}, {@code too-long}): {@code file} and {@code line} (1-based, blank lines counted)
   * say where, {@code problem} what is wrong. Called on the engine's coordinating thread, in input
   * order; an engine that cannot tell where a line was (Spark) does not call it. The record is
   * counted under its reason either way.
   */
  default void unreadable(Path file, long line, String reason, String problem) {}

  /** The build finished (published or failed). */
  default void finished() {}
}
