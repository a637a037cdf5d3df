package dev.lethe.redact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import opennlp.tools.namefind.NameFinderME;
import opennlp.tools.namefind.TokenNameFinderModel;

/**
 * Other people's names, from the OpenNLP maxent name finder trained on WNUT-17 and BTC (see
 * {@code dev/lethe/redact/nlp/README.md}). The model is immutable and shared; {@link NameFinderME}
 * keeps per-document state, so each thread gets its own.
 */
final class PersonFinder {
  static final String MODEL_RESOURCE = "/dev/lethe/redact/nlp/en-person.bin";
  private static final int MAX_SENTENCE_TOKENS = 100;

  private final ThreadLocal<NameFinderME> finder;

  private PersonFinder(TokenNameFinderModel model) {
    this.finder = ThreadLocal.withInitial(() -> new NameFinderME(model));
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
    NameFinderME nf = finder.get();
    int n = tk.size;
    int s = 0;
    try {
      while (s < n) {
        int e = s + 1;
        while (e < n && e - s < MAX_SENTENCE_TOKENS && !tk.newlineBefore(e) && !sentenceEnd(tk, e - 1)) {
          e++;
        }
        sentence(nf, tk, s, e, out);
        s = e;
      }
    } finally {
      nf.clearAdaptiveData();
    }
  }

  private static boolean sentenceEnd(Tokens tk, int k) {
    char c = tk.first(k);
    return tk.length(k) == 1 && (c == '.' || c == '!' || c == '?');
  }

  private static void sentence(NameFinderME nf, Tokens tk, int s, int e, Hits out) {
    String[] toks = new String[e - s];
    boolean letters = false;
    for (int k = s; k < e; k++) {
      toks[k - s] = tk.token(k);
      letters |= tk.word(k);
    }
    if (!letters) {
      return;
    }
    opennlp.tools.util.Span[] spans = nf.find(toks);
    double[] probs = nf.probs(spans);
    List<int[]> kept = new ArrayList<>();
    for (int i = 0; i < spans.length; i++) {
      int a = s + spans[i].getStart();
      int b = s + spans[i].getEnd();
      boolean word = false;
      for (int k = a; k < b; k++) {
        word |= tk.word(k);
      }
      if (word) {
        kept.add(new int[] {a, b});
        out.add(EntityType.PERSON, tk.starts[a], tk.ends[b - 1], Math.max(0.3, Math.min(0.9, probs[i])));
      }
    }
  }
}
