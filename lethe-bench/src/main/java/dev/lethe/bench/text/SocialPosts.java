package dev.lethe.bench.text;

import dev.lethe.redact.eval.Datasets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Deterministic synthetic member posts for throughput measurements, made so that no cache of
 * recent words or values can make a detector look faster than it is on real text:
 *
 * <ul>
 *   <li>words are drawn with their real frequencies from every token of the WNUT-17 and Broad
 *       Twitter Corpus training splits (33,441 distinct tokens with a long tail, handles,
 *       hashtags, URLs, emoji and capitalised words included), found under {@code shared/data/pii}
 *       above the working directory;
 *   <li>about 3 in 100 words are a person's name: two names drawn from the 28,829 of faker-js
 *       shipped with lethe-redact;
 *   <li>about 2 in 100 words start a phrase with personal data, each value drawn afresh: e-mail
 *       addresses, phone numbers in several countries and formats, Luhn-valid card numbers, US
 *       SSNs in valid ranges, mod-97-valid IBANs, IPv4 addresses, street addresses, dates of birth,
 *       handles and URLs.
 * </ul>
 *
 * <p>Not thread-safe; one generator per thread. Same seed, same corpus files: same posts.
 */
public final class SocialPosts {
  private static final String[] DOMAINS = {"example.com", "gmail.com", "outlook.com", "acme.co.uk", "web.de", "mail.fr"};
  private static final String[] STREETS = {"Baker", "High", "Church", "Station", "Maple", "Oak", "Elm", "Victoria", "Park", "Mill"};
  private static final String[] STREET_TYPES = {"Street", "Road", "Avenue", "Lane", "Drive", "St", "Rd"};
  private static final String[] CITIES = {"London", "Leeds", "Boston", "Austin", "Dublin", "Berlin", "Denver", "Bristol"};

  private final String[] words;
  private final long[] cumulative;
  private final String[] names;
  private final SplittableRandom random;

  private SocialPosts(String[] words, long[] cumulative, String[] names, long seed) {
    this.words = words;
    this.cumulative = cumulative;
    this.names = names;
    this.random = new SplittableRandom(seed);
  }

  /**
   * A generator over the training splits under the first {@code shared/data/pii} found above the
   * working directory.
   *
   * @throws IllegalStateException if no such directory exists
   */
  public static SocialPosts create(long seed) {
    Corpus c = Corpus.INSTANCE;
    return new SocialPosts(c.words, c.cumulative, c.names, seed);
  }

  /** The word frequencies and names, read once per JVM: generators share them read-only. */
  private static final class Corpus {
    static final Corpus INSTANCE = new Corpus();

    final String[] words;
    final long[] cumulative;
    final String[] names;

    private Corpus() {
      Path pii = sharedPii();
      Map<String, Long> counts = new TreeMap<>(); // sorted, so the generator is deterministic
      try {
        for (Path p : List.of(pii.resolve("wnut17/train.conll"), pii.resolve("btc/train.conll"))) {
          for (Datasets.TaggedSentence s : Datasets.readConllSentences(p)) {
            for (String t : s.tokens()) {
              counts.merge(t, 1L, Long::sum);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      words = counts.keySet().toArray(String[]::new);
      cumulative = new long[words.length];
      long sum = 0;
      for (int i = 0; i < words.length; i++) {
        sum += counts.get(words[i]);
        cumulative[i] = sum;
      }
      names = fakerNames();
    }
  }

  /** The number of distinct corpus tokens words are drawn from. */
  public int vocabulary() {
    return words.length;
  }

  /** The next post: 20 to 79 words, most of them corpus tokens. */
  public String next() {
    StringBuilder sb = new StringBuilder(400);
    int n = 20 + random.nextInt(60);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      int r = random.nextInt(100);
      if (r < 3) {
        sb.append(name()).append(' ').append(name());
      } else if (r < 5) {
        personalData(sb);
      } else {
        sb.append(word());
      }
    }
    return sb.toString();
  }

  private String word() {
    long x = random.nextLong(cumulative[cumulative.length - 1]);
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return words[lo];
  }

  private String name() {
    return names[random.nextInt(names.length)];
  }

  private void personalData(StringBuilder sb) {
    switch (random.nextInt(11)) {
      case 0 -> sb.append("mail me at ").append(name().toLowerCase(Locale.ROOT)).append('.')
          .append(name().toLowerCase(Locale.ROOT)).append(random.nextInt(100)).append('@')
          .append(DOMAINS[random.nextInt(DOMAINS.length)]);
      case 1 -> sb.append("call ").append(name()).append(" on ").append(phone());
      case 2 -> sb.append("my number is ").append(phone());
      case 3 -> sb.append("card ").append(card());
      case 4 -> sb.append("I live at ").append(1 + random.nextInt(250)).append(' ')
          .append(STREETS[random.nextInt(STREETS.length)]).append(' ')
          .append(STREET_TYPES[random.nextInt(STREET_TYPES.length)]).append(", ")
          .append(CITIES[random.nextInt(CITIES.length)]);
      case 5 -> sb.append("thanks @").append(name().toLowerCase(Locale.ROOT)).append('_').append(random.nextInt(1000));
      case 6 -> sb.append("born on ").append(1 + random.nextInt(12)).append('/').append(1 + random.nextInt(28))
          .append('/').append(1940 + random.nextInt(65));
      case 7 -> sb.append("see https://example.org/p/").append(Long.toHexString(random.nextLong() >>> 24));
      case 8 -> sb.append("ssn ").append(ssn());
      case 9 -> sb.append("IBAN ").append(iban());
      default -> sb.append("from ").append(1 + random.nextInt(223)).append('.').append(random.nextInt(256))
          .append('.').append(random.nextInt(256)).append('.').append(1 + random.nextInt(254));
    }
  }

  /** A phone number in one of several countries and written forms (ranges set aside for fiction where they exist). */
  private String phone() {
    return switch (random.nextInt(5)) {
      case 0 -> "+44 20 7946 0" + digits(3);
      case 1 -> "07700 900" + digits(3);
      case 2 -> "(" + (201 + random.nextInt(7)) + ") 555-01" + digits(2);
      case 3 -> "+1 415 555 " + digits(4);
      default -> "+49 30 " + digits(8);
    };
  }

  private String digits(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('0' + random.nextInt(10)));
    }
    return sb.toString();
  }

