package dev.lethe.redact;

import dev.lethe.redact.nlp.GazetteerFeatureGeneratorFactory;
import dev.lethe.redact.nlp.NameGazetteer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import opennlp.tools.ml.maxent.GISModel;
import opennlp.tools.ml.model.Context;
import opennlp.tools.namefind.NameFinderME;
import opennlp.tools.namefind.TokenNameFinderModel;
import opennlp.tools.util.StringUtil;
import opennlp.tools.util.featuregen.FeatureGeneratorUtil;

/**
 * The shipped PERSON maxent model, evaluated without OpenNLP at inference: the outcome
 * distribution of {@code GISModel.eval(contextGenerator.getContext(...))} for the feature
 * descriptor {@link #DESCRIPTOR} (checked when the model is compiled), from the same parameters
 * summed in another order. The probabilities agree with OpenNLP's to about 1e-15, not to the last
 * bit ({@code PersonModelTest} holds them within 1e-9, with the same greedy decisions, on every
 * token of the dev sets).
 *
 * <p>OpenNLP builds some sixty feature strings per token (OpenNLP 2.5's aggregate generator
 * emits every generator but the first twice, and the model was trained so) and looks each up in a
 * hash map of half a million predicate names. Here the model is split at load by what a
 * predicate depends on: the predicates of one token's word ({@code w=}, {@code w&c=} at every
 * window position) and of the token as written ({@code pow=}, and its number in word pairs) are
 * filed under the lower-cased word, affixes under their chars packed in a number, word pairs under
 * pairs of token numbers, and the token-independent ones (token class, name-list shape, outcome,
 * position) are small tables, with every predicate that OpenNLP emits twice stored doubled. When a
 * token string is first seen, its class and name-list shape are computed from its chars and its
 * word looked up once; then, per window position, the sum of all it contributes there (class,
 * {@code w&c=}, twice {@code w=}) is made, and for a token evaluated itself the sum of its affixes.
 * These sums are kept in a bounded per-thread cache. An evaluation then adds about fifteen rows:
 * the five tokens' sums, the pair and class-pair rows, the name-list rows, the previous outcomes
 * and the adaptive data. Predicates the model does not know add nothing, as in {@code GISModel}.
 *
 * <p>Instances are immutable and thread-safe. The per-document state (adaptive data) and the
 * token cache live in a {@link Session}, which is not thread-safe: one per thread.
 */
final class PersonModel {
  /**
   * The feature descriptor this class implements, whitespace aside; a model trained with any other
   * is refused rather than evaluated wrongly.
   */
  static final String DESCRIPTOR = """
      <featureGenerators cache="true" name="lethe-person">
        <generator class="opennlp.tools.util.featuregen.AggregatedFeatureGeneratorFactory">
          <generator class="opennlp.tools.util.featuregen.WindowFeatureGeneratorFactory">
            <int name="prevLength">2</int>
            <int name="nextLength">2</int>
            <generator class="opennlp.tools.util.featuregen.TokenClassFeatureGeneratorFactory"/>
          </generator>
          <generator class="opennlp.tools.util.featuregen.WindowFeatureGeneratorFactory">
            <int name="prevLength">2</int>
            <int name="nextLength">2</int>
            <generator class="opennlp.tools.util.featuregen.TokenFeatureGeneratorFactory"/>
          </generator>
          <generator class="opennlp.tools.util.featuregen.WindowFeatureGeneratorFactory">
            <int name="prevLength">1</int>
            <int name="nextLength">1</int>
            <generator class="dev.lethe.redact.nlp.GazetteerFeatureGeneratorFactory"/>
          </generator>
          <generator class="opennlp.tools.util.featuregen.DefinitionFeatureGeneratorFactory"/>
          <generator class="opennlp.tools.util.featuregen.PreviousMapFeatureGeneratorFactory"/>
          <generator class="opennlp.tools.util.featuregen.BigramNameFeatureGeneratorFactory"/>
          <generator class="opennlp.tools.util.featuregen.SentenceFeatureGeneratorFactory">
            <bool name="begin">true</bool>
            <bool name="end">false</bool>
          </generator>
          <generator class="opennlp.tools.util.featuregen.SuffixFeatureGeneratorFactory">
            <int name="length">3</int>
          </generator>
          <generator class="opennlp.tools.util.featuregen.PrefixFeatureGeneratorFactory">
            <int name="length">3</int>
          </generator>
        </generator>
      </featureGenerators>
      """;

  /** The classes {@link FeatureGeneratorUtil#tokenFeature} can return, in any fixed order. */
  private static final String[] CLASSES = {
    "jah", "jak", "lc", "2d", "4d", "an", "dd", "ds", "dc", "dp", "num", "sc", "ac", "cp", "ic", "other"
  };
  private static final int LC = 2;
  private static final int TWO_DIGITS = 3;
  private static final int FOUR_DIGITS = 4;
  private static final int ALPHANUMERIC = 5;
  private static final int DIGITS_HYPHEN = 6;
  private static final int DIGITS_SLASH = 7;
  private static final int DIGITS_COMMA = 8;
  private static final int DIGITS_PERIOD = 9;
  private static final int NUMBER = 10;
  private static final int SINGLE_CAPITAL = 11;
  private static final int ALL_CAPITALS = 12;
  private static final int CAPITAL_PERIOD = 13;
  private static final int INITIAL_CAPITAL = 14;
  private static final int OTHER_CLASS = 15;
  /** Window positions, in the order {@code WindowFeatureGenerator} emits them. */
  private static final String[] ROLES = {"", "p1", "p2", "n1", "n2"};
  private static final int AFFIX_LENGTH = 3;
  /** Key bit of the word pairs "w,nw=" (the pairs "pw,w=" have it clear). */
  private static final long NEXT_PAIR = 1L << 62;
  /** Above this many cached tokens the cache is emptied at the end of a document. */
  private static final int CACHE_LIMIT = 16384;
  /**
   * When this many tokens hold their parameter rows, those not used since the last such sweep
   * drop them, and at most half are kept.
   */
  private static final int BUILT_LIMIT = 8192;
  /** The shapes of {@link GazetteerFeatureGeneratorFactory#shape}. */
  private static final String[] SHAPES = {"caps", "cap", "low"};
  /** Window positions of the name-list feature, in the order the window emits them. */
  private static final String[] LIST_ROLES = {"", "p1", "n1"};

