package dev.lethe.redact;

import java.util.HashSet;
import java.util.Set;

/**
 * Second look at the PERSON candidates of the name finder, the name list and the cues, before
 * spans are resolved. A candidate is dropped when every word of it is a country, a big city or a
 * title ("Canada", "South Africa", "Dr"), or when it is followed or ended by a word that names a
 * company ("Rand Corporation", "Russell Investments"). A candidate that ends in a street type
 * ("Inna Loop St.") is a street, and is reported as one. Member-directory matches are not
 * reviewed: the directory is authoritative.
 */
final class PersonVeto {
  /**
   * Countries and regions, and the world's most written-about cities, folded; also US states,
   * Canadian provinces, English counties and UK cities, which the name lists hold as given names
   * ("Florida", "Kansas", "Essex") and posts name as places far more often. States and counties
   * that are also common given names ("Virginia", "Carolina", "Dakota", "Montana", "Kent") are
   * left out: a name dropped here is a name leaked.
   */
  static final Set<String> PLACES = Set.of(
      "afghanistan", "albania", "algeria", "andorra", "angola", "argentina", "armenia", "australia",
      "austria", "azerbaijan", "bahamas", "bahrain", "bangladesh", "barbados", "belarus", "belgium",
      "belize", "benin", "bhutan", "bolivia", "bosnia", "botswana", "brazil", "brunei", "bulgaria",
      "burundi", "cambodia", "cameroon", "canada", "chad", "chile", "china", "colombia", "congo",
      "croatia", "cuba", "cyprus", "czechia", "denmark", "djibouti", "dominica", "ecuador", "egypt",
      "eritrea", "estonia", "eswatini", "ethiopia", "fiji", "finland", "france", "gabon", "gambia",
      "georgia", "germany", "ghana", "greece", "greenland", "grenada", "guatemala", "guinea",
      "guyana", "haiti", "honduras", "hungary", "iceland", "india", "indonesia", "iran", "iraq",
      "ireland", "israel", "italy", "jamaica", "japan", "jordan", "kazakhstan", "kenya", "kiribati",
      "kosovo", "kuwait", "kyrgyzstan", "laos", "latvia", "lebanon", "lesotho", "liberia", "libya",
      "liechtenstein", "lithuania", "luxembourg", "madagascar", "malawi", "malaysia", "maldives",
      "mali", "malta", "mauritania", "mauritius", "mexico", "moldova", "monaco", "mongolia",
      "montenegro", "morocco", "mozambique", "myanmar", "namibia", "nauru", "nepal", "netherlands",
      "nicaragua", "niger", "nigeria", "norway", "oman", "pakistan", "palau", "palestine", "panama",
      "paraguay", "peru", "philippines", "poland", "portugal", "qatar", "romania", "russia", "rwanda",
      "samoa", "senegal", "serbia", "seychelles", "singapore", "slovakia", "slovenia", "somalia",
      "spain", "sudan", "suriname", "sweden", "switzerland", "syria", "taiwan", "tajikistan",
      "tanzania", "thailand", "togo", "tonga", "tunisia", "turkey", "turkmenistan", "tuvalu",
      "uganda", "ukraine", "uruguay", "uzbekistan", "vanuatu", "venezuela", "vietnam", "yemen",
      "zambia", "zimbabwe", "england", "scotland", "wales", "britain", "europe", "africa", "asia",
      "america", "antarctica", "oceania", "south", "north", "east", "west", "new", "zealand",
      "united", "states", "kingdom", "arabia", "saudi", "korea", "sri", "lanka", "costa", "rica",
      "el", "salvador", "puerto", "rico", "ivory", "coast", "czech", "republic", "emirates",
      "london", "paris", "berlin", "madrid", "rome", "vienna", "amsterdam", "brussels", "lisbon",
      "dublin", "oslo", "stockholm", "helsinki", "copenhagen", "warsaw", "prague", "budapest",
      "athens", "istanbul", "moscow", "kyiv", "kiev", "tokyo", "beijing", "shanghai", "delhi",
      "mumbai", "seoul", "bangkok", "jakarta", "manila", "sydney", "melbourne", "toronto",
      "montreal", "vancouver", "chicago", "boston", "seattle", "miami", "dallas", "houston",
      "atlanta", "denver", "york", "angeles", "francisco", "washington", "cairo", "lagos",
      "nairobi", "johannesburg", "dubai", "munich", "hamburg", "frankfurt", "zurich", "geneva",
      "milan", "naples", "barcelona", "valencia", "seville", "porto", "alegre", "rio", "janeiro",
      "paulo", "lima", "bogota", "santiago", "caracas", "havana", "auckland", "wellington",
      "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
      "delaware", "florida", "hawaii", "idaho", "illinois", "iowa", "kansas", "kentucky",
      "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi",
      "missouri", "nebraska", "nevada", "hampshire", "jersey", "ohio", "oklahoma",
      "oregon", "pennsylvania", "tennessee", "texas", "utah", "vermont", "wisconsin", "wyoming",
      "ontario", "quebec", "alberta", "manitoba", "saskatchewan", "yorkshire", "lancashire",
      "essex", "surrey", "manchester", "liverpool", "birmingham", "glasgow", "edinburgh",
      "leeds", "bristol", "cardiff", "belfast", "newcastle", "sheffield", "nottingham");
  /** Peoples and languages, in or just before a run: "European Union", "British Museum". */
  static final Set<String> DEMONYMS = Set.of(
      "american", "european", "british", "english", "french", "german", "spanish", "italian",
      "russian", "chinese", "japanese", "indian", "african", "asian", "canadian", "mexican",
      "australian", "irish", "scottish", "welsh", "dutch", "polish", "swedish", "danish",
      "norwegian", "finnish", "greek", "turkish", "portuguese", "brazilian", "korean", "arab",
      "arabic", "jewish", "muslim", "christian", "catholic", "islamic", "national", "federal",
      "royal", "imperial", "soviet", "latin", "nordic", "baltic");
  /** Words before which a lone, unlisted capitalised word is a place: "from Fortaleza". */
  static final Set<String> PLACE_CUES = Set.of("in", "from", "near", "at");
  static final Set<String> TITLES =
      Set.of("dr", "mr", "mrs", "ms", "miss", "prof", "sir", "madam", "dame", "lord", "lady");
  /**
   * Dates, greetings and headline words that, alone or together, are never a person ("Watch Live",
   * "Happy New Year", "Sept", "Thurs"), though the name lists or the model take them for one. All
   * are in {@link ListedNames#NOT_NAMES}, whose {@link Lexicon#NOT_NAME} bit answers most tokens.
   * "God" and "Lord" are not: the labeled sets count them as people.
   */
  static final Set<String> NEVER_ALONE = Set.of(
      "january", "february", "march", "april", "may", "june", "july", "august", "september",
      "october", "november", "december", "sept", "sep", "oct", "nov", "dec", "aug", "jul", "jun",
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "thurs", "thu",
      "tues", "tue", "weds", "wed", "christmas", "easter", "hi", "hello", "dear", "thanks", "happy",
      "birthday", "goodnight", "watch", "live", "part", "new", "year", "president", "senate",
      "parliament", "congress", "council", "army", "court", "supreme", "prime", "minister",
      "scorpio", "gemini", "virgo", "aries", "libra", "taurus", "capricorn", "aquarius", "pisces",
      "sagittarius");

