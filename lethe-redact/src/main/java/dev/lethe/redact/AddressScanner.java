package dev.lethe.redact;

import dev.lethe.redact.nlp.CommonWords;
import java.util.HashSet;
import java.util.Set;

/**
 * Street addresses, postcodes and ZIP codes, found from the shape of the tokens around a house
 * number: "11 Souterhead Road", "6750 Koskikatu 25 Apt. 864", "P.O. Box 149", "ul. Jesionowa 127",
 * then extended over the apartment, city, region, country and postcode that follow on the same
 * line or on the short lines below it. A postcode alone is reported after a cue ("ZIP:"), as a
 * UK postcode in capitals ("SW1A 1AA"), in lower case or without its space after "address" or a
 * cue ("sw1a2aa"), and as a US ZIP code after a state's code or full name ("Texas 78701").
 */
final class AddressScanner {
  /** Street-type words (USPS suffixes and their common abbreviations), folded, without dots. */
  static final Set<String> SUFFIXES =
      Set.of("street", "st", "road", "rd", "avenue", "ave", "av", "lane", "ln", "drive", "dr",
          "way", "boulevard", "blvd", "court", "ct", "place", "pl", "square", "sq", "terrace",
          "close", "crescent", "parkway", "pkwy", "highway", "hwy", "alley", "gateway", "summit",
          "prairie", "bypass", "union", "forges", "forge", "mews", "row", "walk", "hill", "hills",
          "heights", "gardens", "grove", "trail", "plaza", "circle", "cir", "loop", "route", "pike",
          "pass", "passage", "ridge", "crossing", "junction", "estates", "estate", "manor",
          "meadows", "mill", "mills", "point", "ports", "ranch", "shoals", "shores", "springs",
          "station", "stravenue", "stream", "track", "turnpike", "underpass", "valley", "village",
          "wall", "wells", "ville", "vista", "landing", "knoll", "knolls", "lodge", "lock", "locks",
          "oval", "orchard", "overpass", "radial", "ramp", "rapids", "shoal", "spur", "squares",
          "throughway", "trafficway", "view", "views", "isle", "inlet", "harbor", "harbour",
          "haven", "greens", "glen", "glens", "freeway", "fields", "ferry", "falls", "extension",
          "expressway", "divide", "dale", "dam", "crest", "creek", "cove", "coves", "corner",
          "corners", "causeway", "canyon", "camp", "cape", "burg", "burgs", "brook", "brooks",
          "bridge", "branch", "bottom", "bluff", "bluffs", "beach", "bayou", "arcade", "anex",
          "motorway", "rise", "wynd", "quay", "embankment", "esplanade", "promenade");
  /** Endings of street names in other languages ("Koskikatu", "Nybyvägen", "Hauptstraße"). */
  private static final String[] STREET_ENDINGS = {
    "katu", "kuja", "tie", "vagen", "gatan", "gata", "vag", "vej", "veien", "vei", "vegur", "weg",
    "strasse", "str", "gasse", "laan", "straat", "gade", "allee", "platz", "utca", "ulica", "ulice",
    "tanav", "poik", "tee", "iela", "gatve", "cesta", "ring", "damm", "kade", "singel", "plein",
    // "Hauptstraße" folded: ß is one "s" in the same-length fold, and ẞ ("HAUPTSTRAẞE") stays ß.
    "strase", "stra\u00dfe"
  };
  /** Words that start a street name in other languages ("ul. Mila", "rue de la Paix"). */
  static final Set<String> STREET_PREFIXES =
      Set.of("ul", "rue", "via", "calle", "avenida", "avda", "rua", "viale", "piazza", "plac", "aleja",
          "avinguda", "carrer", "strada", "chemin", "boulevard", "avenue", "paseo", "camino", "corso",
          "largo", "travessa", "vicolo", "calea", "carretera", "rambla", "praca", "pasaje");
  /** Lower-case words inside a street name after a prefix ("Rue de la Paix", "Via dei Mille"). */
  static final Set<String> PARTICLES =
      Set.of("de", "la", "le", "les", "des", "du", "del", "dei", "della", "delle", "degli", "di",
          "da", "do", "dos", "das", "d", "l", "von", "der", "den", "el", "lo", "y", "e");
  /**
   * Street types written in lower case after the name and before the number ("Kiraly u. 15.",
   * "Belgrad rkp. 18.", "Venizelou str 159", "Luite tee 87"), from Hungarian, German, Greek,
   * Estonian, Latvian and Nordic addresses.
   */
  static final Set<String> SHORT_SUFFIXES = Set.of("u", "utca", "ut", "utja", "rkp", "krt", "str", "ter", "tee", "tn", "iela", "vej", "gade", "gata");
  static final Set<String> UNIT_WORDS = Set.of("apt", "suite", "unit", "flat", "box", "ste");
  private static final Set<String> MILITARY = Set.of("usns", "usnv", "uss", "uscgc", "psc", "unit");
  /**
   * Every word that starts an address by itself (post box, military, street prefix): one look-up
   * sends all other tokens straight to the number-led and foreign-ending forms.
   */
  static final Set<String> STARTS = starts();
  /** Words that announce a postcode: "ZIP", "postcode", "postal code". */
  static final Set<String> ZIP_CUES = Set.of("zip", "zipcode", "postcode", "plz", "postal", "post");

