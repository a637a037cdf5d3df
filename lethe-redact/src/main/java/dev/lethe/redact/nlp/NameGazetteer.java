package dev.lethe.redact.nlp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * About 197,000 first and last names (the MIT-licensed npm package {@code humannames} 1.0.5 by
 * Alex Corvi; licence in {@code humannames-LICENSE.md} beside the list), folded to lower-case ASCII.
 * The list also holds many ordinary words ("Will", "Street"), so it serves as a feature or a
 * confirmation, never alone. Immutable after class initialisation; thread-safe.
 */
public final class NameGazetteer {
  private static final Set<String> NAMES = load();

  private NameGazetteer() {}

  private static Set<String> load() {
    Set<String> s = new HashSet<>(400_000);
    try (InputStream in = NameGazetteer.class.getResourceAsStream("humannames.txt.gz")) {
      if (in == null) {
        throw new IllegalStateException("humannames.txt.gz missing from the classpath");
      }
      BufferedReader r =
          new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        String f = fold(line.trim());
        if (f.length() > 1) {
          s.add(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(s);
  }

  /** Lower case without diacritics: the form names are held in. */
  public static String fold(String token) {
    boolean ascii = true;
    for (int i = 0; i < token.length(); i++) {
      ascii &= token.charAt(i) < 128;
    }
    String s = token;
    if (!ascii) {
      s = Normalizer.normalize(token, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    }
    return s.toLowerCase(Locale.ROOT);
  }

  /** Whether the token (any case, any diacritics) is a known first or last name. */
  public static boolean contains(String token) {
    return token.length() > 1 && NAMES.contains(fold(token));
  }
}