  /** Words that end or follow the name of a company or an ensemble. */
  static final Set<String> ORGANISATION = Set.of(
      "inc", "llc", "ltd", "llp", "plc", "gmbh", "corp", "corporation", "company", "co", "group",
      "technologies", "technology", "investments", "associates", "partners", "holdings",
      "systems", "solutions", "consulting", "capital", "insurance", "bank", "labs", "media",
      "orchestra", "band", "foundation", "institute", "university", "college", "agency", "studios",
      "enterprises", "industries", "international", "ventures", "networks", "software", "services",
      "airlines", "airways", "party", "ministry", "police", "fc", "images");
  /** Words that are never an item of a list of names: "and", company words and titles. */
  static final Set<String> NOT_LIST_ITEMS = notListItems();

  private static Set<String> notListItems() {
    Set<String> s = new HashSet<>(ORGANISATION);
    s.addAll(TITLES);
    s.add("and");
    return Set.copyOf(s);
  }

  /** Street types that may end a name-shaped run ("Herceg Gateway St.", "Martinez Mall St"). */
  static final Set<String> STREET_ENDS =
      Set.of("st", "street", "ave", "avenue", "rd", "road", "blvd", "boulevard", "ln", "lane",
          "dr", "drive", "pkwy", "parkway", "hwy", "highway");

