package dev.lethe.pipeline;

/** Receives progress of a long build; called from the build's coordinating thread only. */
public interface ProgressListener {

  /** A listener that ignores everything. */
  ProgressListener NONE = new ProgressListener() {};

  /** The build starts; {@code totalBytes} of content files will be read (-1 if unknown). */
  default void started(long totalBytes) {}

  /** More input was processed: cumulative records and bytes. */
  default void progressed(long records, long bytes) {}

  /** The build finished (published or failed). */
  default void finished() {}
}
