package dev.lethe.redact;

import java.util.Set;

/**
 * Runs of capitalised words led by a known first or last name ("Zoe H. Snider", "Maika van de
 * Noort"), for names the statistical model misses outside its tweet domain. A listed word that
 * the training text mostly writes in lower case ("Will", "Hope") does not count as a name.
 */
final class ListedNames {
  static final Set<String> PARTICLES =
      Set.of("van", "de", "der", "den", "von", "da", "di", "del", "della", "la", "le", "du", "dos",
          "das", "ten", "ter", "bin", "al", "y");
  /** Particles that, between two capitalised words, mark a person's name. */
  static final Set<String> STRONG_PARTICLES =
      Set.of("van", "von", "ten", "ter", "bin", "ibn", "binti", "zu");
  static final Set<String> NOT_NAMES =
      Set.of("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
          "saturday", "sunday", "god", "lord", "christmas", "easter", "mr", "mrs", "ms", "dr", "hi",
          "hello", "dear", "thanks", "ok", "lol", "omg", "rt", "the", "and", "user", "bot", "name",
          "phone", "mobile", "desk", "fax", "address", "date", "street", "road", "avenue", "suite",
          "apt", "ul", "box", "iban", "email", "zip", "sept", "sep", "oct", "nov", "dec", "aug", "jul",
          "jun", "thurs", "thu", "tues", "tue", "weds", "wed", "happy", "birthday", "goodnight",
          "watch", "live", "part", "new", "year", "president", "senate", "parliament", "congress",
          "council", "army", "court", "supreme", "prime", "minister", "scorpio", "gemini", "virgo",
          "aries", "libra", "taurus", "capricorn", "aquarius", "pisces", "sagittarius");
  /** Countries, peoples and the last words of names of things, which the name list also holds. */
  static final Set<String> NOT_PEOPLE =
      Set.of("norway", "sweden", "france", "austria", "germany", "spain", "italy", "greece",
          "cyprus", "poland", "finland", "denmark", "iceland", "estonia", "latvia", "lithuania",
          "czech", "slovakia", "slovenia", "croatia", "serbia", "hungary", "romania", "bulgaria",
          "ukraine", "russia", "turkey", "england", "scotland", "wales", "ireland", "britain",
          "kingdom", "america", "canada", "mexico", "brazil", "argentina", "chile", "peru",
          "australia", "zealand", "japan", "china", "india", "israel", "egypt", "uruguay",
          "switzerland", "belgium", "netherlands", "holland", "portugal", "greenland", "tunisia",
          "american", "russian", "english", "french", "german", "spanish", "italian", "greek",
          "polish", "swedish", "danish", "dutch", "british", "irish", "scottish", "canadian",
          "mexican", "chinese", "japanese", "indian", "african", "european", "asian", "jewish",
          "muslim", "christian", "catholic", "republic", "act", "day", "royal", "princess",
          "prince", "king", "queen", "inc", "ltd", "llc", "corp", "company", "consulting",
          "university", "college", "school", "bank", "group", "club", "team", "united", "states",
          "city", "county", "river", "lake", "mount", "island", "park", "hall", "church",
          "markets", "economic", "rights", "civil", "labor", "labour", "billing", "fuse", "bot",
          "user", "hospital", "center", "centre", "airport", "station", "records", "music",
          "news", "times", "post", "weekly", "daily", "magazine");