  private final int outcomes;
  private final String[] outcomeNames;
  private final int other;
  /**
   * What every sum starts from: {@code StrictMath.log(1.0 / outcomes)}, the uniform prior of
   * GISModel, plus the row of "def" twice.
   */
  private final double[] base;
  /** Lower-cased token to its word predicates at every window position, and its written forms. */
  private final WordTable words;
  private final PairRows pairs;
  /** The "suf=" and "pre=" predicates, by {@link #affixKey}, each row twice. */
  private final KeyRows affixTable;
  /** At {@code ((role * CLASSES.length) + class) * outcomes}: the row of "wc=" class. */
  private final double[] classRows;
  /**
   * At {@code ((list role * SHAPES.length) + shape) * outcomes}, twice: the rows of "gaz" and
   * "gaz=" shape; of "gazpair=" shape.
   */
  private final double[] listRows;
  private final double[] listPairRows;
  /** "S=begin", twice. */
  private final double[] sentenceBegin;
  /** At {@code k * outcomes}, twice: "pd=null" for k 0, "pd=" + outcome k - 1. */
  private final double[] previousMap;
  /** At {@code ((outcome * CLASSES.length) + class) * outcomes}: "po=" outcome plus "powf=" outcome "," class. */
  private final double[] previousOutcomeClass;
  /** At {@code outcome * outcomes}: "ppo=" outcome. */
  private final double[] previousPreviousOutcome;
  /** At {@code ((class * CLASSES.length) + class) * outcomes}, twice: "pwc,wc=" and "wc,nc=". */
  private final double[] previousClassClass;
  private final double[] classNextClass;

  private PersonModel(GISModel model) {
    Object[] data = model.getDataStructures();
    Context[] contexts = (Context[]) data[0];
    @SuppressWarnings("unchecked")
    Map<String, Context> pmap = (Map<String, Context>) data[1];
    outcomeNames = ((String[]) data[2]).clone();
    outcomes = outcomeNames.length;
    other = model.getIndex(NameFinderME.OTHER);
    if (other < 0) {
      throw new IllegalStateException("the person model has no outcome " + NameFinderME.OTHER);
    }
    if (contexts.length != pmap.size()) {
      throw new IllegalStateException("the person model's parameters do not match its predicates");
    }
    Map<String, Integer> pairWords = new HashMap<>();
    long[] pairKeys = new long[1 << 16];
    double[] pairRows = new double[pairKeys.length * outcomes];
    int pairCount = 0;
    long[] affixKeys = new long[1 << 15];
    double[] affixRows = new double[affixKeys.length * outcomes];
    int affixCount = 0;
    Map<String, double[]> rest = new HashMap<>();
    Map<String, WordBuilder> wordMap = new HashMap<>();
    for (Map.Entry<String, Context> e : pmap.entrySet()) {
      double[] row = new double[outcomes];
      int[] active = e.getValue().getOutcomes();
      double[] values = e.getValue().getParameters();
      for (int a = 0; a < active.length; a++) {
        row[active[a]] = values[a];
      }
      String name = e.getKey();
      boolean previous = name.startsWith("pw,w=");
      if (previous || name.startsWith("w,nw=")) {
        // "pw,w=" + a + "," + b: tokens may hold commas, so every split names the same feature.
        String pair = name.substring(5);
        for (int comma = pair.indexOf(','); comma >= 0; comma = pair.indexOf(',', comma + 1)) {
          int a = pairWords.computeIfAbsent(pair.substring(0, comma), k -> pairWords.size());
          int b = pairWords.computeIfAbsent(pair.substring(comma + 1), k -> pairWords.size());
          if (pairCount == pairKeys.length) {
            pairKeys = java.util.Arrays.copyOf(pairKeys, 2 * pairCount);
            pairRows = java.util.Arrays.copyOf(pairRows, 2 * pairCount * outcomes);
          }
          pairKeys[pairCount] = pairKey(previous ? 0 : NEXT_PAIR, a, b);
          for (int o = 0; o < outcomes; o++) {
            pairRows[pairCount * outcomes + o] = 2 * row[o]; // the bigram generator emits it twice
          }
          pairCount++;
        }
        continue;
      }
      boolean suffix = name.startsWith("suf=");
      if (suffix || name.startsWith("pre=")) {
        int len = name.length() - 4;
        if (len >= 1 && len <= AFFIX_LENGTH) { // longer ones are never asked for
          if (affixCount == affixKeys.length) {
            affixKeys = java.util.Arrays.copyOf(affixKeys, 2 * affixCount);
            affixRows = java.util.Arrays.copyOf(affixRows, 2 * affixCount * outcomes);
          }
          affixKeys[affixCount] = affixKey(suffix ? 0 : 1, name, 4, len);
          for (int o = 0; o < outcomes; o++) {
            affixRows[affixCount * outcomes + o] = 2 * row[o]; // emitted twice
          }
          affixCount++;
        }
        continue;
      }
      if (!token(name, row, wordMap)) {
        rest.put(name, row);
      }
    }
    pairWords.forEach((w, n) -> wordMap.computeIfAbsent(lowerCase(w), k -> new WordBuilder()).exact(w).pairWord = n);
    words = new WordTable(wordMap);
    pairs = new PairRows(pairKeys, pairRows, pairCount, outcomes);
    affixTable = new KeyRows(affixKeys, affixRows, affixCount, outcomes);

    int nc = CLASSES.length;
    base = new double[outcomes];
    java.util.Arrays.fill(base, StrictMath.log(1.0 / outcomes));
    addTo(base, 0, rest, 2, "def");
    classRows = new double[ROLES.length * nc * outcomes];
    for (int r = 0; r < ROLES.length; r++) {
      for (int c = 0; c < nc; c++) {
        addTo(classRows, (r * nc + c) * outcomes, rest, 1, ROLES[r] + "wc=" + CLASSES[c]);
      }
    }
    listRows = new double[LIST_ROLES.length * SHAPES.length * outcomes];
    listPairRows = new double[listRows.length];
    for (int r = 0; r < LIST_ROLES.length; r++) {
      for (int h = 0; h < SHAPES.length; h++) {
        int at = (r * SHAPES.length + h) * outcomes;
        addTo(listRows, at, rest, 2, LIST_ROLES[r] + "gaz", LIST_ROLES[r] + "gaz=" + SHAPES[h]);
        addTo(listPairRows, at, rest, 2, LIST_ROLES[r] + "gazpair=" + SHAPES[h]);
      }
    }
    sentenceBegin = new double[outcomes];
    addTo(sentenceBegin, 0, rest, 2, "S=begin");
    previousMap = new double[(outcomes + 1) * outcomes];
    addTo(previousMap, 0, rest, 2, "pd=null");
    previousOutcomeClass = new double[outcomes * nc * outcomes];
    previousPreviousOutcome = new double[outcomes * outcomes];
    for (int o = 0; o < outcomes; o++) {
      addTo(previousMap, (o + 1) * outcomes, rest, 2, "pd=" + outcomeNames[o]);
      addTo(previousPreviousOutcome, o * outcomes, rest, 1, "ppo=" + outcomeNames[o]);
      for (int c = 0; c < nc; c++) {
        addTo(previousOutcomeClass, (o * nc + c) * outcomes, rest, 1,
            "po=" + outcomeNames[o], "powf=" + outcomeNames[o] + "," + CLASSES[c]);
      }
    }
    previousClassClass = new double[nc * nc * outcomes];
    classNextClass = new double[nc * nc * outcomes];
    for (int a = 0; a < nc; a++) {
      for (int b = 0; b < nc; b++) {
        addTo(previousClassClass, (a * nc + b) * outcomes, rest, 2, "pwc,wc=" + CLASSES[a] + "," + CLASSES[b]);
        addTo(classNextClass, (a * nc + b) * outcomes, rest, 2, "wc,nc=" + CLASSES[a] + "," + CLASSES[b]);
      }
    }
  }

