package dev.lethe.unlearn;

/**
 * How well a model predicts a text.
 *
 * @param log2Probability the sum of log2 P(token | context) over every predicted token
 * @param tokens how many tokens were predicted (each sentence's end-of-sentence token included)
 */
public record TextScore(double log2Probability, long tokens) {

  /** No text. */
  public static final TextScore EMPTY = new TextScore(0, 0);

  /** Perplexity: 2 to the minus average log2 probability per token; 1 for no tokens. */
  public double perplexity() {
    return tokens == 0 ? 1.0 : Math.pow(2, -log2Probability / tokens);
  }

  /** The score of this text followed by {@code other} (sentences are scored independently). */
  public TextScore plus(TextScore other) {
    return new TextScore(log2Probability + other.log2Probability, tokens + other.tokens);
  }
}
