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
  /**
   * One bit per name's hash, in a megabyte: a clear bit answers "not a name" without probing the
   * table. Most capitalised words of real text are not names.
   */
  private static final int HASH_BITS = 23;
  private static final long[] HASHES;
  /**
   * The names in open addressing, probed with a word's chars. Four ints per slot, sixteen bytes
   * within one cache line: the name's {@link String#hashCode}; its length, a bit set when a char
   * of it is above U+00FF, and its offset into {@link #NAME_CHARS} above those (0 marks an empty
   * slot, as no name is shorter than two chars); and its first eight chars a byte each. Most
   * names are short and Latin-1, so a probe reads one slot and nothing else, where a set of
   * 200,000 strings read a table slot, a String and its array, each a cache miss in tens of
   * megabytes.
   */
  private static final int[] SLOTS;
  private static final char[] NAME_CHARS;
  private static final int SLOT_SHIFT;
  /** In a slot's second int: a char of the name is above U+00FF, so only its chars compare. */
  private static final int WIDE = 1 << 8;

  static {
    Set<String> names = load();
    long[] bits = new long[1 << (HASH_BITS - 6)];
    int slotBits = 32 - Integer.numberOfLeadingZeros(names.size() * 2 - 1); // at most half full
    int[] slots = new int[4 << slotBits];
    int mask = (1 << slotBits) - 1;
    StringBuilder chars = new StringBuilder();
    for (String name : names) {
      int b = bit(name);
      bits[b >>> 6] |= 1L << b;
      if (name.length() > 0xFF || chars.length() + name.length() >= 1 << 22) {
        throw new IllegalStateException("name list too large for its table: " + name);
      }
      int i = (name.hashCode() * 0x9E3779B9) >>> (32 - slotBits);
      while (slots[4 * i + 1] != 0) {
        i = (i + 1) & mask;
      }
      long p = packed(name, 0, name.length());
      slots[4 * i] = name.hashCode();
      slots[4 * i + 1] = name.length() | (p < 0 ? WIDE : 0) | chars.length() << 9;
      slots[4 * i + 2] = (int) p;
      slots[4 * i + 3] = (int) (p >>> 32);
      chars.append(name);
    }
    HASHES = bits;
    SLOTS = slots;
    NAME_CHARS = chars.toString().toCharArray();
    SLOT_SHIFT = 32 - slotBits;
  }

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
    int h = folded.hashCode();
    return mayContainHash(h) && probe(folded, 0, folded.length(), h);
  }

  /**
   * The names whose chars are all ASCII, sorted: all the names an ASCII token can be. The rules
   * keep them in their own table, beside their other word lists, so that one probe answers every
   * list for an ASCII token ({@code dev.lethe.redact.Lexicon}).
   */
  public static List<String> asciiNames() {
    List<String> ascii = new ArrayList<>();
    for (int i = 0; i < SLOTS.length; i += 4) {
      int m = SLOTS[i + 1];
      if (m != 0 && (m & WIDE) == 0) {
        int at = m >>> 9;
        int len = m & 0xFF;
        boolean all = true;
        for (int j = at; j < at + len; j++) {
          all &= NAME_CHARS[j] < 128;
        }
        if (all) {
          ascii.add(new String(NAME_CHARS, at, len));
        }
      }
    }
    ascii.sort(null);
    return List.copyOf(ascii);
  }

  /** Whether {@code s[start, end)} is a name. */
  private static boolean probe(String s, int start, int end, int h) {
    int len = end - start;
    if (len > 0xFF) {
      return false;
    }
    long p = packed(s, start, len);
    int meta = len | (p < 0 ? WIDE : 0);
    int lo = (int) p;
    int hi = (int) (p >>> 32);
    int mask = (SLOTS.length >>> 2) - 1;
    for (int i = (h * 0x9E3779B9) >>> SLOT_SHIFT; ; i = (i + 1) & mask) {
      int m = SLOTS[4 * i + 1];
      if (m == 0) {
        return false;
      }
      if (SLOTS[4 * i] == h && (m & 0x1FF) == meta
          && (p < 0 ? same(s, start, m >>> 9, 0, len)
              : SLOTS[4 * i + 2] == lo && SLOTS[4 * i + 3] == hi
                  && (len <= 8 || same(s, start, m >>> 9, 8, len)))) {
        return true;
      }
    }
  }

  /**
   * The first eight chars of {@code s[start, start + len)} a byte each (0 past the end), or -1 if
   * any char of it is above U+00FF.
   */
  private static long packed(String s, int start, int len) {
    long p = 0;
    for (int j = 0; j < len; j++) {
      char c = s.charAt(start + j);
      if (c > 0xFF) {
        return -1;
      }
      if (j < 8) {
        p |= (long) c << (8 * j);
      }
    }
    return p;
  }

  private static boolean same(String s, int start, int at, int from, int len) {
    for (int j = from; j < len; j++) {
      if (s.charAt(start + j) != NAME_CHARS[at + j]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the token (any case, any diacritics) is a known first or last name. */
  public static boolean contains(String token) {
    return token.length() > 1 && containsFolded(fold(token));
  }
}
