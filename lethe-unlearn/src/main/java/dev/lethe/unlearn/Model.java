package dev.lethe.unlearn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A trained language model over the tokens of {@link Tokenizer}: sentences are scored
 * independently, each padded with sentence-start context and closed by {@link Tokenizer#EOS}.
 *
 * <p>Implementations define {@link #digest}, {@link #vocabulary} and {@link #probability}; the
 * other methods have reference implementations in terms of those, which a plugin may override
 * for speed but must not change in meaning (the reference trainer's overrides are tested to
 * agree with them). Implementations are immutable and thread-safe.
 */
public interface Model {

  /** The canonical digest, {@link ShardTrainer#digest} of the model's shard artefacts. */
  String digest();

  /**
   * The tokens the model predicts: every token it has seen, {@link Tokenizer#EOS}, and {@link
   * Tokenizer#UNK} standing for every other token. The probabilities of the next token over this
   * list sum to 1 in every context.
   */
  List<String> vocabulary();

  /**
   * P(token | context), where {@code context} holds the tokens of the current sentence before
   * {@code token} (no boundary tokens; the model adds the sentence-start padding). A token outside
   * {@link #vocabulary} is scored as {@link Tokenizer#UNK}, except {@link Tokenizer#BOS}, which
   * is never predicted (probability 0). Context tokens outside the vocabulary are unknown context.
   */
  double probability(List<String> context, String token);

  /** log2 probability and token count of {@code text}, sentence by sentence, left to right. */
  default TextScore score(String text) {
    double sum = 0;
    long tokens = 0;
    for (List<String> sentence : Tokenizer.sentences(text)) {
      for (int i = 0; i <= sentence.size(); i++) {
        String next = i < sentence.size() ? sentence.get(i) : Tokenizer.EOS;
        sum += Sampling.log2(probability(sentence.subList(0, i), next));
        tokens++;
      }
    }
    return new TextScore(sum, tokens);
  }

  /**
   * Samples a continuation of the last sentence of {@code prompt}: each next token is drawn from
   * the model's distribution without {@link Tokenizer#UNK} (renormalized), by walking the
   * vocabulary in its order against one uniform draw of {@code new SplittableRandom(seed)} per
   * token. Stops after the end-of-sentence token or {@code maxTokens} tokens. Same model, prompt
   * and seed, same text.
   *
   * @throws IllegalArgumentException if {@code maxTokens} is negative
   */
  default Generation generate(String prompt, int maxTokens, long seed) {
    if (maxTokens < 0) {
      throw new IllegalArgumentException("maxTokens must not be negative");
    }
    List<List<String>> sentences = Tokenizer.sentences(prompt);
    List<String> context = new ArrayList<>(sentences.isEmpty() ? List.of() : sentences.get(sentences.size() - 1));
    List<String> vocabulary = vocabulary();
    SplittableRandom random = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    double[] p = new double[vocabulary.size()];
    while (out.size() < maxTokens) {
      double total = 0;
      for (int i = 0; i < p.length; i++) {
        p[i] = vocabulary.get(i).equals(Tokenizer.UNK) ? 0 : probability(context, vocabulary.get(i));
        total += p[i];
      }
      String next = Sampling.pick(vocabulary, p, total, random.nextDouble());
      if (next.equals(Tokenizer.EOS)) {
        return new Generation(out, Tokenizer.detokenize(out), true);
      }
      out.add(next);
      context.add(next);
    }
    return new Generation(out, Tokenizer.detokenize(out), false);
  }

  /**
   * {@code score(format.candidate(i)).log2Probability()} for every candidate {@code i} of the
   * format, in candidate order: what {@link Exposure} ranks a canary against.
   */
  default double[] scoreCandidates(CanaryFormat format) {
    double[] scores = new double[format.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = score(format.candidate(i)).log2Probability();
    }
    return scores;
  }
}
