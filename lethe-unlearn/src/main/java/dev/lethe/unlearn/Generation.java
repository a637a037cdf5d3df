package dev.lethe.unlearn;

import java.util.List;

/**
 * Text sampled from a model.
 *
 * @param tokens the sampled tokens, without the end-of-sentence token
 * @param text the tokens joined by {@link Tokenizer#detokenize}
 * @param ended true if sampling stopped at the end-of-sentence token, false at the token limit
 */
public record Generation(List<String> tokens, String text, boolean ended) {

  public Generation {
    tokens = List.copyOf(tokens);
  }
}
