package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LexiconTest {

  @Test
  void answersForEveryWordOfEachListInAnyCase() {
    for (String w : AddressScanner.STARTS) {
      assertThat(bits(w) & Lexicon.ADDRESS_START).as(w).isNotZero();
      assertThat(bits(w.toUpperCase(java.util.Locale.ROOT)) & Lexicon.ADDRESS_START).as(w).isNotZero();
    }
    for (String w : NameCues.FIRST_WORDS) {
      assertThat(bits(w) & Lexicon.NAME_CUE).as(w).isNotZero();
    }
    for (String w : PersonVeto.NOT_LIST_ITEMS) {
      assertThat(bits(w) & Lexicon.NOT_LIST_ITEM).as(w).isNotZero();
    }
    for (String w : AddressScanner.ZIP_CUES) {
      assertThat(bits(w) & Lexicon.ZIP_CUE).as(w).isNotZero();
    }
    // The veto asks NEVER_ALONE behind the NOT_NAME bit: a word missing from NOT_NAMES is never asked.
    assertThat(ListedNames.NOT_NAMES).containsAll(PersonVeto.NEVER_ALONE);
    int other = ~(Lexicon.COMMON_WORD | Lexicon.NAME); // "via", "dr" and "the" are in the name list
    assertThat(bits("Via") & other).isEqualTo(Lexicon.ADDRESS_START | Lexicon.STREET_PREFIX);
    assertThat(bits("Dr") & other).isEqualTo(Lexicon.NAME_CUE | Lexicon.NOT_LIST_ITEM
        | Lexicon.NOT_NAME | Lexicon.TITLE | Lexicon.STREET_END | Lexicon.STREET_SUFFIX);
    assertThat(bits("THE") & other).isEqualTo(Lexicon.NOT_NAME);
    assertThat(bits("the") & Lexicon.COMMON_WORD).isNotZero();
  }

  @Test
  void answersForEveryWordOfEveryRuleList() {
    Map<Integer, Set<String>> lists = ruleLists();
    lists.forEach((bit, words) -> {
      for (String w : words) {
        assertThat(bits(w) & bit).as(w).isNotZero();
        assertThat(bits(w.toUpperCase(Locale.ROOT)) & bit).as(w).isNotZero();
        assertThat(Lexicon.mayHold(bit, w.hashCode())).as(w).isTrue();
      }
      for (String w : new String[] {"water", "Street1", "zipp", "internationally", "Xq"}) {
        assertThat(bits(w) & bit).as(w).isZero();
      }
    });
  }

  /** Each rule list with its {@link Lexicon} bit: every list but the common words and the names. */
  private static Map<Integer, Set<String>> ruleLists() {
    return Map.ofEntries(
        Map.entry(Lexicon.ADDRESS_START, AddressScanner.STARTS),
        Map.entry(Lexicon.ZIP_CUE, AddressScanner.ZIP_CUES),
        Map.entry(Lexicon.NAME_CUE, NameCues.FIRST_WORDS),
        Map.entry(Lexicon.NOT_LIST_ITEM, PersonVeto.NOT_LIST_ITEMS),
        Map.entry(Lexicon.NOT_NAME, ListedNames.NOT_NAMES),
        Map.entry(Lexicon.NOT_PEOPLE, ListedNames.NOT_PEOPLE),
        Map.entry(Lexicon.NAME_PARTICLE, ListedNames.PARTICLES),
        Map.entry(Lexicon.STRONG_PARTICLE, ListedNames.STRONG_PARTICLES),
        Map.entry(Lexicon.PLACE, PersonVeto.PLACES),
        Map.entry(Lexicon.DEMONYM, PersonVeto.DEMONYMS),
        Map.entry(Lexicon.PLACE_CUE, PersonVeto.PLACE_CUES),
        Map.entry(Lexicon.TITLE, PersonVeto.TITLES),
        Map.entry(Lexicon.ORGANISATION, PersonVeto.ORGANISATION),
        Map.entry(Lexicon.STREET_END, PersonVeto.STREET_ENDS),
        Map.entry(Lexicon.STREET_SUFFIX, AddressScanner.SUFFIXES),
        Map.entry(Lexicon.STREET_PREFIX, AddressScanner.STREET_PREFIXES),
        Map.entry(Lexicon.STREET_PARTICLE, AddressScanner.PARTICLES),
        Map.entry(Lexicon.SHORT_SUFFIX, AddressScanner.SHORT_SUFFIXES),
        Map.entry(Lexicon.UNIT_WORD, AddressScanner.UNIT_WORDS));
  }

  /** The filter before the probe never hides a word: a token is in a list exactly when its lower case is. */
  @Property(tries = 2000)
  void tokensAnswerAsTheirLowerCase(@ForAll("words") String word) {
    Tokens tk = Tokens.of(word + " x");
    int lower = bits(word.toLowerCase(Locale.ROOT));
    for (int bit = 1; bit <= Lexicon.UNIT_WORD; bit <<= 1) {
      assertThat(tk.mayBe(0, bit)).as("%s %d", word, bit).isEqualTo((lower & bit) != 0);
    }
  }

  @Provide
  Arbitrary<String> words() {
    // Words of the lists in varied case, and near misses.
    List<String> listed = new ArrayList<>(PersonVeto.PLACES);
    listed.addAll(AddressScanner.SUFFIXES);
    listed.addAll(NameCues.FIRST_WORDS);
    listed.addAll(ListedNames.NOT_PEOPLE);
    Arbitrary<String> known = Arbitraries.of(listed);
    Arbitrary<String> cased = known.map(w -> w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1));
    Arbitrary<String> longer = known.map(w -> w + "s");
    Arbitrary<String> random = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(9);
    return Arbitraries.oneOf(known, cased, longer, random);
  }

  @Test
  void commonWordsAreTheAsciiOnesOfTheList() {
    for (String w : dev.lethe.redact.nlp.CommonWords.words()) {
      boolean ascii = w.chars().allMatch(c -> c < 128);
      assertThat((bits(w) & Lexicon.COMMON_WORD) != 0).as(w).isEqualTo(ascii);
    }
  }

  @Test
  void ordinaryWordsAndNearMissesAreInNoList() {
    for (String w : new String[] {"water", "Street1", "zipp", "pl", "ul.", "a", "", "internationally"}) {
      // "pl" is a street type, so only these four lists
      assertThat(bits(w) & (Lexicon.ADDRESS_START | Lexicon.ZIP_CUE | Lexicon.NAME_CUE | Lexicon.NOT_LIST_ITEM)).as(w).isZero();
    }
  }

  @Test
  void tokensOutsideAsciiMayBeInEveryList() {
    Tokens tk = Tokens.of("Zoë via the rue");
    assertThat(tk.mayBe(0, Lexicon.ADDRESS_START)).isTrue(); // not ASCII: the rules look it up
    assertThat(tk.mayBe(1, Lexicon.ADDRESS_START)).isTrue();
    assertThat(tk.mayBe(2, Lexicon.ADDRESS_START | Lexicon.NAME_CUE)).isFalse();
    assertThat(tk.mayBe(3, Lexicon.NAME_CUE)).isFalse();
  }

  /**
   * Every word of every list, as written, capitalised and upper-cased, and words of no list: each
   * token answers {@code mayBe}, {@code commonWord}, {@code inNameList} and {@code listedName} as
   * the lists themselves do (the name list's and common words' own look-ups, each rule's set).
   */
  @Test
  void everyTokenAnswersAsTheListsThemselves() throws java.io.IOException {
    Map<Integer, Set<String>> lists = new java.util.HashMap<>(ruleLists());
    lists.put(Lexicon.COMMON_WORD, dev.lethe.redact.nlp.CommonWords.words());
    Set<String> asciiNames = Set.copyOf(dev.lethe.redact.nlp.NameGazetteer.asciiNames());
    // Names as the files write them, accents and all, and accented words: tokens beyond ASCII
    // answer from their folded form.
    List<String> written = new ArrayList<>();
    for (String line : fakerNames()) {
      if (line.chars().anyMatch(c -> c >= 128)) {
        written.add(line.trim());
      }
    }
    for (String w : new String[] {"Zoë", "ZOË", "Øyvind", "café", "naïve", "Ĳssel", "ſam", "Straße", "İzmir"}) {
      written.add(w);
    }
    java.util.Random r = new java.util.Random(11);
    List<String> words = new ArrayList<>();
    lists.values().forEach(words::addAll);
    words.addAll(asciiNames);
    for (int i = 0; i < 50_000; i++) {
      words.add(r.ints(1 + r.nextInt(10), 'a', 'z' + 1)
          .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }
    StringBuilder text = new StringBuilder();
    for (String w : written) {
      text.append(w).append('\n');
    }
    for (String w : words) {
      text.append(w).append(' ').append(w.toUpperCase(Locale.ROOT)).append(' ')
          .append(w.substring(0, 1).toUpperCase(Locale.ROOT)).append(w.substring(1)).append('\n');
    }
    Tokens tk = Tokens.of(text.toString());
    List<String> wrong = new ArrayList<>();
    int names = 0;
    for (int k = 0; k < tk.size; k++) {
      String t = tk.token(k);
      String folded = dev.lethe.redact.nlp.NameGazetteer.fold(t);
      boolean name = dev.lethe.redact.nlp.NameGazetteer.containsFolded(folded);
      names += name ? 1 : 0;
      if (tk.inNameList(k) != name || tk.listedName(k) != dev.lethe.redact.nlp.NameGazetteer.contains(t)
          || tk.commonWord(k) != dev.lethe.redact.nlp.CommonWords.contains(t)) {
        wrong.add(t);
      }
      if (tk.ascii(k)) {
        String lower = t.toLowerCase(Locale.ROOT);
        if ((bits(t) & Lexicon.NAME) != 0 != asciiNames.contains(lower)) {
          wrong.add(t + " name bit");
        }
        for (Map.Entry<Integer, Set<String>> list : lists.entrySet()) {
          if (tk.mayBe(k, list.getKey()) != list.getValue().contains(lower)) {
            wrong.add(t + " " + list.getKey());
          }
        }
      } else {
        assertThat(tk.mayBe(k, -1)).isTrue();
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(names).isGreaterThan(600_000); // the ASCII names, each in three cases, at least
    assertThat(written).hasSizeGreaterThan(1000);
  }

  private static List<String> fakerNames() throws java.io.IOException {
    try (var in = new java.util.zip.GZIPInputStream(
        dev.lethe.redact.nlp.NameGazetteer.class.getResourceAsStream("faker-names.txt.gz"))) {
      return List.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n"));
    }
  }

  private static int bits(String w) {
    char[] text = ("(" + w + ")").toCharArray();
    int lowerHash = 0;
    for (int i = 0; i < w.length(); i++) {
      lowerHash = 31 * lowerHash + TextFold.asciiLower(w.charAt(i)); // String.hashCode of the lower case
    }
    return Lexicon.bits(text, 1, 1 + w.length(), lowerHash);
  }
}
