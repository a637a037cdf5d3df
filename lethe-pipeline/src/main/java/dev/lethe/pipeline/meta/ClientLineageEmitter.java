package dev.lethe.pipeline.meta;

import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.OpenLineageClientException;
import io.openlineage.client.transports.Transport;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link LineageEmitter} over the OpenLineage client and one of its transports. */
final class ClientLineageEmitter implements LineageEmitter {

  private final OpenLineageClient client;
  private final Clock clock;
  private final RunEvents events = new RunEvents();
  private final AtomicBoolean closed = new AtomicBoolean();

  ClientLineageEmitter(Transport transport, Clock clock) {
    this.client = new OpenLineageClient(Objects.requireNonNull(transport, "transport"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void start(BuildRun run) {
    Objects.requireNonNull(run, "run");
    client.emit(events.start(run, now()));
  }

  @Override
  public void complete(BuildRun run, SnapshotMetadata snapshot) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(snapshot, "snapshot");
    client.emit(events.complete(run, snapshot, now()));
  }

  @Override
  public void fail(BuildRun run, Throwable cause) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(cause, "cause");
    client.emit(events.fail(run, cause, now()));
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      client.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new OpenLineageClientException("cannot close lineage transport", e);
    }
  }

  private ZonedDateTime now() {
    // UTC keeps event times comparable across machines, whatever the clock's zone.
    return ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
