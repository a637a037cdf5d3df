package dev.lethe.core.text;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding them: a line ends at {@code \n} only, and a
 * {@code \r} just before that {@code \n} belongs to the terminator. A bare {@code \r} is JSON
 * whitespace inside a line, never a line break, so every reader of JSON Lines (the ledger's and
 * the content exports') cuts a file into the same lines and numbers them alike. Splitting bytes
 * before decoding lets a reader say which line holds invalid UTF-8, and decode on other threads.
 *
 * <p>A line longer than {@code maxKept} bytes comes back cut to its first {@code maxKept} bytes
 * (its terminator is still consumed, so the next line starts where it should), and such a cut
 * line keeps its last byte even if that is a {@code \r}: a caller that keeps one byte more than
 * its limit can tell that the line was too long while memory stays bounded. Not thread-safe.
 */
public final class ByteLines {

  /** No practical limit: the longest array a JVM allocates. */
  public static final int UNLIMITED = Integer.MAX_VALUE - 8;

  private final InputStream in;
  private final int maxKept;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private long consumed;

  /**
   * Reads lines from {@code in}, which the caller closes.
   *
   * @param maxKept the most bytes of one line kept, at least 1; {@link #UNLIMITED} for no limit
   */
  public ByteLines(InputStream in, int maxKept) {
    if (maxKept < 1 || maxKept > UNLIMITED) {
      throw new IllegalArgumentException("maxKept must be between 1 and " + UNLIMITED + ": " + maxKept);
    }
    this.in = in;
    this.maxKept = maxKept;
  }

  /**
   * The next line without its terminator, or null at the end of the stream. The last line need
   * not end in {@code \n}; a stream ending in {@code \n} has no empty line after it.
   */
  public byte[] next() throws IOException {
    byte[] line = null;
    int length = 0;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return line == null ? null : finish(line, length);
        }
      }
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      int chunk = position - start;
      int keep = Math.min(chunk, maxKept - length);
      if (line == null) {
        line = new byte[Math.max(keep, 64)];
      } else if (length + keep > line.length) {
        long grown = Math.max(2L * line.length, (long) length + keep);
        line = Arrays.copyOf(line, (int) Math.min(maxKept, grown));
      }
      System.arraycopy(buffer, start, line, length, keep);
      length += keep;
      consumed += chunk;
      if (position < limit) {
        position++; // the newline
        consumed++;
        return finish(line, length);
      }
    }
  }

  /** Bytes consumed so far, terminators included. */
  public long consumed() {
    return consumed;
  }

  private byte[] finish(byte[] line, int length) {
    // A cut line keeps its last byte, even a '\r', so that it stays longer than the caller's limit.
    return length == maxKept ? Arrays.copyOf(line, length) : withoutTerminator(line, length);
  }

  /**
   * The first {@code length} bytes of {@code bytes} as a line: a {@code \r} at its end belongs to
   * the terminator and is dropped. Returns {@code bytes} itself when it is already exactly the
   * line.
   */
  public static byte[] withoutTerminator(byte[] bytes, int length) {
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
    }
    return bytes.length == length ? bytes : Arrays.copyOf(bytes, length);
  }
}
