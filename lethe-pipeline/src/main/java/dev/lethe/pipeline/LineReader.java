package dev.lethe.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines ({@code \n}, with a preceding {@code \r} dropped) without
 * decoding them, so that a line with invalid UTF-8 can be excluded on its own instead of failing
 * the whole file, and so decoding can happen on worker threads. A line longer than {@link
 * ContentLines#MAX_LINE_BYTES} comes back cut to one byte more than that, so memory stays bounded
 * whatever the file holds, and the record step can still tell it is too long. Public so that
 * every reader of content exports (the build's engines, forgetting's leak check) splits lines
 * exactly alike: a bare {@code \r} is JSON whitespace inside a line, never a line break. Not
 * thread-safe.
 */
public final class LineReader {
  /** The most bytes of one line kept: enough to see that it is too long. */
  private static final int KEPT = ContentLines.MAX_LINE_BYTES + 1;

  private final InputStream in;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private long consumed;

  /** Reads lines from {@code in}, which the caller closes. */
  public LineReader(InputStream in) {
    this.in = in;
  }

  /** The next line without its terminator, or null at the end of the stream. */
  public byte[] next() throws IOException {
    byte[] line = null;
    int length = 0;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return line == null ? null : trim(line, length);
        }
      }
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      int chunk = position - start;
      int keep = Math.min(chunk, KEPT - length);
      if (line == null) {
        line = new byte[Math.max(keep, 64)];
      } else if (length + keep > line.length) {
        line = Arrays.copyOf(line, Math.min(KEPT, Math.max(line.length * 2, length + keep)));
      }
      System.arraycopy(buffer, start, line, length, keep);
      length += keep;
      consumed += chunk;
      if (position < limit) {
        position++; // the newline
        consumed++;
        return trim(line, length);
      }
    }
  }

  /** Bytes consumed so far, terminators included. */
  public long consumed() {
    return consumed;
  }

  private static byte[] trim(byte[] line, int length) {
    // A cut line keeps its last byte, even a '\r', so that it stays longer than the limit.
    return length == KEPT ? Arrays.copyOf(line, length) : ContentLines.line(line, length);
  }
}