  /** A 16-digit Visa-shaped number with a valid Luhn check digit, in groups of four. */
  private String card() {
    int[] d = new int[16];
    d[0] = 4;
    for (int i = 1; i < 15; i++) {
      d[i] = random.nextInt(10);
    }
    int sum = 0;
    for (int i = 14; i >= 0; i--) {
      int v = d[i];
      if ((14 - i) % 2 == 0) {
        v *= 2;
        if (v > 9) {
          v -= 9;
        }
      }
      sum += v;
    }
    d[15] = (10 - sum % 10) % 10;
    StringBuilder sb = new StringBuilder(19);
    for (int i = 0; i < 16; i++) {
      if (i > 0 && i % 4 == 0) {
        sb.append(' ');
      }
      sb.append(d[i]);
    }
    return sb.toString();
  }

  /** A US SSN outside the never-issued ranges (area 000, 666, 900-999; group 00; serial 0000). */
  private String ssn() {
    int area = 1 + random.nextInt(898);
    if (area == 666) {
      area = 667;
    }
    return String.format(Locale.ROOT, "%03d-%02d-%04d", area, 1 + random.nextInt(99), 1 + random.nextInt(9999));
  }

  /** A UK IBAN (GBkk BANK ssssss aaaaaaaa) with check digits that pass mod 97, in groups of four. */
  private String iban() {
    String bban = "WEST" + digits(14);
    // Check digits: move "GB00" to the end, letters to numbers (A=10 ... Z=35), 98 - (n mod 97).
    StringBuilder numeric = new StringBuilder();
    for (char c : (bban + "GB00").toCharArray()) {
      numeric.append(Character.isLetter(c) ? String.valueOf(c - 'A' + 10) : String.valueOf(c));
    }
    int mod = 0;
    for (int i = 0; i < numeric.length(); i++) {
      mod = (mod * 10 + (numeric.charAt(i) - '0')) % 97;
    }
    String iban = String.format(Locale.ROOT, "GB%02d", 98 - mod) + bban;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < iban.length(); i++) {
      if (i > 0 && i % 4 == 0) {
        sb.append(' ');
      }
      sb.append(iban.charAt(i));
    }
    return sb.toString();
  }

  private static String[] fakerNames() {
    String resource = "/dev/lethe/redact/nlp/faker-names.txt.gz";
    try (InputStream raw = SocialPosts.class.getResourceAsStream(resource)) {
      if (raw == null) {
        throw new IllegalStateException(resource + " missing from the classpath (lethe-redact)");
      }
      List<String> out = new ArrayList<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          out.add(line.strip());
        }
      }
      return out.toArray(String[]::new);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path sharedPii() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path d = p.resolve("shared/data/pii");
      if (Files.isDirectory(d)) {
        return d;
      }
    }
    throw new IllegalStateException("shared/data/pii not found above " + Path.of("").toAbsolutePath()
        + ": run from the repository, with ../shared beside it");
  }
}
