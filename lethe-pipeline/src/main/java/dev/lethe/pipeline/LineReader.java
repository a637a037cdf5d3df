package dev.lethe.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines ({@code \n}, with a preceding {@code \r} dropped) without
 * decoding them, so that a line with invalid UTF-8 can be excluded on its own instead of failing
 * the whole file, and so decoding can happen on worker threads. Not thread-safe.
 */
final class LineReader {
  private final InputStream in;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private long consumed;

  LineReader(InputStream in) {
    this.in = in;
  }

  /** The next line without its terminator, or null at the end of the stream. */
  byte[] next() throws IOException {
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
      if (line == null) {
        line = new byte[Math.max(chunk, 64)];
      } else if (length + chunk > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, length + chunk));
      }
      System.arraycopy(buffer, start, line, length, chunk);
      length += chunk;
      consumed += chunk;
      if (position < limit) {
        position++; // the newline
        consumed++;
        return trim(line, length);
      }
    }
  }

  /** Bytes consumed so far, terminators included. */
  long consumed() {
    return consumed;
  }

  private static byte[] trim(byte[] line, int length) {
    return ContentLines.line(line, length);
  }
}
