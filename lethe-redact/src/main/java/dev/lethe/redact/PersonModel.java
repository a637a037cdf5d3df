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
 * The shipped PERSON maxent model, evaluated without OpenNLP at inference: the same outcome
 * distribution as {@code GISModel.eval(contextGenerator.getContext(...))} for the feature
 * descriptor {@link #DESCRIPTOR} (checked when the model is compiled), computed with the same
 * additions in the same order, so the probabilities are identical to the last bit.
 *
 * <p>OpenNLP builds some sixty feature strings per token (OpenNLP 2.5's aggregate generator
 * emits every generator but the first twice, and the model was trained so) and looks each up in a
 * hash map of half a million predicate names. Here the model is split at load: the predicates of
 * one token's word ({@code w=}, {@code w&c=} at every window position) are filed under the
 * lower-cased word, those of the token as written ({@code pow=}) under the token, the word-pair
 * predicates under pairs of token numbers, and the token-independent ones (token class, name-list
 * shape, outcome, position) are tables. A token's parameter rows are resolved once per distinct
 * token string (about ten look-ups) and kept in a per-thread cache. An evaluation is then a walk
 * over about sixty parameter rows, adding them in OpenNLP's order. Predicates the model does
 * not know add nothing, as in {@code GISModel}.
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
  private static final double[] NO_ROWS = new double[0];

  private final int outcomes;
  private final String[] outcomeNames;
  private final int other;
  /** {@code StrictMath.log(1.0 / outcomes)}, the uniform prior GISModel starts every sum from. */
  private final double prior;
  /** Row {@code id} holds the parameter of each outcome, 0 where the predicate has none. Row 0 is all 0. */
  private final double[] params;
  /**
   * Predicate name to id, for the predicates not reached through {@link #words}, {@link #exact}
   * or {@link #pairs}: affixes and the token-independent ones.
   */
  private final StringIds predicates;
  /** Lower-cased token to its "w=" and "w&c=" predicates at every window position. */
  private final StringTable<Word> words;
  /** Token to its "pow=" predicates and its number in word pairs. */
  private final StringTable<Exact> exact;
  private final PairRows pairs;
  /** The "suf=" and "pre=" predicates, by {@link #affixKey}. */
  private final KeyRows affixTable;
  /** [window position][class]: the row of "wc=" class. */
  private final double[][][] classRows;
  /** [window position (0, p1, n1)][shape]: the rows of "gaz" and "gaz=" shape; of "gazpair=" shape. */
  private final double[][][] listRows;
  private final double[][][] listPairRows;
  private final int def;
  private final int sentenceBegin;
  /** "pd=null", then "pd=" + each outcome. */
  private final int[] previousMap;
  private final int[] previousOutcome;
  private final int[] previousPreviousOutcome;
  /** [outcome][class]: "powf=" outcome "," class. */
  private final int[][] outcomeClass;
  /** [class][class]: "pwc,wc=" and "wc,nc=". */
  private final int[][] previousClassClass;
  private final int[][] classNextClass;

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
    prior = StrictMath.log(1.0 / outcomes);
    Map<String, Integer> pairWords = new HashMap<>();
    long[] pairKeys = new long[1 << 16];
    double[] pairRows = new double[pairKeys.length * outcomes];
    int pairCount = 0;
    long[] affixKeys = new long[1 << 15];
    double[] affixRows = new double[affixKeys.length * outcomes];
    int affixCount = 0;
    Map<String, Integer> rest = new HashMap<>();
    Map<String, Word> wordMap = new HashMap<>();
    Map<String, Exact> exactMap = new HashMap<>();
    double[] rows = new double[(pmap.size() + 1) * outcomes];
    int id = 0;
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
          System.arraycopy(row, 0, pairRows, pairCount * outcomes, outcomes);
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
          System.arraycopy(row, 0, affixRows, affixCount * outcomes, outcomes);
          affixCount++;
        }
        continue;
      }
      id++;
      System.arraycopy(row, 0, rows, id * outcomes, outcomes);
      if (!token(name, id, wordMap, exactMap)) {
        rest.put(name, id);
      }
    }
    if (contexts.length != pmap.size()) {
      throw new IllegalStateException("the person model's parameters do not match its predicates");
    }
    params = java.util.Arrays.copyOf(rows, (id + 1) * outcomes);
    predicates = new StringIds(rest.size());
    rest.forEach(predicates::put);
    pairWords.forEach((w, n) -> exactMap.computeIfAbsent(w, k -> new Exact()).pairWord = n);
    words = new StringTable<>(wordMap);
    exact = new StringTable<>(exactMap);
    pairs = new PairRows(pairKeys, pairRows, pairCount, outcomes);
    affixTable = new KeyRows(affixKeys, affixRows, affixCount, outcomes);

    classRows = new double[ROLES.length][CLASSES.length][];
    for (int r = 0; r < ROLES.length; r++) {
      for (int c = 0; c < CLASSES.length; c++) {
        classRows[r][c] = rows(ROLES[r] + "wc=" + CLASSES[c]);
      }
    }
    listRows = new double[LIST_ROLES.length][SHAPES.length][];
    listPairRows = new double[LIST_ROLES.length][SHAPES.length][];
    for (int r = 0; r < LIST_ROLES.length; r++) {
      for (int h = 0; h < SHAPES.length; h++) {
        listRows[r][h] = rows(LIST_ROLES[r] + "gaz", LIST_ROLES[r] + "gaz=" + SHAPES[h]);
        listPairRows[r][h] = rows(LIST_ROLES[r] + "gazpair=" + SHAPES[h]);
      }
    }
    def = id("def");
    sentenceBegin = id("S=begin");
    previousMap = new int[outcomes + 1];
    previousMap[0] = id("pd=null");
    previousOutcome = new int[outcomes];
    previousPreviousOutcome = new int[outcomes];
    outcomeClass = new int[outcomes][CLASSES.length];
    for (int o = 0; o < outcomes; o++) {
      previousMap[o + 1] = id("pd=" + outcomeNames[o]);
      previousOutcome[o] = id("po=" + outcomeNames[o]);
      previousPreviousOutcome[o] = id("ppo=" + outcomeNames[o]);
      for (int c = 0; c < CLASSES.length; c++) {
        outcomeClass[o][c] = id("powf=" + outcomeNames[o] + "," + CLASSES[c]);
      }
    }
    previousClassClass = new int[CLASSES.length][CLASSES.length];
    classNextClass = new int[CLASSES.length][CLASSES.length];
    for (int a = 0; a < CLASSES.length; a++) {
      for (int b = 0; b < CLASSES.length; b++) {
        previousClassClass[a][b] = id("pwc,wc=" + CLASSES[a] + "," + CLASSES[b]);
        classNextClass[a][b] = id("wc,nc=" + CLASSES[a] + "," + CLASSES[b]);
      }
    }
  }

  /**
   * Files a predicate that is found through its token ("w=", "w&c=" at any window position, and
   * "pow="), and says whether it was one.
   */
  private boolean token(String name, int id, Map<String, Word> words, Map<String, Exact> exact) {
    int role = 0;
    for (int r = 1; r < ROLES.length; r++) {
      if (name.startsWith(ROLES[r]) && (name.startsWith("w=", 2) || name.startsWith("w&c=", 2))) {
        role = r;
      }
    }
    String body = role == 0 ? name : name.substring(2);
    if (body.startsWith("w=")) {
      words.computeIfAbsent(body.substring(2), k -> new Word()).word[role] = id;
      return true;
    }
    if (body.startsWith("w&c=")) {
      int comma = body.lastIndexOf(',');
      int c = comma < 4 ? -1 : classIndexOrNone(body.substring(comma + 1));
      if (c >= 0) {
        words.computeIfAbsent(body.substring(4, comma), k -> new Word()).withClass(role, c, id);
      }
      return true; // a class OpenNLP cannot produce is never asked for
    }
    for (int o = 0; o < outcomes; o++) {
      String prefix = "pow=" + outcomeNames[o] + ",";
      if (name.startsWith(prefix)) {
        exact.computeIfAbsent(name.substring(prefix.length()), k -> new Exact()).withOutcome[o] = id;
        return true;
      }
    }
    return false;
  }

  /** The word predicates of a lower-cased token. */
  private static final class Word {
    /** Per window position: the id of "w=", 0 if none. */
    final int[] word = new int[ROLES.length];
    /** Pairs of (window position * classes + class, id of "w&c="). */
    int[] withClass = new int[0];

    void withClass(int role, int c, int id) {
      int n = withClass.length;
      withClass = java.util.Arrays.copyOf(withClass, n + 2);
      withClass[n] = role * CLASSES.length + c;
      withClass[n + 1] = id;
    }

    int withClass(int role, int c) {
      int code = role * CLASSES.length + c;
      for (int k = 0; k < withClass.length; k += 2) {
        if (withClass[k] == code) {
          return withClass[k + 1];
        }
      }
      return 0;
    }
  }

  /** The predicates of a token as written. */
  private final class Exact {
    /** Per previous outcome: the id of "pow=", 0 if none. */
    final int[] withOutcome = new int[outcomes];
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

  /** The predicate's id, or 0 (the row of zeros) when the model does not know it. */
  private int id(String predicate) {
    return Math.max(predicates.get(predicate), 0);
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
   * recently used ones) keep their parameter rows, half a kilobyte or so each; the others keep a
   * few fields. At the end of a document, once the cache holds more than {@value #CACHE_LIMIT}
   * tokens, it forgets those without rows. A thread's session thus holds a few megabytes at most,
   * beyond the current document's tokens.
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

    private Session(int builtLimit, int cacheLimit) {
      this.builtLimit = builtLimit;
      this.cacheLimit = cacheLimit;
    }
    private Token[] sentence = new Token[64];
    private boolean[] evaluated = new boolean[64];
    private int length;
    /** Where the sentence's strings come from: an array, or a text's tokens from an offset. */
    private String[] strings;
    private Tokens source;
    private int offset;

    /** Makes {@code tokens[0..length)} the sentence at hand. */
    void sentence(String[] tokens, int length) {
      begin(length);
      strings = tokens;
    }

    /**
     * Makes tokens {@code from..to} of {@code tk} the sentence at hand. Their strings are made and
     * looked up only when an evaluation needs them (a token within two of an evaluated one).
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
        k = cached(strings != null ? strings[j] : source.token(offset + j));
        sentence[j] = k;
      }
      return k;
    }

    /**
     * Writes into {@code dist} the outcome distribution of token {@code i} of the sentence, given
     * the outcomes {@code previous[0..i)} of the tokens before it.
     */
    void eval(int i, int[] previous, double[] dist) {
      Token[] s = sentence;
      int n = length;
      for (int j = Math.max(0, i - 2); j < Math.min(n, i + 3); j++) {
        Token k = token(j);
        if (!k.built()) {
          k.build();
          built.add(k);
        }
        k.used = sentences;
      }
      evaluated[i] = true;
      Token t = s[i];
      if (!t.builtOwn()) {
        t.buildOwn();
      }
      for (int o = 0; o < outcomes; o++) {
        dist[o] = prior;
      }
      // The additions follow OpenNLP's feature order exactly, so the sums are bit-identical.
      classes(dist, t, 0);
      if (i >= 1) {
        classes(dist, s[i - 1], 1);
      }
      if (i >= 2) {
        classes(dist, s[i - 2], 2);
      }
      if (i + 1 < n) {
        classes(dist, s[i + 1], 3);
      }
      if (i + 2 < n) {
        classes(dist, s[i + 2], 4);
      }
      // OpenNLP 2.5's AggregatedFeatureGeneratorFactory keeps its first child generator as the
      // aggregate of all its children and then adds the other children again, so the model was
      // trained (and is evaluated) with every generator but the first emitting its features twice.
      for (int twice = 0; twice < 2; twice++) {
        add(dist, t.word[0]);
        if (i >= 1) {
          add(dist, s[i - 1].word[1]);
        }
        if (i >= 2) {
          add(dist, s[i - 2].word[2]);
        }
        if (i + 1 < n) {
          add(dist, s[i + 1].word[3]);
        }
        if (i + 2 < n) {
          add(dist, s[i + 2].word[4]);
        }
        listed(dist, i, 0);
        if (i >= 1) {
          listed(dist, i - 1, 1);
        }
        if (i + 1 < n) {
          listed(dist, i + 1, 2);
        }
        add(dist, def);
        add(dist, previousMap[t.document == document ? t.previous + 1 : 0]);
        if (i >= 1) {
          Token p = s[i - 1];
          pair(dist, 0, p.pairWord, t.pairWord);
          add(dist, previousClassClass[p.tokenClass][t.tokenClass]);
        }
        if (i + 1 < n) {
          Token x = s[i + 1];
          pair(dist, NEXT_PAIR, t.pairWord, x.pairWord);
          add(dist, classNextClass[t.tokenClass][x.tokenClass]);
        }
        if (i == 0) {
          add(dist, sentenceBegin);
        }
        add(dist, t.affixes);
      }
      int po = i >= 1 ? previous[i - 1] : other;
      int ppo = i >= 2 ? previous[i - 2] : other;
      add(dist, previousOutcome[po]);
      add(dist, t.withOutcome[po]);
      add(dist, outcomeClass[po][t.tokenClass]);
      add(dist, previousPreviousOutcome[ppo]);
      double normal = 0.0;
      for (int o = 0; o < outcomes; o++) {
        dist[o] = StrictMath.exp(dist[o]);
        normal += dist[o];
      }
      for (int o = 0; o < outcomes; o++) {
        dist[o] /= normal;
      }
    }

    /** The token-class features of token t seen from window position {@code role}. */
    private void classes(double[] dist, Token t, int role) {
      add(dist, classRows[role][t.tokenClass]);
      add(dist, t.wordAndClass[role]);
    }

    /** The name-list features of token {@code j} seen from window position {@code role} (0, p1, n1). */
    private void listed(double[] dist, int j, int role) {
      Token t = sentence[j];
      if (t.shape < 0) {
        return;
      }
      add(dist, listRows[role][t.shape]);
      if ((j >= 1 && sentence[j - 1].shape >= 0) || (j + 1 < length && sentence[j + 1].shape >= 0)) {
        add(dist, listPairRows[role][t.shape]);
      }
    }

    private void pair(double[] dist, long kind, int a, int b) {
      if (a >= 0 && b >= 0) {
        pairs.add(dist, pairKey(kind, a, b));
      }
    }

    /** The cached token of a string, made and cached if new. */
    private Token cached(String t) {
      int h = t.hashCode();
      int mask = cache.length - 1;
      int i = (h * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask);
      for (Token k; (k = cache[i]) != null; i = (i + 1) & mask) {
        if (cacheHashes[i] == h && k.text.equals(t)) {
          return k;
        }
      }
      Token k = new Token(t);
      cache[i] = k;
      cacheHashes[i] = h;
      if (++cached * 2 > cache.length) {
        rehash(cache.length * 2, false);
      }
      return k;
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

  private void add(double[] dist, int id) {
    int row = id * outcomes;
    for (int o = 0; o < outcomes; o++) {
      dist[o] += params[row + o];
    }
  }

  /** Adds parameter rows copied from {@link #params}, in their order. */
  private void add(double[] dist, double[] rows) {
    for (int r = 0; r < rows.length; r += outcomes) {
      for (int o = 0; o < outcomes; o++) {
        dist[o] += rows[r + o];
      }
    }
  }

  /**
   * A distinct token string: the parameter rows of its own features (resolved on first use, copied
   * beside each other for the sake of the memory cache) and its adaptive data.
   */
  private final class Token {
    final String text;
    int tokenClass;
    /** The index of its name-list shape, or -1 if not listed. */
    int shape;
    /** The token's number in word pairs, or -1 if no pair predicate names it. */
    int pairWord;
    /** Per window position (0, p1, p2, n1, n2): the row of "w&c="; null until built. */
    double[][] wordAndClass;
    /** Per window position: the row of "w=". */
    double[][] word;
    /** The rows of "suf=" then "pre=". */
    double[] affixes;
    /** Per previous outcome: the row of "pow=". */
    double[][] withOutcome;
    /** The token's entry of {@link #exact}, between {@link #build} and {@link #buildOwn}. */
    Exact own;
    /** The outcome last given to this token in {@link #document}. */
    int previous;
    long document;
    /** The number of the last sentence whose evaluation used the rows. */
    long used;

    Token(String text) {
      this.text = text;
    }

    boolean built() {
      return word != null;
    }

    void build() {
      String t = text;
      tokenClass = classIndex(FeatureGeneratorUtil.tokenFeature(t));
      Word w = words.get(lowerCase(t));
      double[][] ws = new double[ROLES.length][];
      wordAndClass = new double[ROLES.length][];
      for (int r = 0; r < ROLES.length; r++) {
        ws[r] = w == null ? NO_ROWS : row(w.word[r]);
        wordAndClass[r] = w == null ? NO_ROWS : row(w.withClass(r, tokenClass));
      }
      shape = -1;
      if (NameGazetteer.contains(t)) {
        String h = GazetteerFeatureGeneratorFactory.shape(t);
        for (int k = 0; k < SHAPES.length; k++) {
          if (SHAPES[k].equals(h)) {
            shape = k;
          }
        }
      }
      Exact x = exact.get(t);
      pairWord = x == null ? -1 : x.pairWord;
      own = x;
      word = ws; // last: non-null marks the window part built
    }

    /** Whether the rows only the token's own evaluation needs are there. */
    boolean builtOwn() {
      return affixes != null;
    }

    /** Makes the rows only the token's own evaluation needs (not its neighbours'); after build. */
    void buildOwn() {
      String t = text;
      // "suf=" of the last 1..3 chars, then "pre=" of the first 1..3, as OpenNLP lists them.
      int affix = Math.min(AFFIX_LENGTH, t.length());
      double[] a = new double[2 * affix * outcomes];
      int n = 0;
      for (int k = 0; k < 2 * affix; k++) {
        int len = k < affix ? k + 1 : k - affix + 1;
        long key = k < affix ? affixKey(0, t, t.length() - len, len) : affixKey(1, t, 0, len);
        n = affixTable.copy(key, a, n);
      }
      withOutcome = new double[outcomes][];
      for (int o = 0; o < outcomes; o++) {
        withOutcome[o] = own == null ? NO_ROWS : row(own.withOutcome[o]);
      }
      affixes = n == a.length ? a : java.util.Arrays.copyOf(a, n); // last: marks the part built
    }

    /** Forgets the rows (the adaptive data stays); {@link #build} makes them again. */
    void drop() {
      own = null;
      word = null;
      wordAndClass = null;
      affixes = null;
      withOutcome = null;
    }
  }

  /**
   * OpenNLP's lower case ({@link StringUtil#toLowerCase}, code point by code point), without its
   * stream for an ASCII token, where it only maps A to Z.
   */
  static String lowerCase(String t) {
    boolean upper = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= 128) {
        return StringUtil.toLowerCase(t);
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

  /** The parameter row of a predicate id, none for 0. */
  private double[] row(int id) {
    return id == 0 ? NO_ROWS : java.util.Arrays.copyOfRange(params, id * outcomes, (id + 1) * outcomes);
  }

  /** The parameter rows of the predicates the model knows, in the given order. */
  private double[] rows(String... names) {
    double[] rows = new double[names.length * outcomes];
    int n = 0;
    for (String name : names) {
      int id = predicates.get(name);
      if (id > 0) {
        System.arraycopy(params, id * outcomes, rows, n, outcomes);
        n += outcomes;
      }
    }
    return n == rows.length ? rows : java.util.Arrays.copyOf(rows, n);
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

  /** String to positive int, open addressing; -1 when absent. Immutable once filled. */
  private static final class StringIds {
    private final String[] keys;
    private final int[] hashes;
    private final int[] values;
    private final int mask;
    private final int shift;

    StringIds(int expected) {
      int cap = Integer.highestOneBit(Math.max(4, expected) * 2) * 2;
      keys = new String[cap];
      hashes = new int[cap];
      values = new int[cap];
      mask = cap - 1;
      shift = Integer.numberOfLeadingZeros(mask);
    }

    void put(String key, int value) {
      int i = slot(key);
      keys[i] = key;
      hashes[i] = key.hashCode();
      values[i] = value;
    }

    int get(String key) {
      int i = slot(key);
      return keys[i] == null ? -1 : values[i];
    }

    private int slot(String key) {
      int h = key.hashCode();
      int i = (h * 0x9E3779B9) >>> shift; // the high bits of the product mix all of the hash
      // The stored hash is compared first, so a slot's key is only read when it likely matches.
      while (keys[i] != null && (hashes[i] != h || !keys[i].equals(key))) {
        i = (i + 1) & mask;
      }
      return i;
    }
  }

  /**
   * String to object, immutable, filled from a map. Open addressing over one array of longs, each
   * the key's hash and the entry's number: a probe reads one place of memory, and a key (and its
   * chars) only when the hashes match. Most look-ups of new tokens miss, so that is what counts.
   */
  private static final class StringTable<V> {
    /** Per slot: hash << 32 | (entry number + 1); 0 when empty. */
    private final long[] slots;
    private final String[] keys;
    private final Object[] values;
    private final int mask;
    private final int shift;

    StringTable(Map<String, V> map) {
      int cap = Integer.highestOneBit(Math.max(4, map.size()) * 2) * 2;
      slots = new long[cap];
      keys = new String[map.size()];
      values = new Object[map.size()];
      mask = cap - 1;
      shift = Integer.numberOfLeadingZeros(mask);
      int n = 0;
      for (Map.Entry<String, V> e : map.entrySet()) {
        int h = e.getKey().hashCode();
        int i = (h * 0x9E3779B9) >>> shift;
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[n] = e.getKey();
        values[n] = e.getValue();
        slots[i] = ((long) h << 32) | (n + 1L);
        n++;
      }
    }

    @SuppressWarnings("unchecked")
    V get(String key) {
      int h = key.hashCode();
      int i = (h * 0x9E3779B9) >>> shift;
      for (long s; (s = slots[i]) != 0; i = (i + 1) & mask) {
        if ((int) (s >>> 32) == h) {
          int n = (int) s - 1;
          if (keys[n].equals(key)) {
            return (V) values[n];
          }
        }
      }
      return null;
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

    /** Appends the key's row to {@code out} at {@code n}, if there is one; returns the new end. */
    int copy(long key, double[] out, int n) {
      int i = slot(key);
      if (slots[i] == 0) {
        return n;
      }
      for (int o = 1; o < width; o++) {
        out[n++] = Double.longBitsToDouble(slots[i + o]);
      }
      return n;
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
