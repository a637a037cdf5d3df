package dev.lethe.core.ledger;

import java.time.Instant;
import java.util.Arrays;

/**
 * Values that take effect at instants, appended in applied order (so instants never decrease).
 * Answers "the latest value at or before T" by binary search. Not thread-safe while being built;
 * safe to read from many threads once the ledger that owns it is published.
 */
final class Timeline<V> {
  private Instant[] at = new Instant[2];
  private long[] seq = new long[2];
  private Object[] values = new Object[2];
  private int size;

  void append(Instant instant, long sequence, V value) {
    if (size > 0 && instant.isBefore(at[size - 1])) {
      throw new IllegalStateException("timeline appended out of order: " + instant + " < " + at[size - 1]);
    }
    if (size == at.length) {
      int capacity = size * 2;
      at = Arrays.copyOf(at, capacity);
      seq = Arrays.copyOf(seq, capacity);
      values = Arrays.copyOf(values, capacity);
    }
    at[size] = instant;
    seq[size] = sequence;
    values[size] = value;
    size++;
  }

  /** Index of the last entry with instant ≤ {@code t}, or -1. */
  int lastAtOrBefore(Instant t) {
    int lo = 0;
    int hi = size - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (at[mid].compareTo(t) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  @SuppressWarnings("unchecked")
  V value(int index) {
    return (V) values[index];
  }

  long sequence(int index) {
    return seq[index];
  }

  Instant instant(int index) {
    return at[index];
  }

  int size() {
    return size;
  }

  /** The latest value at or before {@code t}, or {@code null}. */
  V latestAtOrBefore(Instant t) {
    int i = lastAtOrBefore(t);
    return i < 0 ? null : value(i);
  }
}