  private PersonVeto() {}

  /** Reviews the PERSON hits from index {@code from} on; the others are left alone. */
  static void review(Tokens tk, Hits h, int from) {
    for (int i = from; i < h.size; i++) {
      if (h.types[i] != EntityType.PERSON) {
        continue;
      }
      int a = tokenAt(tk, h.starts[i]);
      int b = tokenAt(tk, h.ends[i] - 1);
      if (a < 0 || b < 0) {
        continue;
      }
      // Each list is asked through its Lexicon bit first: most words are in none, and are then
      // answered without making their folded strings.
      if (b > a && tk.foldedIn(b, Lexicon.STREET_END, STREET_ENDS) && !tk.folded(b).equals("dr")) {
        h.types[i] = EntityType.STREET_ADDRESS;
        continue;
      }
      // A people's word before a given name and more is the person's nationality: "American Tom
      // Hanks" is Tom Hanks, where "European Union" and "British Museum" are no one.
      if (a + 1 < b && tk.foldedIn(a, Lexicon.DEMONYM, DEMONYMS) && givenName(tk, a + 1)) {
        a++;
        h.starts[i] = tk.starts[a];
      }
      boolean places = true;
      boolean titles = true;
      boolean notNames = true;
      boolean people = false;
      for (int k = a; k <= b; k++) {
        if (!tk.word(k)) {
          continue;
        }
        places &= tk.foldedIn(k, Lexicon.PLACE, PLACES);
        titles &= tk.foldedIn(k, Lexicon.TITLE, TITLES);
        notNames &= tk.nameFoldedIn(k, Lexicon.NOT_NAME, NEVER_ALONE);
        people |= tk.foldedIn(k, Lexicon.DEMONYM, DEMONYMS);
      }
      people |= a > 0 && tk.capitalized(a - 1) && spacesBetween(tk, a - 1, a)
          && tk.foldedIn(a - 1, Lexicon.DEMONYM, DEMONYMS) && !(a < b && givenName(tk, a));
      boolean org = tk.foldedIn(b, Lexicon.ORGANISATION, ORGANISATION)
          || (b + 1 < tk.size && tk.capitalized(b + 1)
              && tk.foldedIn(b + 1, Lexicon.ORGANISATION, ORGANISATION));
      boolean place = a == b && a > 0 && tk.capitalized(a) && !tk.listedName(a)
          && tk.foldedIn(a - 1, Lexicon.PLACE_CUE, PLACE_CUES);
      // A house number before the run: "29 Rue de Tanger" (after it is too common in posts:
      // "Kobe 24").
      boolean numbered = a > 0 && spacesBetween(tk, a - 1, a) && houseNumber(tk, a - 1);
      if (places || titles || notNames || people || org || place || numbered) {
        h.scores[i] = -1; // marked; removed below
      }
      if (org) {
        coordinatedWith(tk, h, from, a); // "Davis, Reynolds and Williamson Orchestra"
      }
    }
    h.removeNegative(from);
    int reviewed = h.size;
    for (int i = from; i < reviewed; i++) {
      if (h.types[i] == EntityType.PERSON) {
        widen(tk, h, i);
      }
    }
    if (reviewed > from + 1) {
      lists(tk, h, from, reviewed);
    }
  }