  /**
   * Adds {@code times} the rows of the named predicates the model knows to {@code into} at {@code
   * at}; a predicate the model does not know adds nothing, as in {@code GISModel}.
   */
  private void addTo(double[] into, int at, Map<String, double[]> rows, int times, String... names) {
    for (String name : names) {
      double[] row = rows.get(name);
      if (row != null) {
        for (int o = 0; o < outcomes; o++) {
          into[at + o] += times * row[o];
        }
      }
    }
  }

  /**
   * Files a predicate that is found through its token ("w=", "w&c=" at any window position, and
   * "pow="), and says whether it was one.
   */
  private boolean token(String name, double[] row, Map<String, WordBuilder> words) {
    int role = 0;
    for (int r = 1; r < ROLES.length; r++) {
      if (name.startsWith(ROLES[r]) && (name.startsWith("w=", 2) || name.startsWith("w&c=", 2))) {
        role = r;
      }
    }
    String body = role == 0 ? name : name.substring(2);
    if (body.startsWith("w=")) {
      words.computeIfAbsent(body.substring(2), k -> new WordBuilder()).word(role, row, outcomes);
      return true;
    }
    if (body.startsWith("w&c=")) {
      int comma = body.lastIndexOf(',');
      int c = comma < 4 ? -1 : classIndexOrNone(body.substring(comma + 1));
      if (c >= 0) {
        words.computeIfAbsent(body.substring(4, comma), k -> new WordBuilder()).withClass(role, c, row);
      }
      return true; // a class OpenNLP cannot produce is never asked for
    }
    for (int o = 0; o < outcomes; o++) {
      String prefix = "pow=" + outcomeNames[o] + ",";
      if (name.startsWith(prefix)) {
        String t = name.substring(prefix.length());
        WordBuilder w = words.computeIfAbsent(lowerCase(t), k -> new WordBuilder());
        Exact x = w.exact(t);
        if (x.withOutcome == null) {
          x.withOutcome = new double[outcomes * outcomes];
        }
        System.arraycopy(row, 0, x.withOutcome, o * outcomes, outcomes);
        return true;
      }
    }
    return false;
  }

  /** A lower-cased token's predicates while the model is read. */
  private static final class WordBuilder {
    double[] word;
    final Map<Integer, double[]> withClass = new java.util.TreeMap<>();
    final Map<String, Exact> exact = new java.util.TreeMap<>();

    void word(int role, double[] row, int outcomes) {
      if (word == null) {
        word = new double[ROLES.length * outcomes];
      }
      for (int o = 0; o < outcomes; o++) {
        word[role * outcomes + o] = 2 * row[o]; // the token window is emitted twice
      }
    }

    void withClass(int role, int c, double[] row) {
      withClass.put(role * CLASSES.length + c, row);
    }

    Exact exact(String token) {
      return exact.computeIfAbsent(token, k -> new Exact());
    }

