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
 * filed under the lower-cased word in one flat {@link Vocabulary}, affixes under their chars packed
 * in a number (each with the sum of its shorter affixes, so a token's affixes of a kind are one
 * look-up), word pairs under pairs of token numbers, and the token-independent ones (token class,
 * name-list shape, outcome, position) are small tables, with every predicate that OpenNLP emits
 * twice stored doubled. When a token string is first seen, its class and name-list shape are
 * computed from its chars and its word looked up once; then, per window position, the sum of all
 * it contributes there (class, {@code w&c=}, twice {@code w=}) is made, and for a token evaluated
 * itself the sum of its affixes. These sums are kept in a bounded per-thread cache. An evaluation
 * then adds about fifteen rows: the five tokens' sums, the pair and class-pair rows, the name-list
 * rows, the previous outcomes and the adaptive data. Predicates the model does not know add
 * nothing, as in {@code GISModel}.
 *
 * <p>The cost that remains is mostly memory latency: a token first seen reads the vocabulary, and
 * the affix and pair tables, a few megabytes the processor's cache does not keep.
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
  /** The tokens a session's cache holds. */
  private static final int CACHE_SIZE = 8192;
  /** The cache's associativity: a token may be in any of this many slots. */
  private static final int WAYS = 4;
  /** A token's name-list shape before it is looked up. */
  private static final int UNKNOWN_SHAPE = -2;
  /** What {@link #pack} gives for a token it cannot pack. */
  private static final long LONG_TOKEN = -1;
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
  private final Vocabulary words;
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
    Map<String, double[]> affixes = new HashMap<>();
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
          for (int o = 0; o < outcomes; o++) {
            row[o] *= 2; // emitted twice
          }
          affixes.put(name, row);
        }
        continue;
      }
      if (!token(name, row, wordMap)) {
        rest.put(name, row);
      }
    }
    pairWords.forEach((w, n) -> wordMap.computeIfAbsent(lowerCase(w), k -> new WordBuilder()).exact(w).pairWord = n);
    words = new Vocabulary(wordMap, outcomes);
    pairs = new PairRows(pairKeys, pairRows, pairCount, outcomes);
    affixTable = affixChains(affixes);

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
   * The affix table: for each "suf=" and "pre=" predicate, the sum of its row and of the rows of the
   * shorter affixes of the same kind that it ends (suffixes) or starts (prefixes) with. A token's
   * affixes of one kind are then the entry of the longest one the model knows.
   */
  private KeyRows affixChains(Map<String, double[]> affixes) {
    long[] keys = new long[affixes.size()];
    double[] rows = new double[keys.length * outcomes];
    int n = 0;
    for (String name : affixes.keySet()) {
      String kind = name.substring(0, 4);
      boolean suffix = kind.equals("suf=");
      String a = name.substring(4);
      int len = a.length();
      for (int l = 1; l <= len; l++) {
        double[] r = affixes.get(kind + (suffix ? a.substring(len - l) : a.substring(0, l)));
        if (r != null) {
          for (int o = 0; o < outcomes; o++) {
            rows[n * outcomes + o] += r[o];
          }
        }
      }
      keys[n++] = affixKey(suffix ? 0 : 1, a.toCharArray(), 0, len);
    }
    return new KeyRows(keys, rows, n, outcomes);
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
  private static long affixKey(int kind, char[] s, int from, int len) {
    long key = ((long) kind << 50) | ((long) len << 48);
    for (int c = 0; c < len; c++) {
      key |= (long) s[from + c] << (32 - 16 * c);
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
    return new Session(CACHE_SIZE);
  }

  /** A session whose cache holds {@code size} tokens, at least 4 (tests use small ones to exercise eviction). */
  Session session(int size) {
    return new Session(size);
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
   * <p>The cache holds a fixed number of tokens ({@value #CACHE_SIZE}), in sets of {@value #WAYS}
   * by hash; a new token replaces the least recently used of its set, so a token not seen for a
   * while costs its look-ups again. A new token enters as the least recently used (but one in
   * {@value #FRESH_RECENT}, as the most), since most tokens first seen do not come back soon; its
   * next look-up makes it the most recent. It is laid out for a look-up to touch little memory and for a
   * new token to allocate nothing: a set is one run of eight longs in {@code table} (64 bytes, one
   * or two cache lines), the keys of its ways (a short token {@link #pack}ed, which decides
   * equality without reading chars; a longer one's length and hash) and when each was last used.
   * A way is a slot number, and a slot's data lies at slot times a stride in flat arrays that the
   * next token of the slot reuses: its summed rows (doubles), its class, pair number, name-list
   * shape, form, length and adaptive data (ints), and its chars (an array per slot, grown when a
   * longer token needs it). About 300 bytes a slot, some 2.5 megabytes a session.
   *
   * <p>The sentence at hand refers to its tokens by slot and by the slot's generation, which counts
   * its reuses: a token dropped from the cache while its sentence is at hand is looked up again
   * when next needed. The tokens of one evaluation are pinned until it ends (never chosen to be
   * replaced); should all ways of a set be pinned, the token goes to one of {@value #SPARE} spare
   * slots outside the sets, which are never found by a look-up and hold no adaptive data.
   *
   * <p>A token's adaptive data is in its slot while cached; one dropped from the cache during a
   * document leaves it in a map for the rest of the document (as OpenNLP's previous map, that map
   * grows with the document's distinct evaluated tokens, and is emptied after it), and a token
   * coming back takes it from there.
   */
  final class Session {
    /** The slots in sets ({@code sets * WAYS}); the spare slots follow them. */
    private final int size;
    private final int sets;
    /**
     * Per set, {@link #SET_LONGS} longs: the key of each way ({@link #key}; 0 while empty), then
     * when each way was last used ({@link #clock}).
     */
    private final long[] table;
    private long clock;
    /**
     * Per slot, at {@code slot * rowStride}: for each window position (0, p1, p2, n1, n2), the sum
     * of the features the token gives a window at that position (its "wc=" class, its "w&c=" and
     * twice its "w="); then the rows only its own evaluation needs, made on its first ({@link
     * #own}): the sum of its affixes ("suf=" and "pre=", each twice), then at {@code outcomes +
     * previous outcome * outcomes} its "pow=".
     */
    private final double[] rows;
    private final int rowStride;
    private final int ownOffset;
    /** Per slot, at {@code slot * INFO}: the fields {@code INFO_...}. */
    private final int[] info;
    /** Per slot: whether its own rows are made. */
    private final boolean[] own;
    /** Per slot: the token's chars, its first {@code INFO_LENGTH}. */
    private final char[][] text;
    /** The slots of the evaluation at hand, which a new token does not replace. */
    private final int[] pinned = new int[SPARE];
    private int pins;
    /** The chars of a sentence string being looked up. */
    private char[] chars = new char[64];
    /** The adaptive data of the document's tokens dropped from the cache: text to outcome. */
    private final Map<String, Integer> dropped = new HashMap<>();
    /** The document at hand; a slot's adaptive data is of this document if its number is this. */
    private int document = 1;
    /** Per position of the sentence: its token's slot (-1 until looked up), and the slot's generation then. */
    private int[] slots = new int[64];
    private int[] generations = new int[64];
    private boolean[] evaluated = new boolean[64];
    private int length;
    /** Where the sentence's strings come from: an array, or a text's tokens from an offset. */
    private String[] strings;
    private Tokens source;
    private int offset;

    private Session(int size) {
      if (size < WAYS || Integer.bitCount(size) != 1) {
        throw new IllegalArgumentException("cache size must be a power of two >= " + WAYS + ": " + size);
      }
      this.size = size;
      sets = size / WAYS;
      table = new long[sets * SET_LONGS];
      int slotCount = size + SPARE;
      ownOffset = ROLES.length * outcomes;
      rowStride = ownOffset + (1 + outcomes) * outcomes;
      rows = new double[slotCount * rowStride];
      info = new int[slotCount * INFO];
      own = new boolean[slotCount];
      text = new char[slotCount][];
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
      if (slots.length < length) {
        int n = Math.max(length, 2 * slots.length);
        slots = new int[n];
        generations = new int[n];
        evaluated = new boolean[n];
      }
      java.util.Arrays.fill(slots, 0, length, -1);
      java.util.Arrays.fill(evaluated, 0, length, false);
      strings = null;
      source = null;
      this.length = length;
    }

    /**
     * The slot of the token at position j of the sentence, looked up if it was not or its slot
     * has been reused since; pinned until the evaluation at hand ends.
     */
    private int token(int j) {
      int k = slots[j];
      if (k < 0 || info[k * INFO + INFO_GENERATION] != generations[j]) {
        if (strings == null) {
          int p = offset + j;
          k = cached(source.chars, source.starts[p], source.ends[p], null);
        } else {
          String s = strings[j];
          if (chars.length < s.length()) {
            chars = new char[s.length()];
          }
          s.getChars(0, s.length(), chars, 0);
          k = cached(chars, 0, s.length(), s);
        }
        slots[j] = k;
        generations[j] = info[k * INFO + INFO_GENERATION];
      }
      pinned[pins++] = k;
      return k;
    }

    /**
     * Writes into {@code dist} the outcome distribution of token {@code i} of the sentence, given
     * the outcomes {@code previous[0..i)} of the tokens before it.
     */
    void eval(int i, int[] previous, double[] dist) {
      int n = length;
      pins = 0;
      for (int j = Math.max(0, i - 2); j < Math.min(n, i + 3); j++) {
        token(j);
      }
      evaluated[i] = true;
      int[] s = slots;
      int[] in = info;
      double[] r = rows;
      int t = s[i];
      if (!own[t]) {
        makeOwn(t);
      }
      int nc = CLASSES.length;
      int ti = t * INFO;
      int c = in[ti + INFO_CLASS];
      int po = i >= 1 ? previous[i - 1] : other;
      int ppo = i >= 2 ? previous[i - 2] : other;
      int pd = (in[ti + INFO_DOCUMENT] == document ? in[ti + INFO_PREVIOUS] + 1 : 0) * outcomes;
      int at = t * rowStride;
      int ownAt = at + ownOffset;
      int pow = ownAt + outcomes + po * outcomes;
      int poc = (po * nc + c) * outcomes;
      int pp = ppo * outcomes;
      // Every feature of OpenNLP's context, in sums made per token and per table: the own token's
      // class, words and affixes, each neighbour's class and words at its window position, the
      // pairs, the name list, the previous outcomes and the adaptive data.
      for (int o = 0; o < outcomes; o++) {
        dist[o] = base[o] + r[at + o] + r[ownAt + o] + r[pow + o] + previousOutcomeClass[poc + o]
            + previousPreviousOutcome[pp + o] + previousMap[pd + o];
      }
      int pair = in[ti + INFO_PAIR];
      if (i >= 1) {
        int p = s[i - 1];
        add(dist, r, p * rowStride + outcomes);
        add(dist, previousClassClass, (in[p * INFO + INFO_CLASS] * nc + c) * outcomes);
        pair(dist, 0, in[p * INFO + INFO_PAIR], pair);
      } else {
        add(dist, sentenceBegin, 0);
      }
      if (i >= 2) {
        add(dist, r, s[i - 2] * rowStride + 2 * outcomes);
      }
      if (i + 1 < n) {
        int x = s[i + 1];
        add(dist, r, x * rowStride + 3 * outcomes);
        add(dist, classNextClass, (c * nc + in[x * INFO + INFO_CLASS]) * outcomes);
        pair(dist, NEXT_PAIR, pair, in[x * INFO + INFO_PAIR]);
      }
      if (i + 2 < n) {
        add(dist, r, s[i + 2] * rowStride + 4 * outcomes);
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
      int shape = shape(j);
      if (shape < 0) {
        return;
      }
      int at = (role * SHAPES.length + shape) * outcomes;
      add(dist, listRows, at);
      if ((j >= 1 && shape(j - 1) >= 0) || (j + 1 < length && shape(j + 1) >= 0)) {
        add(dist, listPairRows, at);
      }
    }

    /**
     * The name-list shape of token j of the sentence, looked up when first needed: the feature
     * reads it for the tokens next to an evaluated one, and for those two away only when the one
     * between is listed, so most tokens only ever seen two away are never looked up in the list.
     */
    private int shape(int j) {
      int k = slots[j];
      int f = k * INFO + INFO_SHAPE;
      if (info[f] == UNKNOWN_SHAPE) {
        boolean listed = strings != null ? NameGazetteer.contains(strings[j]) : source.listedName(offset + j);
        int s = -1;
        if (listed) {
          String h = GazetteerFeatureGeneratorFactory.shape(new String(text[k], 0, info[k * INFO + INFO_LENGTH]));
          for (int x = 0; x < SHAPES.length; x++) {
            if (SHAPES[x].equals(h)) {
              s = x;
            }
          }
        }
        info[f] = s;
      }
      return info[f];
    }

    private void pair(double[] dist, long kind, int a, int b) {
      if (a >= 0 && b >= 0) {
        pairs.add(dist, pairKey(kind, a, b));
      }
    }

    /** Where in {@link #table} the set of a key ({@link #key}) starts. */
    private int setOf(long key) {
      return ((int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & (sets - 1)) * SET_LONGS; // the product's high bits
    }

    /** The cached slot of the chars {@code c[from, to)}, whose key is {@code key} and set at {@code at}, or -1. */
    private int find(long key, int at, char[] c, int from, int to) {
      long[] tb = table;
      for (int w = 0; w < WAYS; w++) {
        if (tb[at + w] == key) {
          int slot = at / SET_LONGS * WAYS + w;
          // A packed key is the token; a long token's key is its length and hash.
          if (key > 0 || java.util.Arrays.equals(text[slot], 0, to - from, c, from, to)) {
            return slot;
          }
        }
      }
      return -1;
    }

    /**
     * The slot of the chars {@code c[from, to)}, made and cached if new; {@code s} is the token as
     * a string, if at hand.
     */
    private int cached(char[] c, int from, int to, String s) {
      long key = key(c, from, to);
      int at = setOf(key);
      int slot = find(key, at, c, from, to);
      long[] tb = table;
      int first = at / SET_LONGS * WAYS;
      if (slot >= 0) {
        tb[at + WAYS + slot - first] = ++clock;
        return slot;
      }
      int victim = oldest(at, false);
      if (pinned(victim)) { // rarely: the least recently used is a token of the evaluation at hand
        victim = oldest(at, true);
      }
      if (victim >= 0) {
        tb[at + victim - first] = key;
        // A new token enters as the least recently used of its set (time 0), one in FRESH_RECENT
        // as the most: most tokens first seen are not seen again soon (names, handles, numbers),
        // and so they do not push out the words that come back; a token that does come back is
        // made the most recent by its next look-up. (On the benchmark, 12 % fewer misses.)
        tb[at + WAYS + victim - first] = (++clock & (FRESH_RECENT - 1)) == 0 ? clock : 0;
      } else { // every way holds a token of the evaluation at hand
        victim = size;
        while (pinned(victim)) {
          victim++;
        }
      }
      // A packable token's key is pack(token, false), which the vocabulary matches written forms by.
      fill(victim, c, from, to, s, key > 0 ? key : LONG_TOKEN);
      return victim;
    }

    /**
     * The slot of the set at {@code at} to take for a new token: an empty way, else the least
     * recently used (not pinned, if so asked; -1 if all are).
     */
    private int oldest(int at, boolean unpinned) {
      long[] tb = table;
      int first = at / SET_LONGS * WAYS;
      int victim = -1;
      for (int w = 0; w < WAYS; w++) {
        if (tb[at + w] == 0) {
          return first + w;
        }
        if ((victim < 0 || tb[at + WAYS + w] < tb[at + WAYS + victim - first]) && !(unpinned && pinned(first + w))) {
          victim = first + w;
        }
      }
      return victim;
    }

    private boolean pinned(int slot) {
      for (int p = 0; p < pins; p++) {
        if (pinned[p] == slot) {
          return true;
        }
      }
      return false;
    }

    /**
     * Makes the slot hold the token {@code c[from, to)} (as a string {@code s}, if at hand; {@link
     * #pack}ed, if it can be): what
     * the model knows of it, its window rows, and its adaptive data if it was dropped during the
     * document; the slot's former token leaves its adaptive data in {@link #dropped}.
     */
    private void fill(int slot, char[] c, int from, int to, String s, long packed) {
      int f = slot * INFO;
      int[] in = info;
      char[] t = text[slot];
      if (in[f + INFO_DOCUMENT] == document && slot < size) { // a spare slot's is in dropped already
        dropped.put(new String(t, 0, in[f + INFO_LENGTH]), in[f + INFO_PREVIOUS]);
      }
      int len = to - from;
      if (t == null || t.length < len) {
        t = text[slot] = new char[Math.max(len, 16)];
      }
      System.arraycopy(c, from, t, 0, len);
      int cls = tokenClass(t, len);
      int entry = words.find(t, len);
      int form = entry < 0 ? -1 : words.form(entry, t, len, packed);
      in[f + INFO_LENGTH] = len;
      in[f + INFO_GENERATION]++;
      in[f + INFO_CLASS] = cls;
      in[f + INFO_FORM] = form;
      in[f + INFO_PAIR] = form < 0 ? -1 : words.pairWord(form);
      in[f + INFO_SHAPE] = UNKNOWN_SHAPE;
      own[slot] = false;
      int at = slot * rowStride;
      int nc = CLASSES.length;
      for (int r = 0; r < ROLES.length; r++) {
        System.arraycopy(classRows, (r * nc + cls) * outcomes, rows, at + r * outcomes, outcomes);
      }
      if (entry >= 0) {
        words.addWindow(entry, cls, rows, at);
      }
      int previous = 0;
      int doc = 0;
      if (!dropped.isEmpty()) {
        Integer p = dropped.get(s != null ? s : new String(t, 0, len));
        if (p != null) {
          previous = p;
          doc = document;
        }
      }
      in[f + INFO_PREVIOUS] = previous;
      in[f + INFO_DOCUMENT] = doc;
    }

    /** Makes the rows only the slot's own evaluation needs (not its neighbours'). */
    private void makeOwn(int slot) {
      char[] t = text[slot];
      int n = info[slot * INFO + INFO_LENGTH];
      int at = slot * rowStride + ownOffset;
      double[] a = rows;
      java.util.Arrays.fill(a, at, at + (1 + outcomes) * outcomes, 0.0);
      // "suf=" of the last 1..3 chars and "pre=" of the first 1..3: the table holds, for each
      // affix, the sum of it and its shorter ones, so the longest one the model knows does.
      for (int len = Math.min(AFFIX_LENGTH, n); len >= 1 && !affixTable.add(a, at, affixKey(0, t, n - len, len)); len--) {
        // shorter
      }
      for (int len = Math.min(AFFIX_LENGTH, n); len >= 1 && !affixTable.add(a, at, affixKey(1, t, 0, len)); len--) {
        // shorter
      }
      int form = info[slot * INFO + INFO_FORM];
      if (form >= 0) {
        words.copyWithOutcome(form, a, at + outcomes);
      }
      own[slot] = true;
    }

    /**
     * Records the outcomes of the tokens of the sentence at hand that were evaluated, as adaptive
     * data for the rest of the document (see the class comment).
     */
    void update(int[] outcomes) {
      for (int i = 0; i < length; i++) {
        if (!evaluated[i]) {
          continue;
        }
        int k = slots[i];
        if (k >= size || info[k * INFO + INFO_GENERATION] != generations[i]) {
          // In a spare slot, or dropped from the cache since it was looked up: record it where a
          // look-up finds it, in the cache if it came back, else in the map.
          char[] c;
          int from;
          int to;
          if (strings == null) {
            c = source.chars;
            from = source.starts[offset + i];
            to = source.ends[offset + i];
          } else {
            c = strings[i].toCharArray();
            from = 0;
            to = c.length;
          }
          long key = key(c, from, to);
          k = find(key, setOf(key), c, from, to);
          if (k < 0) {
            dropped.put(strings == null ? new String(c, from, to - from) : strings[i], outcomes[i]);
            continue;
          }
        }
        info[k * INFO + INFO_PREVIOUS] = outcomes[i];
        info[k * INFO + INFO_DOCUMENT] = document;
      }
    }

    /** Ends the document: forgets its adaptive data. */
    void clear() {
      if (++document == Integer.MAX_VALUE) { // no slot may keep a number the count comes back to
        for (int f = INFO_DOCUMENT; f < info.length; f += INFO) {
          info[f] = 0;
        }
        document = 1;
      }
      java.util.Arrays.fill(slots, 0, length, -1);
      strings = null;
      source = null;
      length = 0;
      dropped.clear();
    }
  }

  /**
   * The cache key of a token: {@link #pack}ed if it can be (positive), else its length and {@link
   * String#hashCode} marked by the sign bit; never 0, which marks an empty way.
   */
  private static long key(char[] c, int from, int to) {
    int len = to - from;
    int h = 0;
    long packed = len >= 1 && len <= 7 ? (long) len << 56 : LONG_TOKEN;
    for (int q = from; q < to; q++) {
      h = 31 * h + c[q];
      packed = c[q] < 256 && packed != LONG_TOKEN ? packed | (long) c[q] << (8 * (q - from)) : LONG_TOKEN;
    }
    return packed != LONG_TOKEN ? packed : HASHED | (long) len << 32 | (h & 0xFFFFFFFFL);
  }

  /** One new token in this many enters its cache set as the most recently used, the others as the least. */
  private static final int FRESH_RECENT = 64;
  /** Longs per set of {@code Session.table}: the ways' keys, then when each was last used. */
  private static final int SET_LONGS = 2 * WAYS;
  /** A session's spare slots: one per window position, as an evaluation pins at most that many. */
  private static final int SPARE = 5;
  /** The fields of a slot in {@code Session.info}, and their count. */
  private static final int INFO_CLASS = 0;
  private static final int INFO_PAIR = 1;
  private static final int INFO_SHAPE = 2;
  private static final int INFO_FORM = 3;
  private static final int INFO_PREVIOUS = 4;
  private static final int INFO_DOCUMENT = 5;
  private static final int INFO_GENERATION = 6;
  private static final int INFO_LENGTH = 7;
  private static final int INFO = 8;

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
      out[i] = TextFold.asciiLower(c);
    }
    return new String(out);
  }

  /**
   * The index in {@link #CLASSES} of {@link FeatureGeneratorUtil#tokenFeature}'s class of the
   * token, computed directly for an ASCII token (OpenNLP classifies by Unicode category and script
   * with a regular expression for "cp"), and by OpenNLP for any other.
   */
  static int tokenClass(char[] t, int n) {
    if (n == 0) {
      return classIndex(FeatureGeneratorUtil.tokenFeature(""));
    }
    int upper = 0;
    int lower = 0;
    int digits = 0;
    boolean hyphen = false;
    boolean slash = false;
    boolean comma = false;
    boolean period = false;
    for (int i = 0; i < n; i++) {
      char c = t[i];
      if (c >= 128) {
        return classIndex(FeatureGeneratorUtil.tokenFeature(new String(t, 0, n)));
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
    char first = t[0];
    boolean capital = first >= 'A' && first <= 'Z';
    if (capital && n == 2 && t[1] == '.') {
      return CAPITAL_PERIOD;
    }
    return capital ? INITIAL_CAPITAL : OTHER_CLASS;
  }

  /** The class name {@link #tokenClass} stands for. */
  static String tokenClassName(String t) {
    return CLASSES[tokenClass(t.toCharArray(), t.length())];
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
   * Lower-cased token to all the model says about its word, immutable. Laid out flat so that a
   * look-up touches few places of memory (most tokens first seen are looked up once and not seen
   * again soon, so the memory cache rarely holds them): open addressing over pairs of longs (the
   * key itself if {@link #pack} can pack it, else its hash; where its chars and its data start),
   * the keys' chars in one array, and each entry's data in one run of doubles:
   *
   * <pre>
   * m, f, has "w=",
   * m token classes that have "w&c=" rows,
   * f times (the written forms "pow=" or a word pair names): the form packed (high and low 32
   *   bits, -1 if it cannot be), where its chars start, its length, its number in word pairs (-1
   *   if none), where its "pow=" rows start (-1 if none),
   * 5 window positions' "w=" rows, twice (if it has them),
   * m times: the 5 window positions' "w&c=" rows for that class,
   * the "pow=" rows of the forms that have them.
   * </pre>
   *
   * A short word (most are) is thus found, and its written form matched, without reading chars;
   * what a token first seen needs (the form, then the window rows) is one run from the entry's
   * start, which the processor fetches ahead, and the "pow=" rows, needed only for a token
   * evaluated itself, come last. (A bitmap of the keys' hashes in front of the slots, to answer
   * most words the model does not know without probing them, did not pay on the benchmark.)
   */
  private static final class Vocabulary {
    /**
     * Per slot, two longs: the key {@link #pack}ed, or {@link #HASHED} | its hash if it cannot be
     * (0 when empty); key start << 32 | data start.
     */
    private final long[] slots;
    private final char[] chars;
    private final double[] data;
    private final int outcomes;
    private final int mask;
    private final int shift;

    Vocabulary(Map<String, WordBuilder> map, int outcomes) {
      this.outcomes = outcomes;
      int cap = Integer.highestOneBit(Math.max(4, map.size()) * 2) * 2;
      slots = new long[2 * cap];
      mask = cap - 1;
      shift = Integer.numberOfLeadingZeros(mask);
      StringBuilder text = new StringBuilder();
      DoubleList d = new DoubleList();
      int window = ROLES.length * outcomes;
      for (Map.Entry<String, WordBuilder> e : map.entrySet()) {
        String key = e.getKey();
        WordBuilder w = e.getValue();
        int keyStart = text.length();
        text.append(key);
        int dataStart = d.size();
        // The "w&c=" rows by class, then by window position.
        Map<Integer, double[]> byClass = new java.util.TreeMap<>();
        w.withClass.forEach((code, row) -> {
          double[] rows = byClass.computeIfAbsent(code % CLASSES.length, k -> new double[window]);
          System.arraycopy(row, 0, rows, code / CLASSES.length * outcomes, outcomes);
        });
        d.add(byClass.size());
        d.add(w.exact.size());
        d.add(w.word != null ? 1 : 0);
        for (int c : byClass.keySet()) {
          d.add(c);
        }
        int powAt = dataStart + 3 + byClass.size() + FORM_WIDTH * w.exact.size()
            + (w.word != null ? window : 0) + byClass.size() * window;
        for (Map.Entry<String, Exact> f : w.exact.entrySet()) {
          long packed = pack(f.getKey().toCharArray(), f.getKey().length(), false);
          d.add(packed == LONG_TOKEN ? -1 : (double) (packed >>> 32));
          d.add(packed == LONG_TOKEN ? -1 : (double) (packed & 0xFFFFFFFFL));
          d.add(text.length());
          d.add(f.getKey().length());
          text.append(f.getKey());
          d.add(f.getValue().pairWord);
          if (f.getValue().withOutcome != null) {
            d.add(powAt);
            powAt += outcomes * outcomes;
          } else {
            d.add(-1);
          }
        }
        if (w.word != null) {
          d.addAll(w.word);
        }
        for (double[] rows : byClass.values()) {
          d.addAll(rows);
        }
        for (Exact f : w.exact.values()) {
          if (f.withOutcome != null) {
            d.addAll(f.withOutcome);
          }
        }
        if (d.size() != powAt) {
          throw new IllegalStateException("vocabulary entry laid out wrongly");
        }
        int h = key.hashCode();
        int i = (h * 0x9E3779B9) >>> shift;
        while (slots[2 * i] != 0) {
          i = (i + 1) & mask;
        }
        slots[2 * i] = stored(pack(key.toCharArray(), key.length(), false), h);
        slots[2 * i + 1] = ((long) keyStart << 32) | dataStart;
      }
      chars = text.toString().toCharArray();
      data = d.toArray();
    }

    /**
     * Where the entry of the token's lower case ({@link #lowerCase}) starts, or -1; an ASCII token
     * is found by its chars, without making the lower-cased string.
     */
    int find(char[] token, int n) {
      int h = 0;
      long packed = n >= 1 && n <= 7 ? (long) n << 56 : LONG_TOKEN; // as pack(token, n, true)
      for (int q = 0; q < n; q++) {
        char c = token[q];
        if (c >= 128) {
          String lower = lowerCase(new String(token, 0, n));
          char[] l = lower.toCharArray();
          return find(lower.hashCode(), pack(l, l.length, false), l, l.length, false);
        }
        char lower = TextFold.asciiLower(c);
        h = 31 * h + lower;
        packed |= packed != LONG_TOKEN ? (long) lower << (8 * q) : 0;
      }
      return find(h, packed, token, n, true);
    }

    /**
     * The entry whose key is {@code s} (hash h, packed), lower-casing A to Z of {@code s} first if
     * asked.
     */
    private int find(int h, long packed, char[] s, int n, boolean asciiLower) {
      long stored = stored(packed, h);
      for (int i = (h * 0x9E3779B9) >>> shift; slots[2 * i] != 0; i = (i + 1) & mask) {
        if (slots[2 * i] == stored) {
          long at = slots[2 * i + 1];
          if (packed != LONG_TOKEN || same(chars, (int) (at >>> 32), s, n, asciiLower)) {
            return (int) at;
          }
        }
      }
      return -1;
    }

    /** What a slot holds for a key: the key packed, or its hash marked as such. */
    private static long stored(long packed, int h) {
      return packed != LONG_TOKEN ? packed : HASHED | (h & 0xFFFFFFFFL);
    }

    private static boolean same(char[] chars, int from, char[] s, int n, boolean asciiLower) {
      for (int q = 0; q < n; q++) {
        char c = s[q];
        if (chars[from + q] != (asciiLower ? TextFold.asciiLower(c) : c)) {
          return false;
        }
      }
      return true;
    }

    /** Adds to {@code rows} (five window positions) the entry's "w=" rows and its "w&c=" rows for class c. */
    void addWindow(int entry, int c, double[] rows, int to) {
      int m = (int) data[entry];
      int at = entry + 3 + m + FORM_WIDTH * (int) data[entry + 1];
      int window = ROLES.length * outcomes;
      if (data[entry + 2] != 0) {
        for (int k = 0; k < window; k++) {
          rows[to + k] += data[at + k];
        }
        at += window;
      }
      for (int v = 0; v < m; v++) {
        if (data[entry + 3 + v] == c) {
          at += v * window;
          for (int k = 0; k < window; k++) {
            rows[to + k] += data[at + k];
          }
          return;
        }
      }
    }

    /**
     * Where the entry's data of the written form {@code token[0, n)} starts, or -1; {@code packed}
     * is {@code pack(token, n, false)}.
     */
    int form(int entry, char[] token, int n, long packed) {
      int m = (int) data[entry];
      int f = (int) data[entry + 1];
      int at = entry + 3 + m;
      double high = packed == LONG_TOKEN ? -1 : (double) (packed >>> 32);
      double low = packed == LONG_TOKEN ? -1 : (double) (packed & 0xFFFFFFFFL);
      for (int k = 0; k < f; k++) {
        if (data[at] == high && data[at + 1] == low
            && (packed != LONG_TOKEN || (int) data[at + 3] == n && same(chars, (int) data[at + 2], token, n, false))) {
          return at;
        }
        at += FORM_WIDTH;
      }
      return -1;
    }

    /** The number in word pairs of a form ({@link #form}), or -1. */
    int pairWord(int form) {
      return (int) data[form + 4];
    }

    /** Copies the form's "pow=" rows to {@code rows} at {@code at}, if it has them. */
    void copyWithOutcome(int form, double[] rows, int at) {
      int from = (int) data[form + 5];
      if (from >= 0) {
        System.arraycopy(data, from, rows, at, outcomes * outcomes);
      }
    }
  }

  /** The doubles of a written form in a {@link Vocabulary} entry. */
  private static final int FORM_WIDTH = 6;


  /** The mark of a slot of {@link Vocabulary} that holds a key's hash, not the key. */
  private static final long HASHED = 1L << 63;

  /**
   * The token {@code s[0, n)}, if of 1 to 7 chars each below 256 (after lower-casing A to Z, if
   * asked), as one number: its length in the top byte, then its chars a byte each; {@link
   * #LONG_TOKEN} for any other token. Two packable tokens are equal exactly when their packed forms are.
   */
  private static long pack(char[] s, int n, boolean asciiLower) {
    if (n == 0 || n > 7) { // the empty token would pack to 0, which marks no key
      return LONG_TOKEN;
    }
    long packed = (long) n << 56;
    for (int q = 0; q < n; q++) {
      char c = asciiLower ? TextFold.asciiLower(s[q]) : s[q];
      if (c >= 256) {
        return LONG_TOKEN;
      }
      packed |= (long) c << (8 * q);
    }
    return packed;
  }

  /** A growing array of doubles, for {@link Vocabulary}. */
  private static final class DoubleList {
    private double[] values = new double[1 << 16];
    private int size;

    void add(double v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, 2 * size);
      }
      values[size++] = v;
    }

    void add(int v) {
      add((double) v);
    }

    void addAll(double[] vs) {
      for (double v : vs) {
        add(v);
      }
    }

    int size() {
      return size;
    }

    double[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }

  /**
   * The word-pair predicates: pair of token numbers ({@link #pairKey} without the kind bit) to the
   * rows of "pw,w=" and of "w,nw=", twice (zeros where the model has none, which add nothing).
   * Open addressing over the keys alone, with the rows in a parallel array: most pairs of known
   * words are no predicate, and such a look-up reads only the keys, a quarter of the memory.
   * Immutable once filled.
   */
  private static final class PairRows {
    /** Per slot: the key + 1, 0 when empty. */
    private final long[] keys;
    /** Per slot, at {@code slot * 2 * outcomes}: the "pw,w=" row, then the "w,nw=" row. */
    private final double[] rows;
    /**
     * One bit per key's hash, in 128 kilobytes, which the memory cache keeps: a clear bit answers
     * "no such pair" without probing the keys (a few megabytes), and most pairs of known words
     * are no predicate.
     */
    private final long[] filter = new long[1 << (FILTER_BITS - 6)];
    private final int outcomes;
    private final int mask;
    private final int shift;

    /** From {@code count} keys ({@link #pairKey}, with their kind) and their rows, one after another. */
    PairRows(long[] kinds, double[] rows, int count, int outcomes) {
      long[] pairs = new long[count];
      for (int k = 0; k < count; k++) {
        pairs[k] = kinds[k] & ~NEXT_PAIR;
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
      keys = new long[cap];
      this.rows = new double[cap * 2 * outcomes];
      mask = cap - 1;
      shift = Long.numberOfLeadingZeros(mask);
      for (int k = 0; k < count; k++) {
        long key = kinds[k] & ~NEXT_PAIR;
        int i = probe(keys, mask, shift, key);
        keys[i] = key + 1;
        int b = filterBit(key);
        filter[b >>> 6] |= 1L << b;
        int at = i * 2 * outcomes + ((kinds[k] & NEXT_PAIR) != 0 ? outcomes : 0);
        System.arraycopy(rows, k * outcomes, this.rows, at, outcomes);
      }
    }

    /** Adds the row of the key ({@link #pairKey}, with its kind) to {@code dist}, if the model has it. */
    void add(double[] dist, long key) {
      int b = filterBit(key & ~NEXT_PAIR);
      if ((filter[b >>> 6] & (1L << b)) == 0) {
        return;
      }
      int i = probe(keys, mask, shift, key & ~NEXT_PAIR);
      if (keys[i] != 0) {
        int at = i * 2 * outcomes + ((key & NEXT_PAIR) != 0 ? outcomes : 0);
        for (int o = 0; o < outcomes; o++) {
          dist[o] += rows[at + o];
        }
      }
    }
  }

  private static final int FILTER_BITS = 20;

  /** The bit of a pair key in {@code PairRows.filter}. */
  private static int filterBit(long key) {
    return (int) ((key * 0xC2B2AE3D27D4EB4FL) >>> (64 - FILTER_BITS));
  }

  /**
   * Long key to a parameter row, stored right after the key: a look-up that finds its key (most
   * affix look-ups do) reads one place of memory. Open addressing; immutable once filled.
   */
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

    /** Adds the key's row to {@code sum} at {@code at} and says true, if there is one. */
    boolean add(double[] sum, int at, long key) {
      int i = slot(key);
      if (slots[i] == 0) {
        return false;
      }
      for (int o = 1; o < width; o++) {
        sum[at + o - 1] += Double.longBitsToDouble(slots[i + o]);
      }
      return true;
    }

    /** The index of the key's slot, or of the empty slot where it would go. */
    private int slot(long key) {
      long stored = key + 1;
      int i = (int) ((stored * 0x9E3779B97F4A7C15L) >>> shift);
      while (slots[i * width] != 0 && slots[i * width] != stored) {
        i = (i + 1) & mask;
      }
      return i * width;
    }
  }

  /**
   * Linear probing over keys stored + 1 (0 marks an empty slot): the index of the key's slot, or
   * of the empty slot where it would go.
   */
  private static int probe(long[] keys, int mask, int shift, long key) {
    long stored = key + 1;
    int i = (int) ((stored * 0x9E3779B97F4A7C15L) >>> shift);
    while (keys[i] != 0 && keys[i] != stored) {
      i = (i + 1) & mask;
    }
    return i;
  }
}
