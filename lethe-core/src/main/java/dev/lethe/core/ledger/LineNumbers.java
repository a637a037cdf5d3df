package dev.lethe.core.ledger;

import java.util.Arrays;

/**
 * The file line numbers of a ledger's events, by their index in the order read: what turns a
 * problem found at an event index ({@link LedgerException#index}, a store's refusal) back into a
 * line number for the person who wrote the file, without keeping each line. Not thread-safe.
 */
public final class LineNumbers {

  private int[] lines = new int[1024];
  private int size;

  /** Records the line number of the next event. */
  public void add(int line) {
    if (size == lines.length) {
      lines = Arrays.copyOf(lines, size * 2);
    }
    lines[size++] = line;
  }

  /**
   * The line number of the event at {@code index}.
   *
   * @throws IndexOutOfBoundsException if no event was recorded at that index
   */
  public int of(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("no event at index " + index + " of " + size);
    }
    return lines[index];
  }
}