    Word build(String key) {
      int[] codes = new int[withClass.size()];
      double[][] rows = new double[codes.length][];
      int n = 0;
      for (Map.Entry<Integer, double[]> e : withClass.entrySet()) {
        codes[n] = e.getKey();
        rows[n++] = e.getValue();
      }
      return new Word(key, word, codes, rows, exact.keySet().toArray(String[]::new),
          exact.values().toArray(Exact[]::new));
    }
  }

  /**
   * The predicates of a lower-cased token: "w=" and "w&c=" at every window position, and the forms
   * the token is written in that "pow=" or a word pair names. Not changed once made.
   *
   * @param word at {@code role * outcomes}: the row of "w=", twice; null if the word has none
   * @param classCodes window position * classes + class of each "w&c=" the word has, with its row
   * @param forms the written forms, with their entries
   */
  private record Word(
      String key,
      double[] word,
      int[] classCodes,
      double[][] classRows,
      String[] forms,
      Exact[] exact) {

    /** The row of "w&c=" at a window position with a class, or null. */
    double[] withClass(int role, int c) {
      int code = role * CLASSES.length + c;
      for (int k = 0; k < classCodes.length; k++) {
        if (classCodes[k] == code) {
          return classRows[k];
        }
      }
      return null;
    }

    /** The entry of the written form {@code s[from, to)}, or null. */
    Exact exact(String s, int from, int to) {
      for (int k = 0; k < forms.length; k++) {
        String f = forms[k];
        if (f.length() == to - from && f.regionMatches(0, s, from, to - from)) {
          return exact[k];
        }
      }
      return null;
    }
  }

  /** The predicates of a token as written; filled while the model is read, then not changed. */
  private static final class Exact {
    /** At {@code previous outcome * outcomes}: the row of "pow="; null if none. */
    double[] withOutcome;
    /** The token's number in word pairs, or -1. */
    int pairWord = -1;
  }

  /**
   * Takes the parameters of the model's maxent classifier; the model is not needed afterwards.
   *
   * @throws IllegalStateException if the model is not a GIS maxent model with a uniform prior and
   *     the feature descriptor {@link #DESCRIPTOR}
   */
  static PersonModel compile(TokenNameFinderModel model) {
    checkDescriptor((byte[]) model.getArtifact("generator.featuregen"));
    Object classifier = model.getArtifact("nameFinder.model");
    if (!(classifier instanceof GISModel gis)) {
      throw new IllegalStateException("the person model is not a GIS maxent model: " + classifier);
    }
    double[] empty = gis.eval(new String[0]);
    for (double p : empty) {
      if (p != empty[0]) {
        throw new IllegalStateException("the person model's prior is not uniform");
      }
    }
    return new PersonModel(gis);
  }

  /** Refuses a feature descriptor other than {@link #DESCRIPTOR}. */
  static void checkDescriptor(byte[] descriptor) {
    if (descriptor == null
        || !squeeze(new String(descriptor, StandardCharsets.UTF_8)).equals(squeeze(DESCRIPTOR))) {
      throw new IllegalStateException(
          "the person model was trained with other features than PersonModel evaluates");
    }
  }

  private static String squeeze(String xml) {
    return xml.replaceAll("\\s+", "");
  }

  /**
   * An affix of at most three chars as a number: kind (0 suffix, 1 prefix), length, and the chars,
   * so that a token's affixes are looked up without making strings.
   */
  private static long affixKey(int kind, String s, int from, int len) {
    long key = ((long) kind << 50) | ((long) len << 48);
    for (int c = 0; c < len; c++) {
      key |= (long) s.charAt(from + c) << (32 - 16 * c);
    }
    return key;
  }

  private static long pairKey(long kind, int a, int b) {
    return kind | ((long) a << 31) | b;
  }

  int outcomes() {
    return outcomes;
  }

  String outcome(int o) {
    return outcomeNames[o];
  }

  /** The index of an outcome name, or -1. */
  int index(String outcome) {
    for (int o = 0; o < outcomes; o++) {
      if (outcomeNames[o].equals(outcome)) {
        return o;
      }
    }
    return -1;
  }

  Session session() {
    return new Session(BUILT_LIMIT, CACHE_LIMIT);
  }

  /** A session with other cache limits (tests use small ones to exercise the sweeps). */
  Session session(int builtLimit, int cacheLimit) {
    return new Session(builtLimit, cacheLimit);
  }

  /**
   * Per-thread state: the token cache, the sentence at hand, and the adaptive data of the
   * document at hand (for each token of the document's earlier sentences, the outcome it was last
   * given: the previous-map feature). Use: {@link #sentence}, then {@link #eval} for any tokens in
   * any order, then {@link #update} with the sentence's outcomes; {@link #clear} at the end of the
   * document. Not thread-safe.
   *
   * <p>Adaptive data is recorded for the tokens evaluated, where OpenNLP records every token of the
   * sentence. The answers are the same whenever every occurrence in the document of a string that
   * is evaluated once is evaluated (as when the choice depends on the string alone, which is
   * {@link PersonFinder}'s case, or when every token is evaluated): the previous-map feature of a
   * token is read only when that token is evaluated.
   *
   * <p>Cached tokens carry the adaptive data, so they stay cached for the rest of the document: the
   * cache grows with the document's distinct evaluated tokens and their neighbours, as OpenNLP's
   * previous map grows with its distinct tokens, but only about {@value #BUILT_LIMIT} tokens (the
   * recently used ones) keep their summed rows, about 250 bytes each; the others keep a few
   * fields and a reference into the model. At the end of a document, once the cache holds more
   * than {@value #CACHE_LIMIT} tokens, it forgets those without rows. A thread's session thus holds
   * a few megabytes at most, beyond the current document's tokens.
   */
  final class Session {
    /** The token cache: open addressing by the string's hash, stored beside each token. */
    private Token[] cache = new Token[1 << 12];
    private int[] cacheHashes = new int[1 << 12];
    private int cached;
    private final java.util.ArrayList<Token> built = new java.util.ArrayList<>();
    private long document = 1;
    private long sentences;
    private long lastSweep;
    private final int builtLimit;
    private final int cacheLimit;
    private Token[] sentence = new Token[64];
    private boolean[] evaluated = new boolean[64];
    private int length;
    /** Where the sentence's strings come from: an array, or a text's tokens from an offset. */
    private String[] strings;
    private Tokens source;
    private int offset;