  /**
   * Completes lists of one-word names: in "Gaetane, Hannah, Anthony and Derek", when at least two
   * items, and at least half of them, were found as people, the other items are people too.
   * Items are single words (capitalised, unless the whole text is lower case), separated by
   * commas and "and"; a list needs three items.
   */
  private static void lists(Tokens tk, Hits h, int from, int to) {
    boolean lower = tk.allLowerCase();
    int[] items = new int[8];
    int k = 0;
    while (k < tk.size) {
      if (!listItem(tk, k, lower)) {
        k++;
        continue;
      }
      int count = 0;
      items[count++] = k;
      int j = k + 1;
      while (j < tk.size && count < items.length) {
        int next = j;
        if (tk.is(next, ",")) {
          next++;
        }
        if (next < tk.size && (tk.is(next, "and") || tk.is(next, "&"))) {
          next++;
        }
        if (next == j || next >= tk.size || !listItem(tk, next, lower)) {
          break;
        }
        items[count++] = next;
        j = next + 1;
      }
      if (count >= 3 && (j >= tk.size || !tk.word(j))) {
        int found = 0;
        for (int c = 0; c < count; c++) {
          found += personAt(h, from, to, tk.starts[items[c]]) ? 1 : 0;
        }
        if (found >= 2 && 2 * found >= count) {
          for (int c = 0; c < count; c++) {
            int t = items[c];
            if (!personAt(h, from, to, tk.starts[t])) {
              h.add(EntityType.PERSON, tk.starts[t], tk.ends[t], 0.5);
            }
          }
        }
      }
      k = j;
    }
  }

  private static boolean listItem(Tokens tk, int k, boolean lower) {
    if (!tk.word(k) || tk.length(k) < 2 || !(lower || tk.capitalized(k))) {
      return false;
    }
    if (!tk.mayBe(k, Lexicon.NOT_LIST_ITEM)) {
      return true;
    }
    String f = tk.folded(k);
    return !f.equals("and") && !ORGANISATION.contains(f) && !TITLES.contains(f);
  }

  private static boolean personAt(Hits h, int from, int to, int start) {
    for (int i = from; i < to; i++) {
      if (h.types[i] == EntityType.PERSON && h.starts[i] <= start && start < h.ends[i]) {
        return true;
      }
    }
    return false;
  }

  /**
   * Marks for removal the PERSON hits on the names listed before token {@code a} ("Davis,
   * Reynolds and" before "Williamson Orchestra"): one company's name, not three people.
   */
  private static void coordinatedWith(Tokens tk, Hits h, int from, int a) {
    int k = a - 1;
    int first = a;
    while (k > 0 && (tk.is(k, ",") || tk.is(k, "and") || tk.is(k, "&")) && tk.capitalized(k - 1)) {
      first = k - 1;
      k -= 2;
    }
    if (first == a) {
      return;
    }
    int start = tk.starts[first];
    int end = tk.starts[a];
    for (int j = from; j < h.size; j++) {
      if (h.types[j] == EntityType.PERSON && h.starts[j] >= start && h.ends[j] <= end) {
        h.scores[j] = -1;
      }
    }
  }

