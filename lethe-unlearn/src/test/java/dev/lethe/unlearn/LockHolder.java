package dev.lethe.unlearn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another process holding a file lock, as a writer in another JVM holds its draft's lock: locks in
 * the same JVM cannot stand for it (the JVM reports them as overlapping instead).
 */
final class LockHolder {

  private LockHolder() {}

  /** Locks {@code args[0]}, prints "locked", and holds the lock until standard input ends. */
  public static void main(String[] args) throws IOException {
    try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until the parent closes the pipe
      }
    }
  }

  /** Starts a JVM that holds the lock on {@code file}; returns once it holds it. */
  static Process start(Path file) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), file.toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    InputStream out = p.getInputStream();
    byte[] expected = "locked".getBytes(StandardCharsets.US_ASCII);
    byte[] got = out.readNBytes(expected.length);
    if (!Arrays.equals(got, expected)) {
      p.destroyForcibly();
      throw new IOException("the lock holder did not start: " + new String(got, StandardCharsets.US_ASCII));
    }
    return p;
  }

  /** Ends the holder, releasing its lock. */
  static void stop(Process p) throws Exception {
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
