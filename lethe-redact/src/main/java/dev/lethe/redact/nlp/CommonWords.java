package dev.lethe.redact.nlp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Words written in lower case at least three times in the name finder's training text (see
 * {@link PersonModelTrainer#writeCommonWords}). Immutable; thread-safe.
 */
public final class CommonWords {
  static final String FILE = "common-words.txt";
  private static final Set<String> WORDS = load();

  private CommonWords() {}

  private static Set<String> load() {
    Set<String> s = new HashSet<>();
    try (InputStream in = CommonWords.class.getResourceAsStream(FILE)) {
      if (in == null) {
        throw new IllegalStateException(FILE + " missing from the classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          s.add(line.trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(s);
  }

  /** All the words, folded; immutable. */
  public static Set<String> words() {
    return WORDS;
  }

  /** Whether the token, folded, is a common lower-case word. */
  public static boolean contains(String token) {
    return WORDS.contains(NameGazetteer.fold(token));
  }

  /** Whether a token already folded by {@link NameGazetteer#fold} is a common lower-case word. */
  public static boolean containsFolded(String folded) {
    return WORDS.contains(folded);
  }
}
