package dev.lethe.redact.nlp;

import dev.lethe.redact.eval.Datasets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import opennlp.tools.namefind.BioCodec;
import opennlp.tools.namefind.NameFinderME;
import opennlp.tools.namefind.NameSample;
import opennlp.tools.namefind.TokenNameFinderFactory;
import opennlp.tools.namefind.TokenNameFinderModel;
import opennlp.tools.util.CollectionObjectStream;
import opennlp.tools.util.Span;
import opennlp.tools.util.TrainingParameters;

/**
 * Trains the PERSON name finder shipped in {@code dev/lethe/redact/nlp/en-person.bin} from CoNLL
 * training splits (WNUT-17 and Broad Twitter Corpus, CC BY 4.0). Deterministic: the same files
 * give the same model. Run with {@code lethe redact-train FILE... -o MODEL}, or this class's main.
 */
public final class PersonModelTrainer {
  /** Maxent iterations; accuracy on the dev splits stopped improving well before this. */
  public static final int DEFAULT_ITERATIONS = 150;
  public static final int DEFAULT_CUTOFF = 2;

  private PersonModelTrainer() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: PersonModelTrainer OUTPUT.bin TRAIN.conll...");
      System.exit(2);
    }
    List<Path> inputs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    train(inputs, Path.of(args[0]), DEFAULT_ITERATIONS, DEFAULT_CUTOFF);
  }

  /**
   * Builds name samples: only person spans are kept; @mentions are left unlabeled because the
   * handle rule reports them (as PERSON) and the two corpora disagree about them; every fourth
   * sentence is added again in lower case, since much of the text Lethe sees is written that way;
   * every sentence with a person in it is added again with other names in its place (see
   * {@link NameSwap}), so that the model learns the contexts people are named in rather than
   * the few thousand names of the corpora; and again with only its names in lower case, and every
   * fourth such sentence with its names in capitals, since people write names so in otherwise
   * ordinary text (on the dev splits this lifted PERSON recall from 0.600 to 0.632 on WNUT-17 and
   * 0.881 to 0.888 on BTC, precision unchanged or higher).
   */
  public static List<NameSample> samples(List<Path> inputs) throws IOException {
    List<NameSample> out = new ArrayList<>();
    NameSwap swap = new NameSwap();
    for (Path p : inputs) {
      int k = 0;
      for (Datasets.TaggedSentence s : Datasets.readConllSentences(p)) {
        String[] toks = s.tokens().toArray(String[]::new);
        List<Span> spans = new ArrayList<>();
        int open = -1;
        for (int i = 0; i <= toks.length; i++) {
          String tag = i < toks.length ? s.tags().get(i) : "O";
          boolean person = tag.length() > 2
              && Datasets.typeName(tag.substring(2)).equals("PERSON") && !toks[i].startsWith("@");
          boolean cont = person && tag.startsWith("I-") && open >= 0;
          if (!cont && open >= 0) {
            spans.add(new Span(open, i, "person"));
            open = -1;
          }
          if (person && !cont) {
            open = i;
          }
        }
        Span[] names = spans.toArray(Span[]::new);
        out.add(new NameSample(toks, names, true));
        if (names.length > 0) {
          out.add(new NameSample(swap.swap(toks, names), names, true));
          out.add(new NameSample(recasedNames(toks, names, false), names, true));
          if (k % 4 == 1) {
            out.add(new NameSample(recasedNames(toks, names, true), names, true));
          }
        }
        if (k++ % 4 == 3) {
          String[] lower = new String[toks.length];
          for (int i = 0; i < toks.length; i++) {
            lower[i] = toks[i].toLowerCase(Locale.ROOT);
          }
          out.add(new NameSample(lower, names, true));
        }
      }
    }
    return out;
  }

  /**
   * A copy of {@code toks} with the words of the person spans, and only those, in lower case or in
   * capitals: people type names so in otherwise ordinary text ("ask kaite", "THANK YOU JINX").
   */
  static String[] recasedNames(String[] toks, Span[] names, boolean upper) {
    String[] out = toks.clone();
    for (Span n : names) {
      for (int i = n.getStart(); i < n.getEnd(); i++) {
        out[i] = upper ? toks[i].toUpperCase(Locale.ROOT) : toks[i].toLowerCase(Locale.ROOT);
      }
    }
    return out;
  }

  public static TokenNameFinderModel train(List<Path> inputs, Path output, int iterations, int cutoff)
      throws IOException {
    List<NameSample> samples = samples(inputs);
    byte[] descriptor;
    try (InputStream in = PersonModelTrainer.class.getResourceAsStream("person-features.xml")) {
      descriptor = in.readAllBytes();
    }
    TrainingParameters params = TrainingParameters.defaultParams();
    params.put(TrainingParameters.ITERATIONS_PARAM, iterations);
    params.put(TrainingParameters.CUTOFF_PARAM, cutoff);
    params.put(TrainingParameters.THREADS_PARAM, 1);
    TokenNameFinderFactory factory =
        TokenNameFinderFactory.create(null, descriptor, Collections.emptyMap(), new BioCodec());
    TokenNameFinderModel model =
        NameFinderME.train("en", null, new CollectionObjectStream<>(samples), params, factory);
    Path parent = output.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream os = Files.newOutputStream(output)) {
      model.serialize(os);
    }
    writeCommonWords(inputs, output.resolveSibling(CommonWords.FILE));
    return model;
  }

  /**
   * Writes the words that the training text uses in lower case at least twice and at least as
   * often as capitalised mid-sentence: "will", "hope", "street" are in the name list but are
   * mostly ordinary words, while "john" is written lower case now and then but mostly "John".
   * A lower-case word the labels mark as a person ("omg emily is so funny") is a name written in
   * lower case, not an ordinary word, and is not counted: counted, "emily", "jason" and "lucy"
   * became common words, which no name rule and not the model ever take for a name.
   */
  public static void writeCommonWords(List<Path> inputs, Path output) throws IOException {
    java.util.Map<String, int[]> counts = new java.util.HashMap<>();
    for (Path p : inputs) {
      for (Datasets.TaggedSentence s : Datasets.readConllSentences(p)) {
        for (int i = 0; i < s.tokens().size(); i++) {
          String t = s.tokens().get(i);
          if (t.length() < 2 || !t.chars().allMatch(Character::isLetter)) {
            continue;
          }
          if (t.chars().allMatch(Character::isLowerCase)) {
            if (person(s.tags().get(i))) {
              continue;
            }
            counts.computeIfAbsent(NameGazetteer.fold(t), k -> new int[2])[0]++;
          } else if (i > 0 && Character.isUpperCase(t.charAt(0))) {
            counts.computeIfAbsent(NameGazetteer.fold(t), k -> new int[2])[1]++;
          }
        }
      }
    }
    java.util.TreeSet<String> words = new java.util.TreeSet<>();
    counts.forEach((w, c) -> {
      if (c[0] >= 2 && c[0] >= c[1]) {
        words.add(w);
      }
    });
    Files.write(output, words, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Whether a CoNLL tag ({@code B-person}, {@code I-PER}) marks a person. */
  private static boolean person(String tag) {
    return tag.length() > 2 && tag.charAt(1) == '-' && "PERSON".equals(Datasets.typeName(tag.substring(2)));
  }
}
