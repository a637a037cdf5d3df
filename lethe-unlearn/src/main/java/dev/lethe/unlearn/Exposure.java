package dev.lethe.unlearn;

import java.util.Objects;

/**
 * Canary exposure (Carlini et al., "The Secret Sharer", USENIX Security 2019): exposure =
 * log2 |R| − log2 rank(canary), where R is the canary's candidate space ({@link CanaryFormat}) and
 * the rank orders all of R by the model's log-probability, most likely first. A canary the model
 * has memorized ranks first and has exposure log2 |R| (about 16.6 bits for 5 digits); a canary the
 * model never saw ranks like a random candidate, whose expected exposure is about log2 e ≈ 1.44
 * bits and often less.
 *
 * <p>The rank is exact: every candidate is scored ({@link Model#scoreCandidates}). Ties (equal
 * log-probabilities, e.g. candidates the model knows nothing about) are counted at their expected
 * position under a random tie-break, rank = 1 + #better + #tied/2, so that a canary drowned in a
 * tie does not look memorized.
 *
 * @param canary the canary string
 * @param candidates |R|
 * @param rank the (possibly fractional, tie-averaged) rank, 1 ≤ rank ≤ |R|
 * @param exposure log2 |R| − log2 rank, between 0 and log2 |R|
 */
public record Exposure(String canary, long candidates, double rank, double exposure) {

  /**
   * The exposure of {@code canary} in {@code model}.
   *
   * @throws IllegalArgumentException if {@code canary} is not of {@code format}
   */
  public static Exposure of(Model model, CanaryFormat format, String canary) {
    Objects.requireNonNull(model, "model");
    int index = format.indexOf(canary);
    return of(canary, model.scoreCandidates(format), index);
  }

  /** The exposure of candidate {@code index} among candidates with these log-probabilities. */
  static Exposure of(String canary, double[] scores, int index) {
    double own = scores[index];
    long better = 0;
    long tied = 0;
    for (int i = 0; i < scores.length; i++) {
      if (i == index) {
        continue;
      }
      if (scores[i] > own) {
        better++;
      } else if (scores[i] == own) {
        tied++;
      }
    }
    double rank = 1 + better + tied / 2.0;
    double exposure = Sampling.log2(scores.length) - Sampling.log2(rank);
    return new Exposure(canary, scores.length, rank, exposure);
  }
}
