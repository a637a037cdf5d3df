package dev.lethe.redact;

import dev.lethe.redact.nlp.CommonWords;
import dev.lethe.redact.nlp.NameGazetteer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import opennlp.tools.ml.model.MaxentModel;
import opennlp.tools.namefind.NameContextGenerator;
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
 * <p>The model is immutable and shared; the context generator keeps per-document state (its
 * feature cache and the previous-outcome map), so each thread gets its own.
 */
final class PersonFinder {
  static final String MODEL_RESOURCE = "/dev/lethe/redact/nlp/en-person.bin";
  private static final int MAX_SENTENCE_TOKENS = 100;
  private static final Object[] NO_CONTEXT = new String[0][0];

  private final MaxentModel model;
  private final int other;
  private final int start;
  private final int cont;
  private final String[] outcomeNames;
  private final ThreadLocal<NameContextGenerator> contexts;

  private PersonFinder(TokenNameFinderModel model) {
    this.model = model.getArtifact("nameFinder.model");
    this.other = this.model.getIndex("other");
    this.start = this.model.getIndex("person-start");
    this.cont = this.model.getIndex("person-cont");
    if (other < 0 || start < 0 || cont < 0) {
      throw new IllegalStateException(MODEL_RESOURCE + " is not a BIO person model");
    }
    this.outcomeNames = new String[this.model.getNumOutcomes()];
    for (int i = 0; i < outcomeNames.length; i++) {
      outcomeNames[i] = this.model.getOutcome(i);
    }
    this.contexts = ThreadLocal.withInitial(() -> model.getFactory().createContextGenerator());
  }

  static PersonFinder load() {
    try (InputStream in = PersonFinder.class.getResourceAsStream(MODEL_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(MODEL_RESOURCE + " missing from the classpath");
      }
      return new PersonFinder(new TokenNameFinderModel(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + MODEL_RESOURCE, e);
    }
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
    NameContextGenerator cg = contexts.get();
    int s = 0;
    try {
      while (s < n) {
        int e = s + 1;
        boolean any = cand[s];
        while (e < n && e - s < MAX_SENTENCE_TOKENS && !tk.newlineBefore(e) && !sentenceEnd(tk, e - 1)) {
          any |= cand[e];
          e++;
        }
        if (any) {
          sentence(cg, tk, cand, s, e, out);
        }
        s = e;
      }
    } finally {
      cg.clearAdaptiveData();
    }
  }

  /** Whether the model is asked about token k (see the class comment). */
  private static boolean candidate(Tokens tk, int k, boolean lowerText) {
    if (!tk.word(k)) {
      return false;
    }
    String f = NameGazetteer.fold(tk.token(k)); // once, for both lists
    if (CommonWords.containsFolded(f)) {
      return false;
    }
    return tk.capitalized(k) || (lowerText && tk.length(k) > 2) || NameGazetteer.containsFolded(f);
  }

  private static boolean sentenceEnd(Tokens tk, int k) {
    char c = tk.first(k);
    return tk.length(k) == 1 && (c == '.' || c == '!' || c == '?');
  }

  private void sentence(NameContextGenerator cg, Tokens tk, boolean[] cand, int s, int e, Hits out) {
    int len = e - s;
    String[] toks = new String[len];
    for (int k = s; k < e; k++) {
      toks[k - s] = tk.token(k);
    }
    String[] outcomes = new String[len];
    double[] probs = new double[len];
    int prev = other;
    for (int i = 0; i < len; i++) {
      int best = other;
      double p = 1.0;
      if (cand[s + i]) {
        double[] dist = model.eval(cg.getContext(i, toks, outcomes, NO_CONTEXT));
        best = -1;
        for (int o = 0; o < dist.length; o++) {
          // BIO: a continuation only follows a start or a continuation.
          if (o == cont && prev == other) {
            continue;
          }
          if (best < 0 || dist[o] > dist[best]) {
            best = o;
          }
        }
        p = dist[best];
      }
      outcomes[i] = outcomeNames[best];
      probs[i] = p;
      prev = best;
    }
    cg.updateAdaptiveData(toks, outcomes);
    int i = 0;
    while (i < len) {
      if (!outcomes[i].equals(outcomeNames[start])) {
        i++;
        continue;
      }
      int j = i + 1;
      double sum = probs[i];
      while (j < len && outcomes[j].equals(outcomeNames[cont])) {
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