  void scan(Tokens tk, Hits out) {
    boolean lowerText = tk.allLowerCase();
    int n = tk.size;
    int k = 0;
    while (k < n) {
      if (!candidate(tk, k, lowerText) || !(listed(tk, k) || beforeSurname(tk, k, lowerText)
          || (!lowerText && nameShaped(tk, k)))) {
        k++;
        continue;
      }
      int e = k + 1;
      int words = 1;
      int listed = 1;
      while (e < n && words < 4 && !tk.newlineBefore(e)) {
        if (tk.length(e) == 1 && Character.isUpperCase(tk.first(e))) {
          e += (e + 1 < n && tk.is(e + 1, ".")) ? 2 : 1; // initial
        } else if (tk.tokenIn(e, Lexicon.NAME_PARTICLE, PARTICLES) && afterParticles(tk, e, lowerText) > 0) {
          e = afterParticles(tk, e, lowerText);
        } else if (candidate(tk, e, lowerText)) {
          listed += listed(tk, e) || surname(tk, e) ? 1 : 0;
          words++;
          e++;
        } else if (!lowerText && capitalsName(tk, e)) {
          listed++;
          words++;
          e++;
        } else {
          break;
        }
      }
      boolean lowerOk = listed == words && (words >= 2 || coordinated(tk, k, e));
      if (!lowerText && e > k + 2 && tk.nameFoldedIn(k, Lexicon.NOT_PEOPLE, NOT_PEOPLE)
          && !containsNotPeople(tk, k + 1, e)) {
        k++; // a nationality before a name: "American Tom Hanks" is Tom Hanks
        continue;
      }
      if (containsNotPeople(tk, k, e) || (lowerText && !lowerOk)) {
        k = e;
        continue;
      }
      // Do not end on an initial's dot or a particle.
      while (e > k + 1 && !tk.word(e - 1) || e > k + 1 && tk.tokenIn(e - 1, Lexicon.NAME_PARTICLE, PARTICLES)) {
        e--;
      }
      out.add(EntityType.PERSON, tk.starts[k], tk.ends[e - 1], words > 1 ? 0.6 : 0.5);
      k = e;
    }
  }

  /**
   * Whether the one-word name at [k, e) is an item of a list of listed names: "silvana, adam and
   * chad". Lower-case text needs that, or a second word, before a listed word counts as a name.
   */
  private static boolean coordinated(Tokens tk, int k, int e) {
    return (k >= 2 && (tk.is(k - 1, ",") || tk.is(k - 1, "and")) && listed(tk, k - 2))
        || (e + 1 < tk.size && (tk.is(e, ",") || tk.is(e, "and")) && listed(tk, e + 1));
  }

  private static boolean containsNotPeople(Tokens tk, int from, int to) {
    for (int k = from; k < to; k++) {
      if (tk.nameFoldedIn(k, Lexicon.NOT_PEOPLE, NOT_PEOPLE)) {
        return true;
      }
    }
    return false;
  }

  private static boolean candidate(Tokens tk, int k, boolean lowerText) {
    if (!tk.word(k) || tk.length(k) < 2) {
      return false;
    }
    boolean cap = Character.isUpperCase(tk.first(k));
    if (!cap || lowerText) {
      return lowerText;
    }
    return tk.someLowerCase(k); // not all capitals
  }

  /**
   * A listed or family-name-shaped word in capitals, which continues a name ("Maria GARCIA") but
   * never starts one: alone, capitals are acronyms and shouting ("NASA", "HAPPY") far more often
   * than people, and the name lists hold many such words.
   */
  static boolean capitalsName(Tokens tk, int k) {
    return tk.word(k) && tk.length(k) > 2 && !tk.someLowerCase(k) && (listed(tk, k) || surname(tk, k));
  }

  /**
   * Endings of family names in Slavic, Baltic, Caucasian, Nordic, Finnish, Romanian, Turkish, Greek
   * and Japanese naming ("Dratchev", "Szczepanska", "Shervashidze", "Gudmundsdottir", "Jeknic",
   * "Virtanen", "Yamamoto"), which a list of names can never hold exhaustively.
   */
  private static final String[] SURNAME_ENDINGS = {
    "ov", "ova", "ev", "eva", "vich", "vic", "ic", "ski", "ska", "sky", "cki", "cka", "dze",
    "shvili", "enko", "dottir", "sson", "escu", "oglu", "poulos", "akis", "yan", "ian",
    "son", "sen", "nen", "moto", "mura", "kawa", "yama", "hara", "zaki", "saki"
  };