  private static Set<String> starts() {
    Set<String> s = new HashSet<>(Set.of("p", "po", "postbox", "pob"));
    s.addAll(MILITARY);
    s.addAll(STREET_PREFIXES);
    return Set.copyOf(s);
  }

  void scan(Tokens tk, Set<EntityType> types, Hits out) {
    boolean addresses = types.contains(EntityType.STREET_ADDRESS);
    boolean zips = types.contains(EntityType.ZIP_CODE);
    int n = tk.size;
    int k = 0;
    while (k < n) {
      int next = k + 1;
      if (addresses) {
        int core = core(tk, k);
        if (core > k) {
          int end = extend(tk, core);
          int zip = end > core ? postcodeLine(tk, core, end) : -1;
          int street = zip > 0 ? zip : end;
          while (street > core && !Character.isLetterOrDigit(tk.first(street - 1))) {
            street--; // the quoting marks of the postcode's line
          }
          out.add(EntityType.STREET_ADDRESS, tk.starts[k], tk.ends[street - 1], core - k >= 3 ? 0.8 : 0.65);
          if (zip > 0 && zips) {
            out.add(EntityType.ZIP_CODE, tk.starts[zip], tk.ends[end - 1], 0.8);
          }
          next = end;
        }
      }
      if (zips && next == k + 1 && zipCue(tk, k)) {
        int z = zipValue(tk, k + 1);
        if (z > k + 1) {
          out.add(EntityType.ZIP_CODE, tk.starts[valueStart(tk, k + 1)], tk.ends[z - 1], 0.85);
          next = z;
        }
      }
      if (zips && next == k + 1 && ukPostcode(tk, k)) {
        out.add(EntityType.ZIP_CODE, tk.starts[k], tk.ends[k + 1], 0.75);
        next = k + 2;
      }
      if (zips && next == k + 1 && stateCode(tk, k)) {
        int z = usZip(tk, k + 1);
        if (z > k + 1) {
          out.add(EntityType.ZIP_CODE, tk.starts[k + 1], tk.ends[z - 1], 0.85);
          next = z;
        }
      }
      // Five digits right after a word: only then is the word compared with the states' names.
      if (zips && next == k + 1 && k + 1 < n && tk.allDigits(k + 1) && tk.length(k + 1) == 5 && tk.word(k)
          && stateName(tk, k)) {
        int z = usZip(tk, k + 1);
        if (z > k + 1 && !numberGoesOn(tk, z)) {
          out.add(EntityType.ZIP_CODE, tk.starts[k + 1], tk.ends[z - 1], 0.85);
          next = z;
        }
      }
      if (zips && next == k + 1) {
        int z = loosePostcode(tk, k);
        if (z > k && addressCueBefore(tk, k)) {
          out.add(EntityType.ZIP_CODE, tk.starts[k], tk.ends[z - 1], 0.75);
          next = z;
        }
      }
      k = next;
    }
  }

