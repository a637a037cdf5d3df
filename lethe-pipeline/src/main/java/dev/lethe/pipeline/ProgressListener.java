package dev.lethe.pipeline;

/**
 * Receives progress of a long build, always from one thread of the build: the embedded engine's
 * coordinating thread, or a Spark build's driver.
 */
public interface ProgressListener {

  /** A listener that ignores everything. */
  ProgressListener NONE = new ProgressListener() {};

  /** The build starts; {@code totalBytes} of content files will be read (-1 if unknown). */
  default void started(long totalBytes) {}

  /** More input was processed: cumulative records and bytes. */
  default void progressed(long records, long bytes) {}

  /**
   * A line of a content export was excluded because it could not be read as a record ({@code
   * malformed}, {@code too-long}): {@code file} (the content file or source as the build was
   * given it, so a non-local source such as {@code hdfs://nn/x.jsonl} keeps its form) and {@code
   * line} (1-based, blank lines counted) say where, {@code problem} what is wrong. Called in input
   * order. The embedded engine calls it for every such line as it goes; a Spark build calls it on
   * the driver for the first {@value UnreadableReport#SHOWN} only, before the publish, then
   * {@link #moreUnreadable} for the rest. The record is counted under its reason either way.
   */
  default void unreadable(String file, long line, String reason, String problem) {}

  /**
   * {@code count} further export lines could not be read, after those named through {@link
   * #unreadable} (only an engine that names the first few, Spark, calls it). They are counted in
   * the manifest under their reasons, not named.
   */
  default void moreUnreadable(long count) {}

  /** The build finished (published or failed). */
  default void finished() {}
}