    private Session(int builtLimit, int cacheLimit) {
      this.builtLimit = builtLimit;
      this.cacheLimit = cacheLimit;
    }

    /** Makes {@code tokens[0..length)} the sentence at hand. */
    void sentence(String[] tokens, int length) {
      begin(length);
      strings = tokens;
    }

    /**
     * Makes tokens {@code from..to} of {@code tk} the sentence at hand. They are looked up (by
     * their chars in the text) only when an evaluation needs them: a token within two of an
     * evaluated one.
     */
    void sentence(Tokens tk, int from, int to) {
      begin(to - from);
      source = tk;
      offset = from;
    }

    private void begin(int length) {
      if (sentence.length < length) {
        int n = Math.max(length, 2 * sentence.length);
        sentence = new Token[n];
        evaluated = new boolean[n];
      }
      java.util.Arrays.fill(sentence, 0, length, null);
      java.util.Arrays.fill(evaluated, 0, length, false);
      strings = null;
      source = null;
      sentences++;
      if (built.size() >= builtLimit) {
        sweep();
      }
      this.length = length;
    }

    /** The cached token at position j of the sentence, looked up on first use. */
    private Token token(int j) {
      Token k = sentence[j];
      if (k == null) {
        if (strings != null) {
          String s = strings[j];
          k = cached(s, 0, s.length(), null, -1);
        } else {
          int p = offset + j;
          k = cached(source.text, source.starts[p], source.ends[p], source, p);
        }
        sentence[j] = k;
      }
      return k;
    }

    /**
     * Writes into {@code dist} the outcome distribution of token {@code i} of the sentence, given
     * the outcomes {@code previous[0..i)} of the tokens before it.
     */
    void eval(int i, int[] previous, double[] dist) {
      int n = length;
      int from = Math.max(0, i - 2);
      int to = Math.min(n, i + 3);
      for (int j = from; j < to; j++) {
        Token k = token(j);
        if (!k.built()) {
          k.build();
          built.add(k);
        }
        k.used = sentences;
      }
      evaluated[i] = true;
      Token[] s = sentence;
      Token t = s[i];
      if (!t.builtOwn()) {
        t.buildOwn();
      }
      int nc = CLASSES.length;
      int c = t.tokenClass;
      int po = i >= 1 ? previous[i - 1] : other;
      int ppo = i >= 2 ? previous[i - 2] : other;
      int pd = (t.document == document ? t.previous + 1 : 0) * outcomes;
      double[] window = t.window;
      double[] own = t.own;
      int pow = outcomes + po * outcomes;
      int poc = (po * nc + c) * outcomes;
      int pp = ppo * outcomes;
      // Every feature of OpenNLP's context, in sums made per token and per table: the own token's
      // class, words and affixes, each neighbour's class and words at its window position, the
      // pairs, the name list, the previous outcomes and the adaptive data.
      for (int o = 0; o < outcomes; o++) {
        dist[o] = base[o] + window[o] + own[o] + own[pow + o] + previousOutcomeClass[poc + o]
            + previousPreviousOutcome[pp + o] + previousMap[pd + o];
      }
      if (i >= 1) {
        Token p = s[i - 1];
        add(dist, p.window, outcomes);
        add(dist, previousClassClass, (p.tokenClass * nc + c) * outcomes);
        pair(dist, 0, p.pairWord, t.pairWord);
      } else {
        add(dist, sentenceBegin, 0);
      }
      if (i >= 2) {
        add(dist, s[i - 2].window, 2 * outcomes);
      }
      if (i + 1 < n) {
        Token x = s[i + 1];
        add(dist, x.window, 3 * outcomes);
        add(dist, classNextClass, (c * nc + x.tokenClass) * outcomes);
        pair(dist, NEXT_PAIR, t.pairWord, x.pairWord);
      }
      if (i + 2 < n) {
        add(dist, s[i + 2].window, 4 * outcomes);
      }
      listed(dist, i, 0);
      if (i >= 1) {
        listed(dist, i - 1, 1);
      }
      if (i + 1 < n) {
        listed(dist, i + 1, 2);
      }
      // As GISModel: exp of each sum, normalised. Math.exp is within an ulp of StrictMath.exp.
      double normal = 0.0;
      for (int o = 0; o < outcomes; o++) {
        dist[o] = Math.exp(dist[o]);
        normal += dist[o];
      }
      for (int o = 0; o < outcomes; o++) {
        dist[o] /= normal;
      }
    }

    private void add(double[] dist, double[] rows, int at) {
      for (int o = 0; o < outcomes; o++) {
        dist[o] += rows[at + o];
      }
    }

    /** The name-list features of token {@code j} seen from window position {@code role} (0, p1, n1). */
    private void listed(double[] dist, int j, int role) {
      Token t = sentence[j];
      if (t.shape < 0) {
        return;
      }
      int at = (role * SHAPES.length + t.shape) * outcomes;
      add(dist, listRows, at);
      if ((j >= 1 && sentence[j - 1].shape >= 0) || (j + 1 < length && sentence[j + 1].shape >= 0)) {
        add(dist, listPairRows, at);
      }
    }

