package dev.lethe.core.ledger;

import dev.lethe.core.event.LedgerEvent;
import java.time.Instant;
import java.util.List;

/**
 * The applied order of a list of events: by instant, equal instants in list order.
 *
 * <p>Ledgers run to tens of millions of events, so this avoids comparator sorts over boxed
 * indices (a minute for 10 M events): when the seconds' range and the index fit in 63 bits
 * together, it sorts packed {@code (second, index)} longs with the primitive sort (unique keys,
 * so the result is stable by construction) and then orders each run of equal seconds by nanos;
 * otherwise it falls back to a stable merge sort of indices. Input already in order costs one
 * linear pass.
 */
final class AppliedOrder {

  private AppliedOrder() {}

  static int[] of(List<? extends LedgerEvent> events) {
    int n = events.size();
    long[] seconds = new long[n];
    int[] nanos = new int[n];
    int[] order = new int[n];
    boolean sorted = true;
    for (int i = 0; i < n; i++) {
      Instant at = events.get(i).at();
      seconds[i] = at.getEpochSecond();
      nanos[i] = at.getNano();
      order[i] = i;
      if (i > 0 && before(seconds, nanos, i, i - 1)) {
        sorted = false;
      }
    }
    if (sorted) {
      return order;
    }
    if (!packedSort(order, seconds, nanos)) {
      mergeSort(order, new int[n], 0, n, seconds, nanos);
    }
    return order;
  }

  /** Sorts by packed (second, index) keys; returns false if they do not fit in a long. */
  private static boolean packedSort(int[] order, long[] seconds, int[] nanos) {
    int n = order.length;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long s : seconds) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    long range = max - min;
    if (range < 0) {
      return false; // overflow: instants span more than a long of seconds
    }
    int indexBits = Math.max(1, 64 - Long.numberOfLeadingZeros(n - 1));
    int secondBits = 64 - Long.numberOfLeadingZeros(range);
    if (indexBits + secondBits > 63) {
      return false;
    }
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = ((seconds[i] - min) << indexBits) | i;
    }
    java.util.Arrays.sort(keys);
    long indexMask = (1L << indexBits) - 1;
    for (int i = 0; i < n; i++) {
      order[i] = (int) (keys[i] & indexMask);
    }
    // Within a run of equal seconds indices ascend; order the run by nanos, stably.
    int[] scratch = null;
    int runStart = 0;
    for (int i = 1; i <= n; i++) {
      if (i == n || seconds[order[i]] != seconds[order[runStart]]) {
        if (i - runStart > 1) {
          if (scratch == null) {
            scratch = new int[n];
          }
          mergeSort(order, scratch, runStart, i, seconds, nanos);
        }
        runStart = i;
      }
    }
    return true;
  }

  private static boolean before(long[] seconds, int[] nanos, int a, int b) {
    return seconds[a] < seconds[b] || (seconds[a] == seconds[b] && nanos[a] < nanos[b]);
  }

  /** Sorts {@code a[from, to)} stably; {@code tmp} is scratch space of the same length. */
  private static void mergeSort(int[] a, int[] tmp, int from, int to, long[] seconds, int[] nanos) {
    if (to - from <= 32) {
      for (int i = from + 1; i < to; i++) {
        int x = a[i];
        int j = i - 1;
        while (j >= from && before(seconds, nanos, x, a[j])) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = x;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, tmp, from, mid, seconds, nanos);
    mergeSort(a, tmp, mid, to, seconds, nanos);
    if (!before(seconds, nanos, a[mid], a[mid - 1])) {
      return; // already in order across the halves
    }
    System.arraycopy(a, from, tmp, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      // Take from the right half only when strictly earlier: ties keep list order.
      if (j < to && (i >= mid || before(seconds, nanos, tmp[j], tmp[i]))) {
        a[k] = tmp[j++];
      } else {
        a[k] = tmp[i++];
      }
    }
  }
}
