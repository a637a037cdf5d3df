package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.redact.eval.Datasets;
import dev.lethe.redact.eval.LabeledText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import opennlp.tools.ml.model.MaxentModel;
import opennlp.tools.namefind.NameContextGenerator;
import opennlp.tools.namefind.TokenNameFinderModel;
import opennlp.tools.util.StringUtil;
import opennlp.tools.util.featuregen.FeatureGeneratorUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PersonModel} against OpenNLP itself: for every token of every sentence of the labeled
 * development files, the distribution of {@code GISModel.eval(contextGenerator.getContext(...))}
 * and of the compiled model, with the same previous outcomes and the same adaptive data. The
 * compiled model adds the same parameters in another order (and uses {@code Math.exp}), so the
 * probabilities may differ in the last bits: they must agree to 1e-9, and the greedy decision
 * must be the same on every token.
 */
class PersonModelTest {
  private static final String[] DEV = {"wnut17/dev.conll", "btc/dev.conll", "presidio-synth/dev.json"};
  private static TokenNameFinderModel opennlp;
  private static PersonModel compiled;

  @BeforeAll
  static void load() {
    opennlp = PersonFinder.loadModel();
    compiled = PersonModel.compile(opennlp);
  }

  /** The texts as Lethe sees them: its tokens, cut into sentences as {@link PersonFinder} cuts them. */
  @Test
  void sameDistributionsAsOpenNlpOnDevTextsAsLetheTokenizesThem() throws IOException {
    Comparison c = new Comparison(compiled.session());
    for (String file : DEV) {
      for (LabeledText t : Datasets.read(EvaluationTest.data().resolve(file))) {
        Tokens tk = Tokens.of(t.text());
        List<String[]> sentences = new ArrayList<>();
        for (int s = 0; s < tk.size; ) {
          int e = PersonFinder.sentenceEnd(tk, s);
          String[] toks = new String[e - s];
          for (int k = s; k < e; k++) {
            toks[k - s] = tk.token(k);
          }
          sentences.add(toks);
          s = e;
        }
        c.document(sentences);
      }
    }
    c.check();
  }

  /**
   * As {@link PersonFinder} uses it: only the tokens it asks about are evaluated (the others are
   * taken as outside a name), sentences without one are skipped, and the session reads the strings
   * from the text's tokens and records adaptive data for the evaluated tokens only, while OpenNLP
   * records every token of the sentence.
   */
  @Test
  void sameDistributionsAsOpenNlpOnTheTokensPersonFinderAsksAbout() throws IOException {
    Comparison c = new Comparison(compiled.session());
    for (String file : DEV) {
      for (LabeledText t : Datasets.read(EvaluationTest.data().resolve(file))) {
        c.asked(Tokens.of(t.text()));
        c.asked(Tokens.of(t.text().toLowerCase(java.util.Locale.ROOT)));
      }
    }
    c.check(10_000, 200);
  }

  /**
   * The corpora's own tokens (odd ones included: lone commas, emoji, URLs), eight consecutive
   * sentences to a document so that the adaptive data carries across sentences.
   */
  @Test
  void sameDistributionsAsOpenNlpOnDevCorpusTokens() throws IOException {
    // A cache of 16 tokens: tokens are dropped all the time, also within their sentence, and their
    // adaptive data must survive that.
    Comparison c = new Comparison(compiled.session(16));
    for (String file : new String[] {DEV[0], DEV[1]}) {
      List<String[]> doc = new ArrayList<>();
      for (Datasets.TaggedSentence s : Datasets.readConllSentences(EvaluationTest.data().resolve(file))) {
        doc.add(s.tokens().toArray(String[]::new));
        if (doc.size() == 8) {
          c.document(doc);
          doc = new ArrayList<>();
        }
      }
      c.document(doc);
    }
    c.check();
  }

  /**
   * A cache of one set of four: five distinct tokens of one evaluation cannot all be in it, so the
   * session must pin the window's tokens, use its spare slots, look up again the tokens of the
   * sentence at hand whose slots were reused, and keep the adaptive data of each token through all
   * that, both from strings and from a text's tokens.
   */
  @Test
  void sameDistributionsAsOpenNlpWithACacheOfOneSet() throws IOException {
    Comparison strings = new Comparison(compiled.session(4));
    Comparison texts = new Comparison(compiled.session(4));
    for (String file : new String[] {DEV[0], DEV[1]}) {
      List<String[]> doc = new ArrayList<>();
      for (Datasets.TaggedSentence s : Datasets.readConllSentences(EvaluationTest.data().resolve(file))) {
        doc.add(s.tokens().toArray(String[]::new));
        if (doc.size() == 8) {
          strings.document(doc);
          doc = new ArrayList<>();
        }
      }
      strings.document(doc);
    }
    strings.check();
    for (String file : DEV) {
      for (LabeledText t : Datasets.read(EvaluationTest.data().resolve(file))) {
        texts.asked(Tokens.of(t.text()));
      }
    }
    texts.check(5_000, 100);
  }

