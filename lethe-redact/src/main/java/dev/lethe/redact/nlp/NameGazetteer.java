package dev.lethe.redact.nlp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * About 210,000 first and last names, folded to lower-case ASCII: the MIT-licensed npm package
 * {@code humannames} 1.0.5 by Alex Corvi (licence in {@code humannames-LICENSE.md} beside the
 * list), mostly English-speaking names, and the Latin-script first, middle and last names of the
 * 70-odd locales of the MIT-licensed npm package {@code @faker-js/faker} 10.6.0 (licence in
 * {@code faker-LICENSE.md}; see the README there for how the list was extracted), which add
 * Hungarian, Finnish, Czech, Croatian, Turkish, Vietnamese and other names.
 * The list also holds many ordinary words ("Will", "Street"), so it serves as a feature or a
 * confirmation, never alone. Immutable after class initialisation; thread-safe.
 */
public final class NameGazetteer {
  /** The npm {@code humannames} list, and the person names of {@code @faker-js/faker}'s locales. */
  static final String HUMANNAMES = "humannames.txt.gz";
  static final String FAKER = "faker-names.txt.gz";
  private static final List<String> FILES = List.of(HUMANNAMES, FAKER);
  /** Combining marks, removed after decomposition; compiled once, as fold runs per token. */
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Set<String> NAMES = load();
  /**
   * One bit per name's hash, in a megabyte: a clear bit answers "not a name" without probing the
   * set, whose table and strings are scattered over tens of megabytes. Most capitalised words of
   * real text are not names.
   */
  private static final int HASH_BITS = 23;
  private static final long[] HASHES = hashes();

  private NameGazetteer() {}

  private static Set<String> load() {
    Set<String> s = new HashSet<>(400_000);
    for (String file : FILES) {
      for (String line : read(file)) {
        String f = fold(line.trim());
        if (f.length() > 1) {
          s.add(f);
        }
      }
    }
    return Set.copyOf(s);
  }

  private static long[] hashes() {
    long[] bits = new long[1 << (HASH_BITS - 6)];
    for (String name : NAMES) {
      int b = bit(name);
      bits[b >>> 6] |= 1L << b;
    }
    return bits;
  }

  private static int bit(String s) {
    return (s.hashCode() * 0x9E3779B9) >>> (32 - HASH_BITS); // as in mayContainHash
  }

  /** The lines of one of the gzipped lists beside this class, in file order. */
  static List<String> read(String file) {
    try (InputStream in = NameGazetteer.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException(file + " missing from the classpath");
      }
      BufferedReader r =
          new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Lower case without diacritics: the form names are held in. */
  public static String fold(String token) {
    boolean ascii = true;
    for (int i = 0; i < token.length(); i++) {
      ascii &= token.charAt(i) < 128;
    }
    String s = token;
    if (!ascii) {
      s = MARKS.matcher(Normalizer.normalize(token, Normalizer.Form.NFD)).replaceAll("");
    }
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * False when no name has this {@link String#hashCode}, so that a caller holding the hash of a
   * folded token (computed from its chars, without making the string) can skip {@link
   * #containsFolded}; true says only that the name may be listed.
   */
  public static boolean mayContainHash(int hashOfFolded) {
    int b = (hashOfFolded * 0x9E3779B9) >>> (32 - HASH_BITS);
    return (HASHES[b >>> 6] & (1L << b)) != 0;
  }

  /** Whether a token already folded by {@link #fold} is a known first or last name. */
  public static boolean containsFolded(String folded) {
    if (folded.length() <= 1) {
      return false;
    }
    return mayContainHash(folded.hashCode()) && NAMES.contains(folded);
  }

  /** Whether the token (any case, any diacritics) is a known first or last name. */
  public static boolean contains(String token) {
    return token.length() > 1 && containsFolded(fold(token));
  }
}