  private static String folded(Tokens tk, int k) {
    return tk.folded(k);
  }

  private static boolean number(Tokens tk, int k) {
    return k < tk.size && tk.allDigits(k) && tk.length(k) <= 6;
  }

  /**
   * A full UK postcode without a cue, "SW1A 1AA" or "M1 1AE": its shape is distinctive enough
   * alone when written in capitals, as the Royal Mail writes it. The outward half is A9, A99, AA9,
   * AA99, A9A or AA9A; the inward half a digit and two letters that are never C, I, K, M, O or V.
   */
  static boolean ukPostcode(Tokens tk, int k) {
    if (k + 1 >= tk.size || tk.newlineBefore(k + 1) || tk.length(k + 1) != 3 || tk.length(k) < 2 || tk.length(k) > 4
        || tk.starts[k + 1] != tk.ends[k] + 1 || tk.chars[tk.ends[k]] != ' ') {
      return false;
    }
    char[] c = tk.chars;
    int o = tk.starts[k];
    return inward(c, tk.starts[k + 1], false) && outward(c, o, tk.ends[k], false)
        && (k == 0 || !TextFold.isWordChar(c[o - 1]));
  }

  /**
   * Whether chars {@code [from, to)} are the outward half of a UK postcode: letters, then digits,
   * then at most one letter (A9, A99, AA9, AA99, A9A, AA9A); upper-case letters only unless {@code
   * anyCase}.
   */
  private static boolean outward(char[] c, int from, int to, boolean anyCase) {
    int p = from;
    while (p < to && letter(c[p], anyCase)) {
      p++;
    }
    int letters = p - from;
    int d = p;
    while (p < to && PatternScanner.isDigit(c[p])) {
      p++;
    }
    int digits = p - d;
    int tail = to - p;
    return letters >= 1 && letters <= 2 && digits >= 1 && digits <= 2 && tail <= 1
        && (tail == 0 || digits == 1 && letter(c[p], anyCase));
  }

  /** Whether the three chars at {@code at} are the inward half of a UK postcode: "1AA". */
  private static boolean inward(char[] c, int at, boolean anyCase) {
    return PatternScanner.isDigit(c[at]) && inwardLetter(c[at + 1], anyCase) && inwardLetter(c[at + 2], anyCase);
  }

  private static boolean letter(char c, boolean anyCase) {
    return anyCase ? TextFold.isAsciiLetter(c) : upper(c);
  }

  private static boolean upper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean inwardLetter(char c, boolean anyCase) {
    return letter(c, anyCase) && "CIKMOVcikmov".indexOf(c) < 0;
  }

  /**
   * Where a UK postcode in any case starting at token k ends (exclusive), or -1: spaced on one
   * line ("sw1a 2aa", "M1 1AE") or written without the space ("SW1A2AA", "m11ae"). Members write
   * postcodes so; the shape alone is too weak for that ("a1" is a word in lower-case chat), so it
   * counts only after an address, a postcode cue or the word "address" ({@link #addressCueBefore}).
   * The first chars are tested before anything else: this is asked of every token.
   */
  static int loosePostcode(Tokens tk, int k) {
    int len = tk.length(k);
    if (len < 2 || len > 7 || !tk.ascii(k) || !tk.word(k)) {
      return -1;
    }
    char[] c = tk.chars;
    int s = tk.starts[k];
    if (!PatternScanner.isDigit(c[s + 1]) && !(len > 2 && PatternScanner.isDigit(c[s + 2]))) {
      return -1; // A9 or AA9 at the start, or no postcode
    }
    if (len >= 5 && inward(c, s + len - 3, true) && outward(c, s, s + len - 3, true)) {
      return k + 1;
    }
    if (len <= 4 && k + 1 < tk.size && tk.length(k + 1) == 3 && !tk.newlineBefore(k + 1)
        && inward(c, tk.starts[k + 1], true) && outward(c, s, s + len, true)) {
      return k + 2;
    }
    return -1;
  }

