package dev.lethe.unlearn;

import java.util.List;

/** Arithmetic shared by the reference implementations and their fast overrides, so they agree bit for bit. */
final class Sampling {

  private static final double LN2 = Math.log(2);

  private Sampling() {}

  /** log2 of {@code p}, computed one fixed way. */
  static double log2(double p) {
    return Math.log(p) / LN2;
  }

  /**
   * The item whose cumulative probability interval holds {@code u × total}, walking {@code items}
   * in order; items with probability 0 are never picked.
   */
  static <T> T pick(List<T> items, double[] p, double total, double u) {
    double target = u * total;
    double cumulative = 0;
    int last = -1;
    for (int i = 0; i < p.length; i++) {
      if (p[i] <= 0) {
        continue;
      }
      cumulative += p[i];
      last = i;
      if (target < cumulative) {
        return items.get(i);
      }
    }
    if (last < 0) {
      throw new IllegalStateException("no token has a positive probability");
    }
    return items.get(last); // rounding left target at the very top
  }
}
