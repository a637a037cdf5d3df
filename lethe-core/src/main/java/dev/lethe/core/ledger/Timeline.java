package dev.lethe.core.ledger;

import java.time.Instant;
import java.util.Arrays;

/**
 * Values that take effect at instants, appended in applied order (so instants never decrease).
 * Answers "the latest value at or before T" by binary search. Not thread-safe while being built;
 * safe to read from many threads once the ledger that owns it is published.
 */
final class Timeline<V> {
  private static final Instant[] NO_INSTANTS = new Instant[0];
  private static final long[] NO_SEQUENCES = new long[0];
  private static final Object[] NO_VALUES = new Object[0];

  // Most members have a handful of entries per timeline, many none: start empty, grow on use.
  private Instant[] at = NO_INSTANTS;
  private long[] seq = NO_SEQUENCES;
  private Object[] values = NO_VALUES;
  private int size;

  void append(Instant instant, long sequence, V value) {
    if (size > 0 && instant.isBefore(at[size - 1])) {
      throw new IllegalStateException("timeline appended out of order: " + instant + " < " + at[size - 1]);
    }
    if (size == at.length) {
      int capacity = Math.max(2, size * 2);
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