  /**
   * Whether "address" or a postcode cue ("postcode", "ZIP") comes within the twelve tokens before
   * token k ("my address is Flat 2, Cedar House, London sw1a 2aa"), which makes a {@link
   * #loosePostcode} one.
   */
  private static boolean addressCueBefore(Tokens tk, int k) {
    for (int j = k - 1; j >= 0 && j >= k - 12; j--) {
      if (tk.is(j, "address") || zipCue(tk, j)) {
        return true;
      }
    }
    return false;
  }

  /** The USPS codes of the states, DC and the territories, as written before a ZIP code. */
  static final Set<String> US_STATES = Set.of(
      "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
      "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
      "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR", "GU", "VI",
      "AS", "MP");

  /**
   * The full names of the states, DC and Puerto Rico, folded, as written before a ZIP code
   * ("Austin, Texas 78701"); a name of several words is matched on all of them ("New Jersey", not
   * "Jersey").
   */
  static final Set<String> US_STATE_NAMES = Set.of(
      "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
      "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine",
      "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska",
      "nevada", "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
      "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
      "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming", "district of columbia",
      "puerto rico");

  /** Whether token k ends the full name of a state ({@link #US_STATE_NAMES}) on its line. */
  private static boolean stateName(Tokens tk, int k) {
    String name = folded(tk, k);
    for (int j = k - 1; ; j--) {
      if (US_STATE_NAMES.contains(name)) {
        return true;
      }
      if (j < 0 || k - j > 2 || tk.newlineBefore(j + 1) || !tk.word(j)) {
        return false;
      }
      name = folded(tk, j) + " " + name;
    }
  }

  /**
   * Whether token k is a separator joined to the digits before and after it ("12345-12",
   * "12345.6", "12345,678"): the number before it is part of a longer one, no ZIP code.
   */
  private static boolean numberGoesOn(Tokens tk, int k) {
    return k + 1 < tk.size && tk.starts[k] == tk.ends[k - 1] && tk.length(k) == 1 && "-/.,".indexOf(tk.first(k)) >= 0
        && tk.starts[k + 1] == tk.ends[k] && PatternScanner.isDigit(tk.first(k + 1));
  }

  private static boolean stateCode(Tokens tk, int k) {
    int s = tk.starts[k];
    return tk.length(k) == 2 && upper(tk.chars[s]) && upper(tk.chars[s + 1]) && US_STATES.contains(tk.token(k));
  }

  /**
   * The end of a ZIP code right after a state's code ("TX 78701", "TX 78701-1234"), or -1: five
   * digits, and four more after a hyphen. A ZIP+4 would otherwise look like a phone number.
   */
  private static int usZip(Tokens tk, int k) {
    int n = tk.size;
    if (k >= n || tk.newlineBefore(k) || !tk.allDigits(k) || tk.length(k) != 5) {
      return -1;
    }
    int e = k + 1;
    if (e + 1 < n && tk.is(e, "-") && tk.starts[e] == tk.ends[k] && tk.starts[e + 1] == tk.ends[e]
        && tk.allDigits(e + 1) && tk.length(e + 1) == 4) {
      e += 2;
    }
    if (e < n && tk.starts[e] == tk.ends[e - 1] && Character.isLetterOrDigit(tk.first(e))) {
      return -1; // part of a longer code
    }
    return e;
  }