  /**
   * Widens a PERSON hit over a first name the finder left out ("Bonifacy Kaczmarek" found as
   * "Kaczmarek") and over a middle initial and family name after it ("Delvis J Carvajal" found as
   * "Delvis"). A leaked first name is a leak, so the boundary matters for redaction, not only for
   * scoring. The word taken in on the left must look like a name: capitalised (not all capitals),
   * not a common lower-case word, a title, a place, a people or a company word, and separated
   * from the hit by spaces only.
   */
  private static void widen(Tokens tk, Hits h, int i) {
    int a = tokenAt(tk, h.starts[i]);
    int b = tokenAt(tk, h.ends[i] - 1);
    if (a < 0 || b < 0) {
      return;
    }
    if (a > 0 && spacesBetween(tk, a - 1, a)
        && (nameLike(tk, a - 1) || capitals(tk, a) && ListedNames.capitalsName(tk, a - 1))) {
      h.starts[i] = tk.starts[a - 1];
    }
    // A name written in lower case: a capitalised common word before it starts the sentence, not
    // the name ("Later john smith"), and the listed names after it are part of it ("Hi john
    // smith", where the model saw only "john"); left out, "smith" would stay in the text.
    int first = tokenAt(tk, h.starts[i]);
    if (b > first && tk.capitalized(first) && tk.commonWord(first) && lowerCaseWords(tk, first + 1, b)) {
      first++;
      h.starts[i] = tk.starts[first];
    }
    if (lowerCaseWords(tk, first, b)) {
      int e = b;
      while (e + 1 < tk.size && e - b < 2 && spacesBetween(tk, e, e + 1) && lowerCaseWords(tk, e + 1, e + 1)
          && tk.listedName(e + 1) && !tk.commonWord(e + 1)) {
        e++;
      }
      h.ends[i] = tk.ends[e];
      b = e;
    }
    int k = b + 1;
    // A name in capitals: a listed or family-name-shaped word in capitals after it is its family
    // name ("SARAH JONES" found as "SARAH"; before it, its first name, taken in above).
    if (k < tk.size && capitals(tk, b) && spacesBetween(tk, b, k) && ListedNames.capitalsName(tk, k)) {
      h.ends[i] = tk.ends[k];
      return;
    }
    if (k + 1 < tk.size && spacesBetween(tk, b, k) && tk.length(k) == 1 && tk.capitalized(k)) {
      int next = k + 1 < tk.size && tk.is(k + 1, ".") ? k + 2 : k + 1;
      if (next < tk.size && spacesBetween(tk, next - 1, next) && nameLike(tk, next)
          && (tk.listedName(next) || ListedNames.surname(tk, next))) {
        h.ends[i] = tk.ends[next];
      }
    }
  }

  /** Whether token k is capitalised and a listed name, not a common word nor a non-person word. */
  private static boolean givenName(Tokens tk, int k) {
    return tk.capitalized(k) && tk.listedName(k) && !tk.commonWord(k) && !ListedNames.notName(tk, k);
  }

  /** Whether token k is a word of two letters or more, all in capitals. */
  private static boolean capitals(Tokens tk, int k) {
    return tk.word(k) && tk.length(k) > 1 && !tk.someLowerCase(k);
  }

  /** Whether tokens {@code from..to} (inclusive; none when from > to) are all words in lower case. */
  private static boolean lowerCaseWords(Tokens tk, int from, int to) {
    for (int k = from; k <= to; k++) {
      if (!tk.word(k) || tk.capitalized(k) || !Character.isLowerCase(tk.first(k))) {
        return false;
      }
    }
    return true;
  }

  private static boolean nameLike(Tokens tk, int k) {
    if (!tk.word(k) || tk.length(k) < 2 || !tk.capitalized(k)
        || Character.isUpperCase(tk.text.charAt(tk.starts[k] + 1))) {
      return false;
    }
    if (tk.commonWord(k)) {
      return false;
    }
    if (!tk.mayBe(k, Lexicon.PLACE | Lexicon.TITLE | Lexicon.DEMONYM | Lexicon.ORGANISATION
        | Lexicon.STREET_END | Lexicon.NOT_NAME | Lexicon.NOT_PEOPLE)) {
      return true; // in none of the lists below
    }
    String f = tk.folded(k);
    return !PLACES.contains(f) && !TITLES.contains(f) && !DEMONYMS.contains(f)
        && !ORGANISATION.contains(f) && !STREET_ENDS.contains(f) && !ListedNames.notName(f);
  }

  private static boolean houseNumber(Tokens tk, int k) {
    return tk.length(k) <= 5 && tk.allDigits(k);
  }

  /** Whether only spaces separate tokens {@code x} and {@code y}. */
  private static boolean spacesBetween(Tokens tk, int x, int y) {
    if (tk.ends[x] == tk.starts[y]) {
      return false;
    }
    for (int p = tk.ends[x]; p < tk.starts[y]; p++) {
      if (tk.chars[p] != ' ') {
        return false;
      }
    }
    return true;
  }

  /** The token containing UTF-16 offset {@code p}, or -1. */
  private static int tokenAt(Tokens tk, int p) {
    int lo = 0;
    int hi = tk.size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (tk.ends[mid] <= p) {
        lo = mid + 1;
      } else if (tk.starts[mid] > p) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }
}
