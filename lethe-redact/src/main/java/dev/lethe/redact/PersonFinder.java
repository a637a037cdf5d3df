package dev.lethe.redact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import opennlp.tools.namefind.TokenNameFinderModel;

/**
 * Other people's names, from the OpenNLP maxent name finder trained on WNUT-17 and BTC (see
 * {@code dev/lethe/redact/nlp/README.md}).
 *
 * <p>Decoding is greedy, left to right, and the model is asked only about tokens that can be part
 * of a name: words that are capitalised and not common lower-case words, or that are in the name
 * list. Every other token is taken as outside a name without evaluating the model. On ordinary
 * prose most tokens are common lower-case words, so this skips most of the cost of the model
 * (feature generation and {@code GISModel.eval}), and a sentence without a candidate costs nothing.
 * The features of a candidate still see the whole sentence, as in training.
 *
 * <p>The model is evaluated by {@link PersonModel}, which gives the distributions OpenNLP's
 * {@code GISModel} would give for the features OpenNLP's context generator would build (up to
 * rounding, with the same decisions on the dev sets), without building them. The model is
 * immutable and shared; the per-document state (the adaptive data: each token's outcome in the
 * earlier sentences of the text) and the token cache are per thread.
 * As with OpenNLP's context generator, the adaptive data is updated after each sentence that has
 * a candidate, and cleared after each text.
 */
final class PersonFinder {
  static final String MODEL_RESOURCE = "/dev/lethe/redact/nlp/en-person.bin";
  private static final int MAX_SENTENCE_TOKENS = 100;
  /**
   * How much more a name outcome weighs than "other" when a token's outcome is chosen: a token is
   * taken as part of a name once the model gives that at least a fifth of the odds of "other".
   * Redaction is scored by F2, which counts a missed name four times as much as a spurious one,
   * and for such a score the best cut-off lies well below even odds (for F-beta, at about the
   * best score over 1 + beta squared). Chosen on the dev splits, which the model is not trained
   * on: from 1 to 4, PERSON F2 rises on all three (presidio-synth 0.897 to 0.901, WNUT-17 0.642
   * to 0.665, BTC 0.819 to 0.822) while presidio-synth's PERSON precision stays at 0.79; 6 gains
   * a little more but brings that precision within 0.02 of the 0.75 the issue requires.
   */
  static final double NAME_WEIGHT = 4.0;

  private final PersonModel model;
  private final int other;
  private final int start;
  private final int cont;
  private final ThreadLocal<Scratch> scratch;

  private PersonFinder(PersonModel model) {
    this.model = model;
    this.other = model.index("other");
    this.start = model.index("person-start");
    this.cont = model.index("person-cont");
    if (other < 0 || start < 0 || cont < 0) {
      throw new IllegalStateException(MODEL_RESOURCE + " is not a BIO person model");
    }
    this.scratch = ThreadLocal.withInitial(Scratch::new);
  }

  static PersonFinder load() {
    return new PersonFinder(PersonModel.compile(loadModel()));
  }

  /** The shipped model as OpenNLP reads it (for training-side tools and the equivalence test). */
  static TokenNameFinderModel loadModel() {
    try (InputStream in = PersonFinder.class.getResourceAsStream(MODEL_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(MODEL_RESOURCE + " missing from the classpath");
      }
      return new TokenNameFinderModel(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + MODEL_RESOURCE, e);
    }
  }

  /** Per-thread buffers and model session, reused from text to text. */
  private final class Scratch {
    final PersonModel.Session session = model.session();
    final double[] dist = new double[model.outcomes()];
    int[] outcomes = new int[MAX_SENTENCE_TOKENS];
    double[] probs = new double[MAX_SENTENCE_TOKENS];
  }

  void find(Tokens tk, Hits out) {
    int n = tk.size;
    boolean[] cand = null;
    boolean lowerText = tk.allLowerCase();
    for (int k = 0; k < n; k++) {
      if (candidate(tk, k, lowerText)) {
        if (cand == null) {
          cand = new boolean[n];
        }
        cand[k] = true;
      }
    }
    if (cand == null) {
      return; // nothing that can be a name: the model is not consulted at all
    }
    Scratch sc = scratch.get();
    int s = 0;
    try {
      while (s < n) {
        int e = sentenceEnd(tk, s);
        boolean any = false;
        for (int k = s; k < e && !any; k++) {
          any = cand[k];
        }
        if (any) {
          sentence(sc, tk, cand, s, e, out);
        }
        s = e;
      }
    } finally {
      sc.session.clear();
    }
  }

  /**
   * The end (exclusive) of the sentence that starts at token s: a line break, a lone ".", "!" or
   * "?", or {@value #MAX_SENTENCE_TOKENS} tokens end it.
   */
  static int sentenceEnd(Tokens tk, int s) {
    int n = tk.size;
    int e = s + 1;
    while (e < n && e - s < MAX_SENTENCE_TOKENS && !tk.newlineBefore(e) && !stop(tk, e - 1)) {
      e++;
    }
    return e;
  }

  /**
   * Whether the model is asked about token k (see the class comment). Within one text the answer
   * depends on the token's string alone, which {@link PersonModel.Session} relies on.
   */
  static boolean candidate(Tokens tk, int k, boolean lowerText) {
    if (!tk.word(k) || tk.commonWord(k)) {
      return false;
    }
    return tk.capitalized(k) || (lowerText && tk.length(k) > 2) || tk.inNameList(k);
  }

  private double weighed(int outcome, double[] dist) {
    return outcome == other ? dist[outcome] : dist[outcome] * NAME_WEIGHT;
  }

  private static boolean stop(Tokens tk, int k) {
    char c = tk.first(k);
    return tk.length(k) == 1 && (c == '.' || c == '!' || c == '?');
  }

  private void sentence(Scratch sc, Tokens tk, boolean[] cand, int s, int e, Hits out) {
    int len = e - s;
    PersonModel.Session session = sc.session;
    session.sentence(tk, s, e);
    int[] outcomes = sc.outcomes;
    double[] probs = sc.probs;
    double[] dist = sc.dist;
    int prev = other;
    for (int i = 0; i < len; i++) {
      int best = other;
      double p = 1.0;
      if (cand[s + i]) {
        session.eval(i, outcomes, dist);
        best = -1;
        for (int o = 0; o < dist.length; o++) {
          // BIO: a continuation only follows a start or a continuation.
          if (o == cont && prev == other) {
            continue;
          }
          if (best < 0 || weighed(o, dist) > weighed(best, dist)) {
            best = o;
          }
        }
        p = dist[best];
      }
      outcomes[i] = best;
      probs[i] = p;
      prev = best;
    }
    session.update(outcomes);
    int i = 0;
    while (i < len) {
      if (outcomes[i] != start) {
        i++;
        continue;
      }
      int j = i + 1;
      double sum = probs[i];
      while (j < len && outcomes[j] == cont) {
        sum += probs[j];
        j++;
      }
      boolean word = false;
      for (int k = s + i; k < s + j; k++) {
        word |= tk.word(k);
      }
      if (word) {
        double score = sum / (j - i);
        out.add(EntityType.PERSON, tk.starts[s + i], tk.ends[s + j - 1], Math.max(0.3, Math.min(0.9, score)));
      }
      i = j;
    }
  }
}