    private void pair(double[] dist, long kind, int a, int b) {
      if (a >= 0 && b >= 0) {
        pairs.add(dist, pairKey(kind, a, b));
      }
    }

    /**
     * The cached token of the chars {@code text[from, to)}, made and cached if new; {@code tk} and
     * {@code k}, if given, are the text's tokens and the token's number there.
     */
    private Token cached(String text, int from, int to, Tokens tk, int k) {
      int len = to - from;
      int h = 0;
      for (int q = from; q < to; q++) {
        h = 31 * h + text.charAt(q); // String.hashCode, without making the string
      }
      int mask = cache.length - 1;
      int i = (h * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask);
      for (Token t; (t = cache[i]) != null; i = (i + 1) & mask) {
        if (cacheHashes[i] == h && t.text.length() == len && t.text.regionMatches(0, text, from, len)) {
          return t;
        }
      }
      String s = tk != null ? tk.token(k) : len == text.length() ? text : text.substring(from, to);
      Token t = new Token(s, tk != null ? tk.listedName(k) : NameGazetteer.contains(s));
      cache[i] = t;
      cacheHashes[i] = h;
      if (++cached * 2 > cache.length) {
        rehash(cache.length * 2, false);
      }
      return t;
    }

    /** Moves the cache into a table of the given size, keeping only tokens with rows if asked. */
    private void rehash(int size, boolean builtOnly) {
      Token[] old = cache;
      int[] oldHashes = cacheHashes;
      cache = new Token[size];
      cacheHashes = new int[size];
      cached = 0;
      int mask = size - 1;
      int shift = Integer.numberOfLeadingZeros(mask);
      for (int j = 0; j < old.length; j++) {
        Token k = old[j];
        if (k != null && (!builtOnly || k.built())) {
          int i = (oldHashes[j] * 0x9E3779B9) >>> shift;
          while (cache[i] != null) {
            i = (i + 1) & mask;
          }
          cache[i] = k;
          cacheHashes[i] = oldHashes[j];
          cached++;
        }
      }
    }

    /** Drops the rows of the tokens not used since the last sweep, and of all but half the others. */
    private void sweep() {
      int kept = 0;
      for (Token t : built) {
        if (t.used > lastSweep && kept < builtLimit / 2) {
          built.set(kept++, t);
        } else {
          t.drop();
        }
      }
      built.subList(kept, built.size()).clear();
      lastSweep = sentences;
    }

    /**
     * Records the outcomes of the tokens of the sentence at hand that were evaluated, as adaptive
     * data for the rest of the document (see the class comment).
     */
    void update(int[] outcomes) {
      for (int i = 0; i < length; i++) {
        if (evaluated[i]) {
          Token t = sentence[i];
          t.previous = outcomes[i];
          t.document = document;
        }
      }
    }

    /** Ends the document: forgets its adaptive data. */
    void clear() {
      document++;
      java.util.Arrays.fill(sentence, 0, length, null);
      strings = null;
      source = null;
      length = 0;
      if (cached > cacheLimit) {
        // The tokens with rows stay (they are the ones worth keeping); the others only held the
        // adaptive data of documents now done.
        int keep = 0;
        for (Token t : built) {
          keep += t.built() ? 1 : 0;
        }
        if (keep <= cacheLimit) {
          rehash(cache.length, true); // same size: the next documents would grow it again
        } else {
          cache = new Token[1 << 12];
          cacheHashes = new int[1 << 12];
          cached = 0;
          built.clear();
        }
      }
    }
  }

  /**
   * A distinct token string: what the model knows of it (resolved once, when the token is first
   * seen), its summed rows (made from that on use, dropped when not used for a while) and its
   * adaptive data.
   */
  private final class Token {
    final String text;
    final int tokenClass;
    /** The index of its name-list shape, or -1 if not listed. */
    final int shape;
    /** The model's entry of its lower case, or null. */
    final Word word;
    /** The entry of the token as written, or null. */
    final Exact exact;
    /** The token's number in word pairs, or -1 if no pair predicate names it. */
    final int pairWord;
    /**
     * At {@code role * outcomes} for each window position (0, p1, p2, n1, n2): the sum of the
     * features this token gives a window when it is at that position: its "wc=" class, its "w&c="
     * and twice its "w=". Null until built.
     */
    double[] window;
    /**
     * The features only the token's own evaluation needs: at 0, its affixes ("suf=" and "pre=",
     * twice); at {@code outcomes + previous outcome * outcomes}, its "pow=". Null until built.
     */
    double[] own;
    /** The outcome last given to this token in {@link #document}. */
    int previous;
    long document;
    /** The number of the last sentence whose evaluation used the rows. */
    long used;

    Token(String text, boolean listed) {
      this.text = text;
      this.tokenClass = tokenClass(text);
      int s = -1;
      if (listed) {
        String h = GazetteerFeatureGeneratorFactory.shape(text);
        for (int k = 0; k < SHAPES.length; k++) {
          if (SHAPES[k].equals(h)) {
            s = k;
          }
        }
      }
      this.shape = s;
      this.word = words.get(text);
      this.exact = word == null ? null : word.exact(text, 0, text.length());
      this.pairWord = exact == null ? -1 : exact.pairWord;
    }

    boolean built() {
      return window != null;
    }

    void build() {
      int nc = CLASSES.length;
      double[] w = new double[ROLES.length * outcomes];
      for (int r = 0; r < ROLES.length; r++) {
        int at = r * outcomes;
        System.arraycopy(classRows, (r * nc + tokenClass) * outcomes, w, at, outcomes);
        if (word != null) {
          double[] wc = word.withClass(r, tokenClass);
          for (int o = 0; o < outcomes; o++) {
            w[at + o] += (word.word() == null ? 0.0 : word.word()[at + o]) + (wc == null ? 0.0 : wc[o]);
          }
        }
      }
      window = w;
    }

