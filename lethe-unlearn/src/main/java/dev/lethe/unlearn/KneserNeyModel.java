package dev.lethe.unlearn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The aggregate of shard Kneser–Ney models: P(w | h) = Σ_s π_s · P_s(w | h) with π_s = tokens_s /
 * Σ tokens, the shards' predicted-token counts. Token weighting keeps a one-shard model and a
 * many-shard model of the same data on the same scale and lets a large shard count for more than
 * a tiny one; a mixture of distributions is a distribution, so probabilities still sum to 1.
 *
 * <p>All shards share one vocabulary V: the union of their tokens, {@link Tokenizer#EOS} and
 * {@link Tokenizer#UNK} ({@link Tokenizer#BOS} is context only). Each shard's unigram level
 * interpolates with 1/|V| over that shared V, so a token another shard saw, or an unknown one,
 * keeps a small probability in every shard. Shards are summed in shard order; the result is a
 * deterministic function of the artefacts. Immutable and thread-safe.
 */
final class KneserNeyModel implements Model {

  private final String digest;
  private final int order;
  private final KneserNeyShard[] shards;
  private final double[] weights;
  /** Global ids: positions in {@code tokens} (sorted, BOS and EOS included); UNK is tokens.length. */
  private final String[] tokens;
  private final Map<String, Integer> index;
  private final int unk;
  private final int bos;
  private final int eos;
  /** toLocal[s][global id] = the shard's id of that token, or −1. */
  private final int[][] toLocal;
  private final double uniform;
  /** False when no shard has a token: the model is then uniform over its vocabulary. */
  private final boolean anyWeight;
  /** Predicted ids in vocabulary order (UNK last) and the vocabulary as strings. */
  private final int[] vocabularyIds;
  private final List<String> vocabulary;

  KneserNeyModel(String digest, int order, List<KneserNeyShard> shardList) {
    this.digest = digest;
    this.order = order;
    this.shards = shardList.toArray(KneserNeyShard[]::new);
    TreeSet<String> union = new TreeSet<>(List.of(Tokenizer.BOS, Tokenizer.EOS));
    long total = 0;
    for (KneserNeyShard s : shards) {
      Collections.addAll(union, s.vocabulary);
      total += s.tokens;
    }
    this.tokens = union.toArray(String[]::new);
    this.index = new HashMap<>(tokens.length * 2);
    for (int i = 0; i < tokens.length; i++) {
      index.put(tokens[i], i);
    }
    this.unk = tokens.length;
    this.bos = index.get(Tokenizer.BOS);
    this.eos = index.get(Tokenizer.EOS);
    this.anyWeight = total > 0;
    this.weights = new double[shards.length];
    for (int s = 0; s < shards.length; s++) {
      weights[s] = total == 0 ? 0 : (double) shards[s].tokens / total;
    }
    this.toLocal = new int[shards.length][];
    for (int s = 0; s < shards.length; s++) {
      int[] map = new int[tokens.length + 1];
      Arrays.fill(map, -1);
      String[] local = shards[s].vocabulary;
      for (int i = 0; i < local.length; i++) {
        map[index.get(local[i])] = i;
      }
      toLocal[s] = map;
    }
    // |V| = the union without BOS, plus UNK: as many entries as tokens has.
    this.uniform = 1.0 / tokens.length;
    this.vocabularyIds = new int[tokens.length];
    List<String> names = new ArrayList<>(tokens.length);
    int v = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (i != bos) {
        vocabularyIds[v++] = i;
        names.add(tokens[i]);
      }
    }
    vocabularyIds[v] = unk;
    names.add(Tokenizer.UNK);
    this.vocabulary = List.copyOf(names);
  }

  /** Builds the model from artefacts, checking each against the order. */
  static KneserNeyModel of(String digest, int order, List<ShardModel> artefacts) {
    List<ShardModel> sorted = new ArrayList<>(artefacts);
    sorted.sort(Comparator.comparingInt(ShardModel::shard));
    List<KneserNeyShard> shards = new ArrayList<>(sorted.size());
    for (ShardModel m : sorted) {
      shards.add(KneserNeyShard.of(KneserNeyCounts.decode(m.bytes(), order)));
    }
    return new KneserNeyModel(digest, order, shards);
  }

  @Override
  public String digest() {
    return digest;
  }

  @Override
  public List<String> vocabulary() {
    return vocabulary;
  }

  @Override
  public double probability(List<String> context, String token) {
    int id = id(token);
    if (id == bos) {
      return 0;
    }
    int[] seq = new int[order];
    Arrays.fill(seq, bos);
    int from = Math.max(0, context.size() - (order - 1));
    for (int i = from; i < context.size(); i++) {
      seq[order - 1 - (context.size() - i)] = id(context.get(i));
    }
    seq[order - 1] = id;
    double[] out = new double[1];
    fill(seq, order - 1, new int[] {id}, out);
    return out[0];
  }

  @Override
  public TextScore score(String text) {
    double sum = 0;
    long count = 0;
    double[] out = new double[1];
    int[] candidate = new int[1];
    for (List<String> sentence : Tokenizer.sentences(text)) {
      int[] seq = sequence(sentence);
      for (int pos = order - 1; pos < seq.length; pos++) {
        candidate[0] = seq[pos];
        out[0] = 0;
        fill(seq, pos, candidate, out);
        sum += Sampling.log2(out[0]);
        count++;
      }
    }
    return new TextScore(sum, count);
  }

  @Override
  public Generation generate(String prompt, int maxTokens, long seed) {
    if (maxTokens < 0) {
      throw new IllegalArgumentException("maxTokens must not be negative");
    }
    List<List<String>> sentences = Tokenizer.sentences(prompt);
    List<String> context = new ArrayList<>(sentences.isEmpty() ? List.of() : sentences.get(sentences.size() - 1));
    int[] seq = new int[order];
    Arrays.fill(seq, bos);
    for (int i = Math.max(0, context.size() - (order - 1)); i < context.size(); i++) {
      seq[order - 1 - (context.size() - i)] = id(context.get(i));
    }
    // The candidates are the vocabulary without UNK, in vocabulary order, as the default walks it.
    int[] candidates = Arrays.copyOf(vocabularyIds, vocabularyIds.length - 1);
    double[] p = new double[candidates.length];
    SplittableRandom random = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    while (out.size() < maxTokens) {
      Arrays.fill(p, 0);
      fill(seq, order - 1, candidates, p);
      double total = 0;
      for (double x : p) {
        total += x;
      }
      String next = Sampling.pick(vocabulary, p, total, random.nextDouble());
      if (next.equals(Tokenizer.EOS)) {
        return new Generation(out, Tokenizer.detokenize(out), true);
      }
      out.add(next);
      // Slide the context window (seq[0..n-2]); seq[n-1] is only the candidate slot.
      System.arraycopy(seq, 1, seq, 0, order - 2);
      seq[order - 2] = id(next);
    }
    return new Generation(out, Tokenizer.detokenize(out), false);
  }

  /**
   * Exact scores of all 10^d candidates by depth-first search over the digit positions: the
   * probabilities of the ten digits are computed once per prefix of digits, so the cost is about
   * 1.1 × 10^d context walks instead of 10^d full scorings. Sums run in the same left-to-right order
   * as {@link #score}, so every value equals {@code score(candidate).log2Probability()} exactly.
   */
  @Override
  public double[] scoreCandidates(CanaryFormat format) {
    // Digits tokenize one per token, so the two templates differ exactly at the digit positions.
    List<String> zeros = flatten(format.candidate(0));
    List<String> ones = flatten(format.candidate((format.size() - 1) / 9));
    int start = -1;
    int differing = 0;
    if (zeros.size() == ones.size()) {
      for (int i = 0; i < zeros.size(); i++) {
        if (!zeros.get(i).equals(ones.get(i))) {
          start = start < 0 ? i : start;
          differing++;
        }
      }
    }
    if (start < 0 || differing != format.digits()) {
      // Not one run of digit tokens (cannot happen with this tokenizer): the reference is always right.
      return Model.super.scoreCandidates(format);
    }
    int[] seq = zeros.stream().mapToInt(this::id).toArray();
    boolean[] predicted = predictedPositions(format.candidate(0), seq.length);
    double prefix = 0;
    double[] one = new double[1];
    int[] candidate = new int[1];
    for (int pos = 0; pos < start; pos++) {
      if (predicted[pos]) {
        candidate[0] = seq[pos];
        one[0] = 0;
        fill(seq, pos, candidate, one);
        prefix += Sampling.log2(one[0]);
      }
    }
    int[] digitIds = new int[10];
    for (int d = 0; d < 10; d++) {
      digitIds[d] = id(Integer.toString(d));
    }
    double[] scores = new double[format.size()];
    new Search(seq, predicted, start, format.digits(), digitIds, scores).run(0, 0, prefix);
    return scores;
  }

  /** The depth-first search of {@link #scoreCandidates}. */
  private final class Search {
    final int[] seq;
    final boolean[] predicted;
    final int start;
    final int digits;
    final int[] digitIds;
    final double[] scores;
    final double[][] level;
    final double[] one = new double[1];
    final int[] candidate = new int[1];

    Search(int[] seq, boolean[] predicted, int start, int digits, int[] digitIds, double[] scores) {
      this.seq = seq;
      this.predicted = predicted;
      this.start = start;
      this.digits = digits;
      this.digitIds = digitIds;
      this.scores = scores;
      this.level = new double[digits][10];
    }

    void run(int depth, int number, double sum) {
      if (depth == digits) {
        double total = sum;
        for (int pos = start + digits; pos < seq.length; pos++) {
          if (predicted[pos]) {
            candidate[0] = seq[pos];
            one[0] = 0;
            fill(seq, pos, candidate, one);
            total += Sampling.log2(one[0]);
          }
        }
        scores[number] = total;
        return;
      }
      double[] p = level[depth];
      Arrays.fill(p, 0);
      fill(seq, start + depth, digitIds, p);
      for (int d = 0; d < 10; d++) {
        seq[start + depth] = digitIds[d];
        run(depth + 1, number * 10 + d, sum + Sampling.log2(p[d]));
      }
    }
  }

  /** The tokens of {@code text} as scored: each sentence as n−1 BOS, its tokens, EOS. */
  private List<String> flatten(String text) {
    List<String> all = new ArrayList<>();
    for (List<String> sentence : Tokenizer.sentences(text)) {
      all.addAll(Collections.nCopies(order - 1, Tokenizer.BOS));
      all.addAll(sentence);
      all.add(Tokenizer.EOS);
    }
    return all;
  }

  private boolean[] predictedPositions(String text, int length) {
    boolean[] predicted = new boolean[length];
    int pos = 0;
    for (List<String> sentence : Tokenizer.sentences(text)) {
      pos += order - 1;
      for (int i = 0; i <= sentence.size(); i++) {
        predicted[pos++] = true;
      }
    }
    return predicted;
  }

  private int[] sequence(List<String> sentence) {
    int[] seq = new int[order - 1 + sentence.size() + 1];
    Arrays.fill(seq, 0, order - 1, bos);
    for (int i = 0; i < sentence.size(); i++) {
      seq[order - 1 + i] = id(sentence.get(i));
    }
    seq[seq.length - 1] = eos;
    return seq;
  }

  private int id(String token) {
    Integer id = index.get(token);
    return id == null ? unk : id;
  }

  /**
   * Adds P(candidate | context) to {@code out} for each candidate, where the context is the n−1
   * ids before {@code seq[pos]}. Never called with BOS as a candidate.
   */
  private void fill(int[] seq, int pos, int[] candidates, double[] out) {
    if (!anyWeight) {
      for (int i = 0; i < candidates.length; i++) {
        out[i] += uniform;
      }
      return;
    }
    int[] localContext = new int[order - 1];
    KneserNeyShard.Node[] nodes = new KneserNeyShard.Node[order];
    for (int s = 0; s < shards.length; s++) {
      if (weights[s] == 0) {
        continue;
      }
      int[] map = toLocal[s];
      for (int j = 0; j < order - 1; j++) {
        localContext[j] = map[seq[pos - (order - 1) + j]];
      }
      KneserNeyShard shard = shards[s];
      int found = shard.contexts(localContext, nodes);
      double w = weights[s];
      for (int i = 0; i < candidates.length; i++) {
        out[i] += w * shard.probability(nodes, found, map[candidates[i]], uniform);
      }
    }
  }
}