  /** A house number with one letter after its digits: "221B", "12a". */
  private static boolean numberWithLetter(Tokens tk, int k) {
    int s = tk.starts[k];
    int len = tk.length(k);
    if (len < 2 || len > 5 || !Character.isLetter(tk.chars[s + len - 1])) {
      return false;
    }
    for (int p = s; p < s + len - 1; p++) {
      if (!PatternScanner.isDigit(tk.chars[p])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The second half of a postcode written in two parts ("SW1A 2AA", "K1A 0B1"): two or three
   * letters and digits, starting with a digit and holding a letter, right after a first half of
   * letters and digits ("SW1A", "K1A"). Without it an address would stop before it and leave it
   * in the text.
   */
  private static boolean postcodeSecondHalf(Tokens tk, int k) {
    if (k == 0 || tk.newlineBefore(k) || !alphanumericWithDigitAndLetter(tk, k, 3, 3)
        || !PatternScanner.isDigit(tk.first(k))) {
      return false;
    }
    return alphanumericWithDigitAndLetter(tk, k - 1, 2, 4) && Character.isLetter(tk.first(k - 1));
  }

  private static boolean alphanumericWithDigitAndLetter(Tokens tk, int k, int min, int max) {
    int len = tk.length(k);
    if (len < min || len > max) {
      return false;
    }
    boolean digit = false;
    boolean letter = false;
    for (int p = tk.starts[k]; p < tk.ends[k]; p++) {
      char c = tk.chars[p];
      if (PatternScanner.isDigit(c)) {
        digit = true;
      } else if (TextFold.isAsciiLetter(c)) {
        letter = true;
      } else {
        return false;
      }
    }
    return digit && letter;
  }

  private static boolean dotAfter(Tokens tk, int k) {
    return k + 1 < tk.size && tk.chars[tk.starts[k + 1]] == '.' && tk.starts[k + 1] == tk.ends[k];
  }

  /** Index after the token run that makes this an address, or k when it is not one. */
  private int core(Tokens tk, int k) {
    int n = tk.size;
    // A building or postal number before the house number: "3369 24 Clarke Avenue",
    // "31401 ul. Slowicza 10", "0304 Rua Cidade de Maracaja 468". One level only, so a long run
    // of numbers stays linear.
    if (number(tk, k) && k + 1 < n && !tk.newlineBefore(k + 1)
        && (number(tk, k + 1) || tk.foldedIn(k + 1, Lexicon.STREET_PREFIX, STREET_PREFIXES))) {
      int c = core(tk, k + 1, true);
      if (c > k + 1) {
        return c;
      }
    }
    return core(tk, k, false);
  }

  private int core(Tokens tk, int k, boolean numbered) {
    int n = tk.size;
    if (!tk.mayBe(k, Lexicon.ADDRESS_START)) {
      return numberedOrForeign(tk, k, numbered);
    }
    String f = folded(tk, k);
    if (!STARTS.contains(f)) {
      return numberedOrForeign(tk, k, numbered);
    }
    // P.O. Box 149 / PO Box 149 / Postbox 53
    if ((f.equals("p") && k + 4 < n && tk.is(k + 1, ".") && tk.is(k + 2, "o") && tk.is(k + 3, "."))) {
      int b = k + 4;
      if (b + 1 < n && tk.is(b, "box") && number(tk, b + 1)) {
        return b + 2;
      }
    }
    if ((f.equals("po") || f.equals("postbox") || f.equals("pob")) && k + 1 < n) {
      int b = tk.is(k + 1, "box") ? k + 2 : k + 1;
      if (number(tk, b)) {
        return b + 1;
      }
    }
    if (MILITARY.contains(f) && k + 1 < n && (tk.capitalized(k) || tk.allLowerCase())) {
      // "PSC 4115, Box 7815", "Unit 5022 Box 1225", "USNS Kim"
      if ((f.equals("psc") || f.equals("unit")) && number(tk, k + 1)) {
        int b = k + 2;
        if (b < n && tk.is(b, ",")) {
          b++;
        }
        if (b + 1 < n && tk.is(b, "box") && number(tk, b + 1)) {
          return b + 2;
        }
      } else if (f.startsWith("us") && tk.word(k + 1) && tk.capitalized(k + 1)) {
        return k + 2;
      }
    }
    if (STREET_PREFIXES.contains(f) && !f.equals("boulevard") && !f.equals("avenue")) {
      int w = dotAfter(tk, k) ? k + 2 : k + 1;
      int e = w;
      int named = 0;
      while (e < n && e - w < 5 && tk.word(e) && !tk.newlineBefore(e)) {
        if (tk.capitalized(e) || (numbered && tk.allLowerCase())) {
          named++;
        } else if (!tk.foldedIn(e, Lexicon.STREET_PARTICLE, PARTICLES) && !numbered) {
          break;
        }
        e++;
      }
      while (e > w && tk.foldedIn(e - 1, Lexicon.STREET_PARTICLE, PARTICLES)) {
        e--;
      }
      if (named > 0 && number(tk, e) && !tk.newlineBefore(e)) {
        return e + 1;
      }
      // After a house number the prefix alone is enough: "770 26 rue des lieutemants Thomazo".
      if (named > 0 && numbered) {
        return e;
      }
    }
    return numberedOrForeign(tk, k, numbered);
  }

  /** The forms of {@link #core(Tokens, int, boolean)} that do not start with a word of {@link #STARTS}. */
  private int numberedOrForeign(Tokens tk, int k, boolean numbered) {
    int n = tk.size;
    // The house number first: 11 Souterhead Road / 6750 Koskikatu 25 / 462 Stubengraben 80 / 221B Baker Street
    if (number(tk, k) || numberWithLetter(tk, k)) {
      int w = k + 1;
      if (!numbered && w < n && tk.foldedIn(w, Lexicon.STREET_PREFIX, STREET_PREFIXES) && !tk.newlineBefore(w)) {
        int c = core(tk, w, true); // "29 Rue de Tanger", "56 rue La Boetie"
        if (c > w) {
          return c;
        }
      }
      if (w < n && tk.word(w) && !tk.newlineBefore(w)) {
        int e = w;
        boolean street = false;
        // A name between two numbers without a street word ("6750 Koskikatu 25") is made of words
        // that are capitalised or not common: in lower-case text every word would pass, and
        // "2 cats and 3 dogs" would be an address.
        boolean named = true;
        while (e < n && e - w < 5 && tk.word(e) && !tk.newlineBefore(e)) {
          String we = folded(tk, e);
          boolean cap = tk.capitalized(e) || tk.allLowerCase();
          if (!cap && !(e > w && (SUFFIXES.contains(we) || SHORT_SUFFIXES.contains(we)))) {
            break;
          }
          named &= tk.capitalized(e) || !tk.commonWord(e);
          e++;
          if (SHORT_SUFFIXES.contains(we) && !tk.capitalized(e - 1) && e - 1 > w) {
            street = true;
            if (dotAfter(tk, e - 1)) {
              e++;
            }
            continue;
          }
          if (SUFFIXES.contains(we) || (streetEnding(we) && !CommonWords.contains(we))) {
            street = true;
            if (SUFFIXES.contains(we) && dotAfter(tk, e - 1)) {
              e++;
            }
            if (SUFFIXES.contains(we) && !(e < n && number(tk, e))) {
              return e;
            }
          }
          if (e < n && STREET_PREFIXES.contains(folded(tk, e - 1)) && dotAfter(tk, e - 1)) {
            e++;
          }
        }
        if (e > w && number(tk, e) && !tk.newlineBefore(e) && (street || named)) {
          return e + 1;
        }
        if (street && e > w) {
          return e;
        }
      }
    }
    // A street name with a foreign street ending and a number: "Luite tee 87", "Nybyvagen 65".
    // The number is at most four tokens on, so most capitalised words are done with at once.
    if (tk.word(k) && tk.capitalized(k) && numberWithin(tk, k + 1, k + 4)) {
      int e = k;
      boolean street = false;
      while (e < n && e - k < 3 && tk.word(e) && (e == k || !tk.newlineBefore(e))) {
        String we = folded(tk, e);
        // Capitalised only when abbreviated with a dot: "Weißenburger Str. 3", "Andrássy Krt. 9".
        if (e > k && SHORT_SUFFIXES.contains(we) && (!tk.capitalized(e) || we.length() >= 3 && dotAfter(tk, e))) {
          e = dotAfter(tk, e) ? e + 2 : e + 1;
          street = true;
          break;
        }
        boolean ending = streetEnding(we) && !CommonWords.contains(we);
        street |= ending;
        e++;
        if (ending && dotAfter(tk, e - 1)) {
          e++; // "Müllerstr. 12": the number follows the abbreviation's dot
          break;
        }
      }
      if (street && number(tk, e) && !tk.newlineBefore(e)) {
        return dotAfter(tk, e) ? e + 2 : e + 1;
      }
    }
    return k;
  }


  /** Whether one of the tokens {@code from..to} (inclusive, as far as there are) is a {@link #number}. */
  private static boolean numberWithin(Tokens tk, int from, int to) {
    if (from >= tk.size) {
      return false;
    }
    int j = tk.nextShortNumber(from);
    return j < tk.size && j <= to;
  }

  /** The last chars of {@link #STREET_ENDINGS}, as bits: most words end in none of them. */
  private static final long[] ENDING_LAST_CHARS = new long[2];

  static {
    for (String e : STREET_ENDINGS) {
      char c = e.charAt(e.length() - 1);
      ENDING_LAST_CHARS[c >>> 6] |= 1L << c;
    }
  }

  private static boolean streetEnding(String w) {
    if (w.length() < 4) {
      return false;
    }
    char last = w.charAt(w.length() - 1);
    if (last >= 128 || (ENDING_LAST_CHARS[last >>> 6] & (1L << last)) == 0) {
      return false;
    }
    for (String e : STREET_ENDINGS) {
      if (w.endsWith(e) && (w.length() > e.length() + 1 || e.length() >= 4 && w.equals(e))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Extends an address over what usually follows it: "Apt. 864", ", Artilleros", ", CO 64677",
   * "Uruguay", on the same line or on up to four short following lines.
   */
  private int extend(Tokens tk, int end) {
    int n = tk.size;
    int e = end;
    int lines = 0;
    int sinceLine = 0;
    while (e < n) {
      if (tk.newlineBefore(e)) {
        int c = lineContent(tk, e);
        if (lines == 4 || c >= n || labelLine(tk, c) || (blankLineBefore(tk, e) && !postalLine(tk, c))) {
          break;
        }
        lines++;
        sinceLine = 0;
        e = c; // past quoting marks such as "> " at the start of the line
      }
      String f = folded(tk, e);
      if (UNIT_WORDS.contains(f) && e + 1 < n) {
        int v = dotAfter(tk, e) ? e + 2 : e + 1;
        if (number(tk, v)) {
          e = v + 1;
          sinceLine++;
          continue;
        }
      }
      if (tk.is(e, ",") && e + 1 < n) {
        e++;
        continue;
      }
      int postcode = loosePostcode(tk, e); // "London sw1a 2aa", "Manchester M11AE"
      if (postcode > e && sinceLine < 6) {
        sinceLine += postcode - e;
        e = postcode;
        continue;
      }
      boolean ok = tk.word(e) && (tk.capitalized(e) || f.equals("nan") || tk.allLowerCase())
          || (tk.allDigits(e) && tk.length(e) <= 6) || (tk.is(e, "-") && e + 1 < n && tk.allDigits(e + 1))
          || (e > end && postcodeSecondHalf(tk, e));
      if (!ok || sinceLine >= 6) {
        break;
      }
      e++;
      sinceLine++;
    }
    while (e > end && tk.is(e - 1, ",")) {
      e--;
    }
    return e;
  }

  /** The first token of the line starting at k after up to three quoting marks ("> ", "??? "). */
  private static int lineContent(Tokens tk, int k) {
    int c = k;
    while (c < tk.size && c - k < 3 && !Character.isLetterOrDigit(tk.first(c)) && tk.length(c) == 1
        && (c == k || !tk.newlineBefore(c))) {
      c++;
    }
    return c < tk.size && (c == k || !tk.newlineBefore(c)) ? c : k;
  }

  /**
   * A line that closes an address after a blank line: a country or region of up to three
   * capitalised words and a postcode ("Estonia 62488"), the line ending there.
   */
  private static boolean postalLine(Tokens tk, int k) {
    int e = k;
    while (e < tk.size && e - k < 3 && tk.word(e) && tk.capitalized(e) && (e == k || !tk.newlineBefore(e))) {
      e++;
    }
    return e > k && e < tk.size && !tk.newlineBefore(e) && hasDigit(tk, e) && tk.length(e) <= 8
        && (e + 1 == tk.size || tk.newlineBefore(e + 1));
  }

  /**
   * Where a postcode written alone on the last line of an address starts ("...\n    53650"), or
   * -1. Such a line is reported as ZIP_CODE of its own rather than as part of the street address.
   */
  private static int postcodeLine(Tokens tk, int start, int end) {
    int k = end - 1;
    while (k > start && !tk.newlineBefore(k)) {
      k--;
    }
    if (k <= start || end - k > 3) {
      return -1;
    }
    for (int p = k; p < end; p++) {
      if (!(hasDigit(tk, p) && (tk.length(p) <= 6 || loosePostcode(tk, p) == p + 1)) && !tk.is(p, "-")) {
        return -1;
      }
    }
    return hasDigit(tk, k) ? k : -1;
  }

  private static boolean blankLineBefore(Tokens tk, int k) {
    int lines = 0;
    for (int p = tk.ends[k - 1]; p < tk.starts[k]; p++) {
      if (tk.chars[p] == '\n') {
        lines++;
      }
    }
    return lines > 1;
  }

  /** A line such as "Phone: ..." or "Name: ...": a new field, not part of the address. */
  private static boolean labelLine(Tokens tk, int k) {
    return k + 1 < tk.size && tk.word(k) && tk.is(k + 1, ":");
  }

  private static boolean zipCue(Tokens tk, int k) {
    if (!tk.mayBe(k, Lexicon.ZIP_CUE)) {
      return false;
    }
    String f = folded(tk, k);
    if (f.equals("zip") || f.equals("zipcode") || f.equals("postcode") || f.equals("plz")) {
      return true;
    }
    return (f.equals("postal") || f.equals("post")) && k + 1 < tk.size && tk.is(k + 1, "code");
  }

  /**
   * Where the postcode after a cue starts: past "code" (of "post code"), "is", ":" and "#", so
   * "ZIP is 90210" reports "90210" alone.
   */
  private static int valueStart(Tokens tk, int k) {
    int n = tk.size;
    if (k < n && tk.is(k, "code")) {
      k++;
    }
    while (k < n && (tk.is(k, ":") || tk.is(k, "is") || tk.is(k, "#"))) {
      k++;
    }
    return k;
  }

  /** End of a postcode after a cue: "75534-030", "394 13", "B0J 2H0", "SW1A 1AA", "SW1A1AA". */
  private static int zipValue(Tokens tk, int k) {
    int n = tk.size;
    k = valueStart(tk, k);
    if (k >= n) {
      return -1;
    }
    int e = k;
    int parts = 0;
    while (e < n && parts < 3 && !tk.newlineBefore(e) && Character.isLetterOrDigit(tk.first(e))
        && (tk.length(e) <= 6 || loosePostcode(tk, e) == e + 1) && hasDigit(tk, e)) {
      e++;
      parts++;
      if (e < n && tk.is(e, "-") && e + 1 < n && hasDigit(tk, e + 1)) {
        e++;
      }
    }
    return parts == 0 ? -1 : e;
  }

  private static boolean hasDigit(Tokens tk, int k) {
    for (int p = tk.starts[k]; p < tk.ends[k]; p++) {
      if (PatternScanner.isDigit(tk.chars[p])) {
        return true;
      }
    }
    return false;
  }
}
