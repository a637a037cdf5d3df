package dev.lethe.pipeline.meta;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientException;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Appends each event as one JSON line and fsyncs before returning. The client's own file transport
 * appends without fsync, so an event it reported as emitted could be lost in a crash; lineage is
 * audit evidence here, so it must be durable once {@code emit} returns.
 */
final class SyncedFileTransport extends Transport {

  private final Path file;

  SyncedFileTransport(Path file) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
  }

  @Override
  public void emit(OpenLineage.RunEvent event) {
    append(OpenLineageClientUtils.toJson(event));
  }

  @Override
  public void emit(OpenLineage.DatasetEvent event) {
    append(OpenLineageClientUtils.toJson(event));
  }

  @Override
  public void emit(OpenLineage.JobEvent event) {
    append(OpenLineageClientUtils.toJson(event));
  }

  private synchronized void append(String json) {
    // Compact JSON escapes control characters inside strings, so a raw newline would mean a bug.
    if (json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
      throw new OpenLineageClientException("event JSON is not a single line");
    }
    ByteBuffer line = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      boolean created = !Files.exists(file);
      try (FileChannel ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        while (line.hasRemaining()) {
          ch.write(line);
        }
        ch.force(true);
      }
      if (created) {
        // A new file's directory entry is durable only once its directory is synced.
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
          dir.force(true);
        }
      }
    } catch (IOException e) {
      throw new OpenLineageClientException("cannot append lineage event to " + file, e);
    }
  }
}
