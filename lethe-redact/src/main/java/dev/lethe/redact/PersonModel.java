package dev.lethe.redact;

import dev.lethe.redact.nlp.GazetteerFeatureGeneratorFactory;
import dev.lethe.redact.nlp.NameGazetteer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import opennlp.tools.ml.maxent.GISModel;
import opennlp.tools.ml.model.AbstractModel;
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
 * <p>OpenNLP builds some forty feature strings per token and looks each up in a hash map of half a
 * million predicate names. Here every feature that depends on one token only (its class, its
 * lower-cased form, its affixes, the name-list feature, and their window variants {@code p1..n2})
 * is resolved to predicate ids once per distinct token string and kept in a per-thread cache; the
 * two word-pair features are found by a look-up of the pair of token ids; the features that
 * depend on the previous outcomes, on the previous-map adaptive data or on the position are
 * tables indexed by outcome or token class. An evaluation is then a walk over about forty
 * integer ids adding rows of a flat parameter array. Predicates the model does not know add
 * nothing, as in {@code GISModel}: they resolve to a row of zeros.
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
  /** Above this many tokens with their parameter rows, the rows are dropped before a sentence. */
  private static final int BUILT_LIMIT = 4096;

  private final int outcomes;
  private final String[] outcomeNames;
  private final int other;
  /** {@code StrictMath.log(1.0 / outcomes)}, the uniform prior GISModel starts every sum from. */
  private final double prior;
  /** Row {@code id} holds the parameter of each outcome, 0 where the predicate has none. Row 0 is all 0. */
  private final double[] params;
  /** Predicate name to id, word pairs excepted (they are in {@link #pairs}). */
  private final StringIds predicates;
  /** The tokens that occur in a word-pair predicate, numbered. */
  private final StringIds pairWords;
  private final PairRows pairs;
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
    predicates = new StringIds(pmap.size());
    Map<String, Integer> words = new HashMap<>();
    Map<Long, double[]> pairRows = new HashMap<>();
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
        String rest = name.substring(5);
        for (int comma = rest.indexOf(','); comma >= 0; comma = rest.indexOf(',', comma + 1)) {
          int a = words.computeIfAbsent(rest.substring(0, comma), k -> words.size());
          int b = words.computeIfAbsent(rest.substring(comma + 1), k -> words.size());
          pairRows.put(pairKey(previous ? 0 : NEXT_PAIR, a, b), row);
        }
      } else {
        id++;
        System.arraycopy(row, 0, rows, id * outcomes, outcomes);
        predicates.put(name, id);
      }
    }
    if (contexts.length != pmap.size()) {
      throw new IllegalStateException("the person model's parameters do not match its predicates");
    }
    params = java.util.Arrays.copyOf(rows, (id + 1) * outcomes);
    pairWords = new StringIds(words.size());
    words.forEach(pairWords::put);
    pairs = new PairRows(pairRows.size(), outcomes);
    pairRows.forEach(pairs::put);

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
    return new Session();
  }

  /**
   * Per-thread state: the token cache, the sentence at hand, and the adaptive data of the
   * document at hand (for each token of the document's earlier sentences, the outcome it was last
   * given: the previous-map feature). Use: {@link #sentence}, then {@link #eval} for any tokens in
   * any order, then {@link #update} with the sentence's outcomes; {@link #clear} at the end of the
   * document. Not thread-safe.
   *
   * <p>Cached tokens carry the adaptive data, so they stay cached for the rest of the document: the
   * cache grows with the document's distinct tokens, as OpenNLP's previous map does, but only the
   * last {@value #BUILT_LIMIT} or so tokens whose features were resolved keep their parameter rows
   * (about a kilobyte each); the others keep a few fields. The cache is emptied between documents
   * once it holds more than {@value #CACHE_LIMIT} tokens.
   */
  final class Session {
    private final Map<String, Token> cache = new HashMap<>();
    private final java.util.ArrayList<Token> built = new java.util.ArrayList<>();
    private long document = 1;
    private Token[] sentence = new Token[64];
    private int length;

    /** Makes {@code tokens[0..length)} the sentence at hand. */
    void sentence(String[] tokens, int length) {
      if (sentence.length < length) {
        sentence = new Token[Math.max(length, 2 * sentence.length)];
      }
      if (built.size() >= BUILT_LIMIT) {
        for (Token t : built) {
          t.drop();
        }
        built.clear();
      }
      for (int i = 0; i < length; i++) {
        String t = tokens[i];
        Token k = cache.get(t);
        if (k == null) {
          k = new Token(t);
          cache.put(t, k);
        }
        sentence[i] = k;
      }
      this.length = length;
    }

    /**
     * Writes into {@code dist} the outcome distribution of token {@code i} of the sentence, given
     * the outcomes {@code previous[0..i)} of the tokens before it.
     */
    void eval(int i, int[] previous, double[] dist) {
      Token[] s = sentence;
      int n = length;
      for (int j = Math.max(0, i - 2); j < Math.min(n, i + 3); j++) {
        if (s[j].classes == null) {
          s[j].build();
          built.add(s[j]);
        }
      }
      Token t = s[i];
      for (int o = 0; o < outcomes; o++) {
        dist[o] = prior;
      }
      // The additions follow OpenNLP's feature order exactly, so the sums are bit-identical.
      add(dist, t.classes[0]);
      if (i >= 1) {
        add(dist, s[i - 1].classes[1]);
      }
      if (i >= 2) {
        add(dist, s[i - 2].classes[2]);
      }
      if (i + 1 < n) {
        add(dist, s[i + 1].classes[3]);
      }
      if (i + 2 < n) {
        add(dist, s[i + 2].classes[4]);
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

    /** The name-list features of token {@code j} seen from window position {@code role} (0, p1, n1). */
    private void listed(double[] dist, int j, int role) {
      Token t = sentence[j];
      if (!t.listed) {
        return;
      }
      add(dist, t.gazetteer[role]);
      if ((j >= 1 && sentence[j - 1].listed) || (j + 1 < length && sentence[j + 1].listed)) {
        add(dist, t.gazetteerPair[role]);
      }
    }

    private void pair(double[] dist, long kind, int a, int b) {
      if (a >= 0 && b >= 0) {
        pairs.add(dist, pairKey(kind, a, b));
      }
    }

    /** Records the outcomes of the sentence at hand as adaptive data for the rest of the document. */
    void update(int[] outcomes) {
      for (int i = 0; i < length; i++) {
        Token t = sentence[i];
        t.previous = outcomes[i];
        t.document = document;
      }
    }

    /** Ends the document: forgets its adaptive data. */
    void clear() {
      document++;
      java.util.Arrays.fill(sentence, 0, length, null);
      length = 0;
      if (cache.size() > CACHE_LIMIT) {
        cache.clear();
        built.clear();
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
   * A distinct token string: the parameter rows of its features (resolved on first use, kept
   * beside each other for the sake of the memory cache) and its adaptive data.
   */
  private final class Token {
    final String text;
    int tokenClass;
    boolean listed;
    /** The id of the token in word pairs, or -1 if no pair predicate names it. */
    int pairWord;
    /** Per window position (0, p1, p2, n1, n2): the rows of "wc=" and "w&c="; null until built. */
    double[][] classes;
    /** Per window position: the row of "w=". */
    double[][] word;
    /** Per window position (0, p1, n1): the rows of "gaz" and "gaz=", if listed. */
    double[][] gazetteer;
    /** Per window position (0, p1, n1): the row of "gazpair=", if listed. */
    double[][] gazetteerPair;
    /** The rows of "suf=" then "pre=". */
    double[] affixes;
    /** Per previous outcome: the row of "pow=". */
    double[][] withOutcome;
    /** The outcome last given to this token in {@link #document}. */
    int previous;
    long document;

    Token(String text) {
      this.text = text;
    }

    void build() {
      String t = text;
      String cls = FeatureGeneratorUtil.tokenFeature(t);
      tokenClass = classIndex(cls);
      String lower = StringUtil.toLowerCase(t);
      double[][] c = new double[ROLES.length][];
      word = new double[ROLES.length][];
      for (int r = 0; r < ROLES.length; r++) {
        c[r] = rows(ROLES[r] + "wc=" + cls, ROLES[r] + "w&c=" + lower + "," + cls);
        word[r] = rows(ROLES[r] + "w=" + lower);
      }
      listed = NameGazetteer.contains(t);
      if (listed) {
        String shape = GazetteerFeatureGeneratorFactory.shape(t);
        String[] gazRoles = {"", "p1", "n1"};
        gazetteer = new double[gazRoles.length][];
        gazetteerPair = new double[gazRoles.length][];
        for (int r = 0; r < gazRoles.length; r++) {
          gazetteer[r] = rows(gazRoles[r] + "gaz", gazRoles[r] + "gaz=" + shape);
          gazetteerPair[r] = rows(gazRoles[r] + "gazpair=" + shape);
        }
      }
      int affix = Math.min(AFFIX_LENGTH, t.length());
      String[] names = new String[2 * affix];
      for (int k = 0; k < affix; k++) {
        names[k] = "suf=" + t.substring(Math.max(t.length() - k - 1, 0));
        names[affix + k] = "pre=" + t.substring(0, Math.min(k + 1, t.length()));
      }
      affixes = rows(names);
      withOutcome = new double[outcomes][];
      for (int o = 0; o < outcomes; o++) {
        withOutcome[o] = rows("pow=" + outcomeNames[o] + "," + t);
      }
      pairWord = pairWords.get(t);
      classes = c; // last: non-null marks the token built
    }

    /** Forgets the rows (the adaptive data stays); {@link #build} makes them again. */
    void drop() {
      classes = null;
      word = null;
      gazetteer = null;
      gazetteerPair = null;
      affixes = null;
      withOutcome = null;
    }
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
    for (int c = 0; c < CLASSES.length; c++) {
      if (CLASSES[c].equals(cls)) {
        return c;
      }
    }
    throw new IllegalStateException("unknown OpenNLP token class " + cls);
  }

  /** String to positive int, open addressing; -1 when absent. Immutable once filled. */
  private static final class StringIds {
    private final String[] keys;
    private final int[] values;
    private final int mask;
    private final int shift;

    StringIds(int expected) {
      int cap = Integer.highestOneBit(Math.max(4, expected) * 2) * 2;
      keys = new String[cap];
      values = new int[cap];
      mask = cap - 1;
      shift = Integer.numberOfLeadingZeros(mask);
    }

    void put(String key, int value) {
      int i = slot(key);
      keys[i] = key;
      values[i] = value;
    }

    int get(String key) {
      int i = slot(key);
      return keys[i] == null ? -1 : values[i];
    }

    private int slot(String key) {
      int h = key.hashCode();
      int i = (h * 0x9E3779B9) >>> shift; // the high bits of the product mix all of the hash
      while (keys[i] != null && !keys[i].equals(key)) {
        i = (i + 1) & mask;
      }
      return i;
    }
  }

  /**
   * The word-pair predicates: key ({@link #pairKey}) to parameter row, open addressing, each row
   * stored right after its key so that a look-up touches one place of memory. Immutable once
   * filled.
   */
  private static final class PairRows {
    /** Per slot: the key + 1 (0 when empty), then the row's doubles as raw bits. */
    private final long[] slots;
    private final int width;
    private final int mask;
    private final int shift;

    PairRows(int expected, int outcomes) {
      int cap = Integer.highestOneBit(Math.max(4, expected) * 2) * 2;
      width = 1 + outcomes;
      slots = new long[cap * width];
      mask = cap - 1;
      shift = Long.numberOfLeadingZeros(mask);
    }

    void put(long key, double[] row) {
      int i = slot(key);
      slots[i] = key + 1;
      for (int o = 0; o < row.length; o++) {
        slots[i + 1 + o] = Double.doubleToRawLongBits(row[o]);
      }
    }

    /** Adds the key's row to {@code dist}, if the model has the pair. */
    void add(double[] dist, long key) {
      int i = slot(key);
      if (slots[i] != 0) {
        for (int o = 0; o + 1 < width; o++) {
          dist[o] += Double.longBitsToDouble(slots[i + 1 + o]);
        }
      }
    }

    private int slot(long key) {
      long stored = key + 1;
      int i = (int) ((stored * 0x9E3779B97F4A7C15L) >>> shift);
      while (slots[i * width] != 0 && slots[i * width] != stored) {
        i = (i + 1) & mask;
      }
      return i * width;
    }
  }
}
