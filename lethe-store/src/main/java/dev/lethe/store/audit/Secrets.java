package dev.lethe.store.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;

/** Writes key files once, readable by the owner only, so that a crash never leaves half a key. */
final class Secrets {

  private Secrets() {}

  /**
   * Makes {@code file} hold {@code content} unless it already exists. The content is written and
   * synced to a temporary file first, then hard-linked into place, which fails if another process
   * won the race; that process's file is then kept.
   */
  static void publish(Path file, byte[] content) throws IOException {
    write(file, content, false);
  }

  /**
   * Makes {@code file} hold {@code content}, as {@link #publish} does, but fails if the file
   * already exists: a key written for someone else never replaces a file that is there.
   *
   * @throws FileAlreadyExistsException if {@code file} exists (it is left as it was)
   */
  static void create(Path file, byte[] content) throws IOException {
    write(file, content, true);
  }

  private static void write(Path file, byte[] content, boolean mustBeNew) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the directory's own protection is all there is.
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        if (mustBeNew) {
          throw e;
        }
        // Someone else created it first: theirs is the key.
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