  @Test
  void sessionForgetsTheAdaptiveDataOfTheLastDocument() {
    PersonModel.Session s = compiled.session();
    String[] toks = {"Sam", "said", "so"};
    double[] fresh = new double[compiled.outcomes()];
    s.sentence(toks, toks.length);
    s.eval(0, new int[3], fresh);
    s.update(new int[] {compiled.index("person-start"), 0, 0});
    double[] adapted = new double[compiled.outcomes()];
    s.sentence(toks, toks.length);
    s.eval(0, new int[3], adapted);
    assertThat(adapted).isNotEqualTo(fresh);
    s.clear();
    double[] again = new double[compiled.outcomes()];
    s.sentence(toks, toks.length);
    s.eval(0, new int[3], again);
    assertThat(again).isEqualTo(fresh);
  }

  @Test
  void lowerCaseIsOpenNlps() {
    for (int c = 0; c < 0x3000; c++) {
      String t = "x" + (char) c + "Y";
      assertThat(PersonModel.lowerCase(t)).isEqualTo(StringUtil.toLowerCase(t));
    }
    for (String t : new String[] {"", "abc", "ABC", "Émile", "İstanbul", "ΣΑΣ", "a😀B"}) {
      assertThat(PersonModel.lowerCase(t)).isEqualTo(StringUtil.toLowerCase(t));
    }
  }

