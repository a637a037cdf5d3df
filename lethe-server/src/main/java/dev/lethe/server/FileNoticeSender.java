package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The default sender: appends each notice as one JSON line to a file that a mail system can pick
 * up, and forces it to disk before returning, so that a notice recorded as sent is on disk.
 */
public final class FileNoticeSender implements NoticeSender {

  private final Path file;

  /** Appends to {@code file}, creating it and its directory on first use. */
  public FileNoticeSender(Path file) {
    this.file = file;
  }

  /** The file notices are appended to. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void send(List<Notice> notices) throws IOException {
    if (notices.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (Notice n : notices) {
      ObjectNode o = Json.object();
      o.put("member", n.member());
      o.put("policy_version", n.policyVersion());
      o.put("effective", Rfc3339.format(n.effective()));
      o.put("created_at", Rfc3339.format(n.createdAt()));
      lines.append(o).append('\n');
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }
}