  /** Whether token k is capitalised, not a common word, and shaped like a family name. */
  static boolean surname(Tokens tk, int k) {
    if (!tk.word(k) || tk.length(k) < 5 || tk.commonWord(k)) {
      return false;
    }
    String f = tk.folded(k);
    if (NOT_PEOPLE.contains(f)) {
      return false;
    }
    for (String e : SURNAME_ENDINGS) {
      if (f.endsWith(e)) {
        return true;
      }
    }
    return false;
  }

  /**
   * An unlisted given name before a family-name-shaped word, directly or after a middle initial:
   * "Ushurma Dratchev", "Soib K. Kishiev".
   */
  private static boolean beforeSurname(Tokens tk, int k, boolean lowerText) {
    if (lowerText || tk.commonWord(k)) {
      return false;
    }
    int s = k + 1;
    if (s < tk.size && tk.length(s) == 1 && Character.isUpperCase(tk.first(s)) && !tk.newlineBefore(s)) {
      s += s + 1 < tk.size && tk.is(s + 1, ".") ? 2 : 1;
    }
    // The word after first: few are shaped like family names, and asking costs no string.
    return s < tk.size && !tk.newlineBefore(s) && candidate(tk, s, false) && surname(tk, s)
        && !tk.nameFoldedIn(k, Lexicon.NOT_NAME, NOT_NAMES);
  }

  /** The token after the particles starting at k ("van de"), if it can be a name word; else -1. */
  private static int afterParticles(Tokens tk, int k, boolean lowerText) {
    int e = k;
    while (e < tk.size && e - k < 3 && tk.tokenIn(e, Lexicon.NAME_PARTICLE, PARTICLES) && !tk.newlineBefore(e)) {
      e++;
    }
    return e < tk.size && !tk.newlineBefore(e) && candidate(tk, e, lowerText) ? e : -1;
  }

  /**
   * An unlisted word that starts a run shaped like a person's name on its own: a middle initial
   * with its dot between two words ("Alvir D. Pušaver"), or a Dutch, German or Arabic particle
   * before a family name ("Willemine ten Pas", "Maika van de Noort"). Romance particles ("de",
   * "del", "la") are left out here: "Rue de Tanger", "Villafranca del Cid" are places.
   */
  private static boolean nameShaped(Tokens tk, int k) {
    if (tk.commonWord(k)) {
      return false;
    }
    // The shape after the word first: most words have none, and asking costs no string.
    int s = k + 1;
    boolean shaped = false;
    if (s + 2 < tk.size && tk.length(s) == 1 && Character.isUpperCase(tk.first(s)) && tk.is(s + 1, ".")
        && !tk.newlineBefore(s) && !tk.newlineBefore(s + 2)) {
      shaped = familyName(tk, s + 2);
    } else if (s < tk.size && tk.tokenIn(s, Lexicon.STRONG_PARTICLE, STRONG_PARTICLES) && !tk.newlineBefore(s)) {
      int e = afterParticles(tk, s, false);
      shaped = e > 0 && familyName(tk, e);
    }
    return shaped && !notName(tk, k);
  }

  /** A capitalised word (not all capitals) that is not a common word nor a non-person word. */
  private static boolean familyName(Tokens tk, int k) {
    return candidate(tk, k, false) && !tk.commonWord(k)
        && !notName(tk, k);
  }

  /** Whether the folded word is one the name list holds but that does not name a person here. */
  static boolean notName(String folded) {
    return NOT_NAMES.contains(folded) || NOT_PEOPLE.contains(folded);
  }

  /** {@link #notName(String)} of token k's {@link Tokens#nameFolded} form. */
  static boolean notName(Tokens tk, int k) {
    return tk.mayBe(k, Lexicon.NOT_NAME | Lexicon.NOT_PEOPLE) && notName(tk.nameFolded(k));
  }

  private static boolean listed(Tokens tk, int k) {
    // The common words first: a smaller list than the names, and it holds most capitalised words.
    return !tk.commonWord(k) && tk.inNameList(k) && !tk.nameFoldedIn(k, Lexicon.NOT_NAME, NOT_NAMES);
  }

}
