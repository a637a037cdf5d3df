package dev.lethe.pipeline.meta;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Emits the OpenLineage RunEvents of snapshot builds: one START, then one COMPLETE or one FAIL, all
 * for the same {@link BuildRun}. Events are built and sent with the official OpenLineage Java
 * client; their {@code eventTime} comes from the emitter's clock.
 *
 * <p>Failures are the caller's to decide on: if an event cannot be delivered (HTTP error status,
 * connection failure, timeout, file I/O error), the method throws an unchecked {@link
 * io.openlineage.client.OpenLineageClientException}; nothing is retried or swallowed here.
 *
 * <p>COMPLETE describes the output dataset with the facets {@code schema} (content, kind, text),
 * {@code dataSource}, {@code outputStatistics} (rowCount = included records, size = total shard
 * bytes, fileCount = shards) and the custom facet {@value #CONSENT_FACET} (snapshot id, purpose,
 * policy version, as-of instant, included, excluded by reason, redactions by entity type). FAIL
 * carries an {@code errorMessage} run facet built from the cause: callers must not put personal data
 * into exception messages.
 *
 * <p>Implementations are safe for use by one build at a time; the file emitter serializes appends.
 */
public interface LineageEmitter extends AutoCloseable {

  /** Name of Lethe's custom output-dataset facet. */
  String CONSENT_FACET = "lethe_consent";

  /** Emits START for the run. */
  void start(BuildRun run);

  /** Emits COMPLETE for the run, describing the published snapshot. */
  void complete(BuildRun run, SnapshotMetadata snapshot);

  /** Emits FAIL for the run, with the cause as an error-message facet. */
  void fail(BuildRun run, Throwable cause);

  /** Releases the transport (HTTP connections); idempotent. */
  @Override
  void close();

  /**
   * Appends each event as one line of JSON to {@code file} (JSON Lines), creating it if needed; each
   * append is flushed and fsync'ed before the method returns, so an emitted event survives a crash.
   */
  static LineageEmitter toFile(Path file, Clock clock) {
    return new ClientLineageEmitter(new SyncedFileTransport(file), clock);
  }

  /**
   * POSTs each event to {@code baseUrl + "/api/v1/lineage"}, the endpoint of Marquez and other
   * OpenLineage HTTP consumers; a status outside 2xx is an error.
   *
   * @param baseUrl e.g. {@code http://localhost:5000}; may carry a path prefix
   * @param timeout connect and response timeout of each POST
   */
  static LineageEmitter toHttp(URI baseUrl, Duration timeout, Clock clock) {
    return new ClientLineageEmitter(HttpTransports.marquez(baseUrl, timeout), clock);
  }

  /** Builds every event (so bad arguments still fail fast) and sends none. */
  static LineageEmitter noop(Clock clock) {
    return new ClientLineageEmitter(new io.openlineage.client.transports.NoopTransport(), clock);
  }
}
