package dev.lethe.verify;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads newline-terminated lines as raw bytes. Leaves are hashed byte for byte, so no charset
 * decoding and no "\r" handling may touch them; the line buffer is reused to stream a million
 * leaves without garbage.
 */
final class ByteLineReader implements Closeable {

  private final InputStream in;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private byte[] line = new byte[512];
  private int length;
  private boolean terminated = true;

  ByteLineReader(InputStream in) {
    this.in = in;
  }

  /**
   * Advances to the next line.
   *
   * @return false at end of input
   */
  boolean next() throws IOException {
    length = 0;
    boolean any = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          terminated = false;
          return any;
        }
      }
      any = true;
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      append(start, position - start);
      if (position < limit) {
        position++; // the newline ends the line and is not part of it
        terminated = true;
        return true;
      }
    }
  }

  private void append(int from, int count) {
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
    }
    System.arraycopy(buffer, from, line, length, count);
    length += count;
  }

  /** The current line's bytes, valid in {@code [0, length())} until the next call. */
  byte[] bytes() {
    return line;
  }

  /** Length of the current line, without its newline. */
  int length() {
    return length;
  }

  /** Whether the current line ended with a newline (false only for a final unterminated line). */
  boolean terminated() {
    return terminated;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
