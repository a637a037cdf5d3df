package dev.lethe.redact;

import java.util.Arrays;

/**
 * Candidate spans in UTF-16 offsets, gathered from all recognizers for one text. Kept as parallel
 * primitive arrays because a busy snapshot build creates one per record.
 */
final class Hits {
  EntityType[] types = new EntityType[16];
  int[] starts = new int[16];
  int[] ends = new int[16];
  double[] scores = new double[16];
  int size;

  void add(EntityType type, int start, int end, double score) {
    if (end <= start) {
      return;
    }
    if (size == starts.length) {
      int n = size * 2;
      types = Arrays.copyOf(types, n);
      starts = Arrays.copyOf(starts, n);
      ends = Arrays.copyOf(ends, n);
      scores = Arrays.copyOf(scores, n);
    }
    types[size] = type;
    starts[size] = start;
    ends[size] = end;
    scores[size] = score;
    size++;
  }

  /** Whether an existing hit of this type overlaps [start, end). */
  boolean covers(EntityType type, int start, int end) {
    for (int i = 0; i < size; i++) {
      if (types[i] == type && starts[i] < end && start < ends[i]) {
        return true;
      }
    }
    return false;
  }

  /** Removes the hits from index {@code from} on whose score is negative, keeping the order. */
  void removeNegative(int from) {
    int w = from;
    for (int r = from; r < size; r++) {
      if (scores[r] >= 0) {
        types[w] = types[r];
        starts[w] = starts[r];
        ends[w] = ends[r];
        scores[w] = scores[r];
        w++;
      }
    }
    size = w;
  }
}
