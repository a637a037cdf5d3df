package dev.lethe.redact;

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
  /** Countries and regions, and the world's most written-about cities, folded. */
  private static final Set<String> PLACES = Set.of(
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
      "paulo", "lima", "bogota", "santiago", "caracas", "havana", "auckland", "wellington");
  private static final Set<String> TITLES =
      Set.of("dr", "mr", "mrs", "ms", "miss", "prof", "sir", "madam", "dame", "lord", "lady");
  /** Words that end or follow the name of a company or an ensemble. */
  private static final Set<String> ORGANISATION = Set.of(
      "inc", "llc", "ltd", "llp", "plc", "gmbh", "corp", "corporation", "company", "co", "group",
      "technologies", "technology", "investments", "associates", "partners", "holdings",
      "systems", "solutions", "consulting", "capital", "insurance", "bank", "labs", "media",
      "orchestra", "band", "foundation", "institute", "university", "college", "agency", "studios",
      "enterprises", "industries", "international", "ventures", "networks", "software", "services");
  /** Street types that may end a name-shaped run ("Herceg Gateway St.", "Martinez Mall St"). */
  private static final Set<String> STREET_ENDS =
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
      String last = TextFold.foldSameLength(tk.token(b));
      if (b > a && STREET_ENDS.contains(last) && !last.equals("dr")) {
        h.types[i] = EntityType.STREET_ADDRESS;
        continue;
      }
      boolean places = true;
      boolean titles = true;
      for (int k = a; k <= b; k++) {
        if (!tk.word(k)) {
          continue;
        }
        String f = TextFold.foldSameLength(tk.token(k));
        places &= PLACES.contains(f);
        titles &= TITLES.contains(f);
      }
      boolean org = ORGANISATION.contains(last)
          || (b + 1 < tk.size && tk.capitalized(b + 1)
              && ORGANISATION.contains(TextFold.foldSameLength(tk.token(b + 1))));
      if (places || titles || org) {
        h.scores[i] = -1; // marked; removed below
      }
    }
    h.removeNegative(from);
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