    /** Whether the rows only the token's own evaluation needs are there. */
    boolean builtOwn() {
      return own != null;
    }

    /** Makes the rows only the token's own evaluation needs (not its neighbours'). */
    void buildOwn() {
      String t = text;
      double[] a = new double[outcomes + outcomes * outcomes];
      // "suf=" of the last 1..3 chars and "pre=" of the first 1..3.
      int affix = Math.min(AFFIX_LENGTH, t.length());
      for (int len = 1; len <= affix; len++) {
        affixTable.add(a, affixKey(0, t, t.length() - len, len));
        affixTable.add(a, affixKey(1, t, 0, len));
      }
      if (exact != null && exact.withOutcome != null) {
        System.arraycopy(exact.withOutcome, 0, a, outcomes, outcomes * outcomes);
      }
      own = a;
    }

    /** Forgets the rows (the adaptive data stays); {@link #build} makes them again. */
    void drop() {
      window = null;
      own = null;
    }
  }

  /**
   * OpenNLP's lower case ({@link StringUtil#toLowerCase}, code point by code point), without its
   * stream: for an ASCII token it only maps A to Z.
   */
  static String lowerCase(String t) {
    boolean upper = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= 128) {
        StringBuilder b = new StringBuilder(t.length());
        for (int k = 0; k < t.length(); ) {
          int cp = t.codePointAt(k); // a lone surrogate is a code point of its own, as in codePoints()
          b.appendCodePoint(Character.toLowerCase(cp));
          k += Character.charCount(cp);
        }
        return b.toString();
      }
      upper |= c >= 'A' && c <= 'Z';
    }
    if (!upper) {
      return t;
    }
    char[] out = new char[t.length()];
    for (int i = 0; i < out.length; i++) {
      char c = t.charAt(i);
      out[i] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return new String(out);
  }

  /**
   * The index in {@link #CLASSES} of {@link FeatureGeneratorUtil#tokenFeature}'s class of the
   * token, computed directly for an ASCII token (OpenNLP classifies by Unicode category and script
   * with a regular expression for "cp"), and by OpenNLP for any other.
   */
  static int tokenClass(String t) {
    int n = t.length();
    if (n == 0) {
      return classIndex(FeatureGeneratorUtil.tokenFeature(t));
    }
    int upper = 0;
    int lower = 0;
    int digits = 0;
    boolean hyphen = false;
    boolean slash = false;
    boolean comma = false;
    boolean period = false;
    for (int i = 0; i < n; i++) {
      char c = t.charAt(i);
      if (c >= 128) {
        return classIndex(FeatureGeneratorUtil.tokenFeature(t));
      }
      if (c >= 'A' && c <= 'Z') {
        upper++;
      } else if (c >= 'a' && c <= 'z') {
        lower++;
      } else if (c >= '0' && c <= '9') {
        digits++;
      } else {
        hyphen |= c == '-';
        slash |= c == '/';
        comma |= c == ',';
        period |= c == '.';
      }
    }
    // OpenNLP's order of tests; an ASCII token is never Hiragana or Katakana.
    if (lower == n) {
      return LC;
    }
    if (digits == 2) {
      return TWO_DIGITS;
    }
    if (digits == 4) {
      return FOUR_DIGITS;
    }
    if (digits > 0) {
      if (upper + lower > 0) {
        return ALPHANUMERIC;
      }
      return hyphen ? DIGITS_HYPHEN : slash ? DIGITS_SLASH : comma ? DIGITS_COMMA : period ? DIGITS_PERIOD : NUMBER;
    }
    if (upper == n) {
      return n == 1 ? SINGLE_CAPITAL : ALL_CAPITALS;
    }
    char first = t.charAt(0);
    boolean capital = first >= 'A' && first <= 'Z';
    if (capital && n == 2 && t.charAt(1) == '.') {
      return CAPITAL_PERIOD;
    }
    return capital ? INITIAL_CAPITAL : OTHER_CLASS;
  }

  /** The class name {@link #tokenClass} stands for. */
  static String tokenClassName(String t) {
    return CLASSES[tokenClass(t)];
  }

  private static int classIndex(String cls) {
    int c = classIndexOrNone(cls);
    if (c < 0) {
      throw new IllegalStateException("unknown OpenNLP token class " + cls);
    }
    return c;
  }

  private static int classIndexOrNone(String cls) {
    for (int c = 0; c < CLASSES.length; c++) {
      if (CLASSES[c].equals(cls)) {
        return c;
      }
    }
    return -1;
  }

  /**
   * Lower-cased token to its {@link Word}, immutable, filled from a map. Open addressing over one
   * array of longs, each the key's hash and the entry's number: a probe reads one place of memory,
   * and a key (and its chars) only when the hashes match. Most look-ups of new tokens miss, so
   * that is what counts.
   */
  private static final class WordTable {
    /** Per slot: hash << 32 | (entry number + 1); 0 when empty. */
    private final long[] slots;
    private final Word[] values;
    private final int mask;
    private final int shift;

    WordTable(Map<String, WordBuilder> map) {
      int cap = Integer.highestOneBit(Math.max(4, map.size()) * 2) * 2;
      slots = new long[cap];
      values = new Word[map.size()];
      mask = cap - 1;
      shift = Integer.numberOfLeadingZeros(mask);
      int n = 0;
      for (Map.Entry<String, WordBuilder> e : map.entrySet()) {
        int h = e.getKey().hashCode();
        int i = (h * 0x9E3779B9) >>> shift;
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        values[n] = e.getValue().build(e.getKey());
        slots[i] = ((long) h << 32) | (n + 1L);
        n++;
      }
    }

    /**
     * The entry of the token's lower case ({@link #lowerCase}); for an ASCII token found by its
     * chars, without making the lower-cased string.
     */
    Word get(String token) {
      int h = 0;
      int n = token.length();
      for (int q = 0; q < n; q++) {
        char c = token.charAt(q);
        if (c >= 128) {
          String lower = lowerCase(token);
          return get(lower.hashCode(), lower, false);
        }
        h = 31 * h + (c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      return get(h, token, true);
    }

    /** The entry whose key is {@code s}, lower-casing A to Z of {@code s} first if asked. */
    private Word get(int h, String s, boolean asciiLower) {
      int i = (h * 0x9E3779B9) >>> shift;
      for (long slot; (slot = slots[i]) != 0; i = (i + 1) & mask) {
        if ((int) (slot >>> 32) == h) {
          Word w = values[(int) slot - 1];
          if (asciiLower ? sameAsciiLowerCase(w.key(), s) : w.key().equals(s)) {
            return w;
          }
        }
      }
      return null;
    }

    private static boolean sameAsciiLowerCase(String key, String s) {
      int n = s.length();
      if (key.length() != n) {
        return false;
      }
      for (int q = 0; q < n; q++) {
        char c = s.charAt(q);
        if (key.charAt(q) != (c >= 'A' && c <= 'Z' ? c + 32 : c)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * The word-pair predicates: pair of token numbers ({@link #pairKey} without the kind bit) to the
   * rows of "pw,w=" and of "w,nw=" (zeros where the model has none, which add nothing), stored
   * right after the key: a look-up touches one place of memory, and the "w,nw=" look-up for one
   * token finds in the cache the slot the "pw,w=" look-up for the next token needs. Open
   * addressing; immutable once filled.
   */
  private static final class PairRows {
    /** Per slot: the key + 1 (0 when empty), then the two rows' doubles as raw bits. */
    private final long[] slots;
    private final int outcomes;
    private final int width;
    private final int mask;
    private final int shift;

    /** From {@code count} keys ({@link #pairKey}, with their kind) and their rows, one after another. */
    PairRows(long[] keys, double[] rows, int count, int outcomes) {
      long[] pairs = new long[count];
      for (int k = 0; k < count; k++) {
        pairs[k] = keys[k] & ~NEXT_PAIR;
      }
      java.util.Arrays.sort(pairs);
      int distinct = 0;
      for (int k = 0; k < count; k++) {
        if (k == 0 || pairs[k] != pairs[k - 1]) {
          distinct++;
        }
      }
      int cap = Integer.highestOneBit(Math.max(4, distinct) * 2) * 2;
      this.outcomes = outcomes;
      width = 1 + 2 * outcomes;
      slots = new long[cap * width];
      mask = cap - 1;
      shift = Long.numberOfLeadingZeros(mask);
      for (int k = 0; k < count; k++) {
        long key = keys[k] & ~NEXT_PAIR;
        int i = slot(key);
        slots[i] = key + 1;
        int at = i + 1 + ((keys[k] & NEXT_PAIR) != 0 ? outcomes : 0);
        for (int o = 0; o < outcomes; o++) {
          slots[at + o] = Double.doubleToRawLongBits(rows[k * outcomes + o]);
        }
      }
    }

    /** Adds the row of the key ({@link #pairKey}, with its kind) to {@code dist}, if the model has it. */
    void add(double[] dist, long key) {
      int i = slot(key & ~NEXT_PAIR);
      if (slots[i] != 0) {
        int at = i + 1 + ((key & NEXT_PAIR) != 0 ? outcomes : 0);
        for (int o = 0; o < outcomes; o++) {
          dist[o] += Double.longBitsToDouble(slots[at + o]);
        }
      }
    }

    private int slot(long key) {
      return probe(slots, width, mask, shift, key);
    }
  }

  /** Long key to a parameter row stored right after it; open addressing; immutable once filled. */
  private static final class KeyRows {
    /** Per slot: the key + 1 (0 when empty), then the row's doubles as raw bits. */
    private final long[] slots;
    private final int width;
    private final int mask;
    private final int shift;

    /** From {@code count} distinct keys and their rows, one after another. */
    KeyRows(long[] keys, double[] rows, int count, int outcomes) {
      int cap = Integer.highestOneBit(Math.max(4, count) * 2) * 2;
      width = 1 + outcomes;
      slots = new long[cap * width];
      mask = cap - 1;
      shift = Long.numberOfLeadingZeros(mask);
      for (int k = 0; k < count; k++) {
        int i = slot(keys[k]);
        slots[i] = keys[k] + 1;
        for (int o = 0; o < outcomes; o++) {
          slots[i + 1 + o] = Double.doubleToRawLongBits(rows[k * outcomes + o]);
        }
      }
    }

    /** Adds the key's row to {@code sum} from its start, if there is one. */
    void add(double[] sum, long key) {
      int i = slot(key);
      if (slots[i] != 0) {
        for (int o = 1; o < width; o++) {
          sum[o - 1] += Double.longBitsToDouble(slots[i + o]);
        }
      }
    }

    private int slot(long key) {
      return probe(slots, width, mask, shift, key);
    }
  }

  /**
   * Linear probing over slots of {@code width} longs whose first long is the key + 1 (0 marks an
   * empty slot): the index of the key's slot, or of the empty slot where it would go.
   */
  private static int probe(long[] slots, int width, int mask, int shift, long key) {
    long stored = key + 1;
    int i = (int) ((stored * 0x9E3779B97F4A7C15L) >>> shift);
    while (slots[i * width] != 0 && slots[i * width] != stored) {
      i = (i + 1) & mask;
    }
    return i * width;
  }
}