  /** Every token of every labeled file, as the corpora and as Lethe cut them, and odd strings. */
  @Test
  void tokenClassIsOpenNlps() throws IOException {
    java.util.Set<String> tokens = new java.util.HashSet<>();
    for (String file : new String[] {"wnut17/train.conll", "wnut17/dev.conll", "btc/train.conll", "btc/dev.conll"}) {
      for (Datasets.TaggedSentence s : Datasets.readConllSentences(EvaluationTest.data().resolve(file))) {
        tokens.addAll(s.tokens());
      }
    }
    for (String file : new String[] {"wnut17/dev.conll", "btc/dev.conll", "presidio-synth/dev.json"}) {
      for (LabeledText t : Datasets.read(EvaluationTest.data().resolve(file))) {
        Tokens tk = Tokens.of(t.text());
        for (int k = 0; k < tk.size; k++) {
          tokens.add(tk.token(k));
        }
      }
    }
    assertThat(tokens).hasSizeGreaterThan(35_000);
    // Every ASCII char alone, after a capital, between digits and in short mixes.
    String odd = "Aa0.,/-_'@#Z9zÄÖÜäé日ひカ・ー〜";
    for (char c = 0; c < 128; c++) {
      tokens.addAll(List.of("" + c, "A" + c, c + "a", "1" + c + "2", "12" + c, "A" + c + "B", c + ".", "1234" + c));
    }
    for (int a = 0; a < odd.length(); a++) {
      for (int b = 0; b < odd.length(); b++) {
        tokens.add("" + odd.charAt(a) + odd.charAt(b));
        for (int c = 0; c < odd.length(); c++) {
          tokens.add("" + odd.charAt(a) + odd.charAt(b) + odd.charAt(c));
        }
      }
    }
    List<String> wrong = new ArrayList<>();
    for (String t : tokens) {
      String expected = FeatureGeneratorUtil.tokenFeature(t);
      if (!PersonModel.tokenClassName(t).equals(expected) && wrong.size() < 10) {
        wrong.add(t + ": " + PersonModel.tokenClassName(t) + " vs " + expected);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void refusesAModelTrainedWithOtherFeatures() {
    assertThat(PersonModel.DESCRIPTOR.replaceAll("\\s+", ""))
        .isEqualTo(new String((byte[]) opennlp.getArtifact("generator.featuregen"),
            java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", ""));
    assertThatThrownBy(() -> PersonModel.checkDescriptor(PersonModel.DESCRIPTOR.replace(
            "<int name=\"length\">3</int>", "<int name=\"length\">4</int>").getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("other features");
  }

  /** Runs OpenNLP and the compiled model side by side, decoding greedily from OpenNLP's answers. */
  private static final class Comparison {
    private final MaxentModel reference = opennlp.getArtifact("nameFinder.model");
    private final NameContextGenerator generator = opennlp.getFactory().createContextGenerator();
    private final PersonModel.Session session;
    private final int other = compiled.index("other");
    private final int cont = compiled.index("person-cont");
    private final int[] chosen = new int[compiled.outcomes()];
    private final List<String> mismatches = new ArrayList<>();
    private final List<String> decisions = new ArrayList<>();
    private long tokens;
    private long adapted;
    private double worst;

    Comparison(PersonModel.Session session) {
      this.session = session;
    }

    void document(List<String[]> sentences) {
      for (String[] toks : sentences) {
        String[] names = new String[toks.length];
        int[] ids = new int[toks.length];
        double[] mine = new double[compiled.outcomes()];
        session.sentence(toks, toks.length);
        for (int i = 0; i < toks.length; i++) {
          int best = greedy(compare(toks, i, names, ids, mine), i, ids);
          ids[i] = best;
          names[i] = compiled.outcome(best);
          chosen[best]++;
        }
        generator.updateAdaptiveData(toks, names);
        session.update(ids);
      }
      generator.clearAdaptiveData();
      session.clear();
    }

    /** One text, evaluated the way {@link PersonFinder} evaluates it. */
    void asked(Tokens tk) {
      boolean lower = tk.allLowerCase();
      for (int s = 0; s < tk.size; ) {
        int e = PersonFinder.sentenceEnd(tk, s);
        boolean any = false;
        for (int k = s; k < e; k++) {
          any |= PersonFinder.candidate(tk, k, lower);
        }
        if (any) {
          String[] toks = new String[e - s];
          for (int k = s; k < e; k++) {
            toks[k - s] = tk.token(k);
          }
          String[] names = new String[toks.length];
          int[] ids = new int[toks.length];
          double[] mine = new double[compiled.outcomes()];
          session.sentence(tk, s, e);
          for (int i = 0; i < toks.length; i++) {
            int best = other;
            if (PersonFinder.candidate(tk, s + i, lower)) {
              double[] ref = compare(toks, i, names, ids, mine);
              best = greedy(ref, i, ids);
            }
            ids[i] = best;
            names[i] = compiled.outcome(best);
            chosen[best]++;
          }
          generator.updateAdaptiveData(toks, names);
          session.update(ids);
        }
        s = e;
      }
      generator.clearAdaptiveData();
      session.clear();
    }

    /** Both distributions of token i; records a mismatch (of probabilities or decision); returns OpenNLP's. */
    private double[] compare(String[] toks, int i, String[] names, int[] ids, double[] mine) {
      String[] context = generator.getContext(i, toks, names, new Object[0]);
      double[] ref = reference.eval(context);
      session.eval(i, ids, mine);
      tokens++;
      for (String f : context) {
        if (f.startsWith("pd=") && !f.equals("pd=null")) {
          adapted++;
        }
      }
      for (int o = 0; o < ref.length; o++) {
        double d = Math.abs(ref[o] - mine[o]);
        worst = Math.max(worst, d);
        if (!(d <= 1e-9) && mismatches.size() < 5) {
          mismatches.add(String.join(" ", toks) + " @" + i + ": " + java.util.Arrays.toString(ref)
              + " vs " + java.util.Arrays.toString(mine));
        }
      }
      if (greedy(ref, i, ids) != greedy(mine, i, ids) && decisions.size() < 5) {
        decisions.add(String.join(" ", toks) + " @" + i + ": " + java.util.Arrays.toString(ref)
            + " vs " + java.util.Arrays.toString(mine));
      }
      return ref;
    }

    /** The greedy BIO choice from a distribution: a continuation only after a name token. */
    private int greedy(double[] dist, int i, int[] ids) {
      int best = -1;
      for (int o = 0; o < dist.length; o++) {
        boolean allowed = !(o == cont && (i == 0 ? other : ids[i - 1]) == other);
        if (allowed && (best < 0 || dist[o] > dist[best])) {
          best = o;
        }
      }
      return best;
    }

    void check() {
      check(10_000, 1_000);
    }

    void check(long minTokens, long minAdapted) {
      assertThat(mismatches).as("worst difference %s over %d tokens", worst, tokens).isEmpty();
      assertThat(worst).isLessThanOrEqualTo(1e-9);
      assertThat(decisions).as("tokens where the greedy choice differs").isEmpty();
      // The comparison covered every outcome as a previous outcome, and the adaptive data.
      assertThat(tokens).isGreaterThan(minTokens);
      for (int count : chosen) {
        assertThat(count).isGreaterThan(20);
      }
      assertThat(adapted).isGreaterThan(minAdapted);
    }
  }
}
