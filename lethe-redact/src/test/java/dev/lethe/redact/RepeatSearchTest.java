package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.hankcs.algorithm.AhoCorasickDoubleArrayTrie;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Repeats of detected values ({@link PolicyRedactor#withRepeats}): every word-bounded occurrence
 * of a detected value ends up wholly inside redacted spans, and {@link PolicyRedactor#inTrieOrder},
 * which replaces the Aho-Corasick trie for short records, reports exactly what the trie reports in
 * the same order (the order decides the type of chars two overlapping repeats of different types
 * share).
 */
class RepeatSearchTest {

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("ab c_").ofMinLength(0).ofMaxLength(80);
  }

  @Provide
  Arbitrary<List<String>> keys() {
    return Arbitraries.strings().withChars("ab c").ofMinLength(1).ofMaxLength(6).list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 3000)
  void reportsWhatTheTrieReportsInItsOrder(@ForAll("texts") String text, @ForAll("keys") List<String> keys) {
    TreeMap<String, Integer> values = new TreeMap<>();
    for (String k : keys) {
      values.putIfAbsent(k, values.size());
    }
    List<String> expected = new ArrayList<>();
    AhoCorasickDoubleArrayTrie<Integer> trie = new AhoCorasickDoubleArrayTrie<>();
    trie.build(values);
    AhoCorasickDoubleArrayTrie.IHit<Integer> collect = (b, e, v) -> expected.add(b + "-" + e + ":" + v);
    trie.parseText(text, collect);
    List<String> actual = new ArrayList<>();
    PolicyRedactor.inTrieOrder(text, values, (b, e, v) -> actual.add(b + "-" + e + ":" + v));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void aRepeatPartlyInsideAKeptSpanIsRedactedWhole() {
    // "John Smith" is detected at the start; later only "Smith" was detected, and "John" must not
    // survive beside it.
    String text = "John Smith wrote. Ask John Smith.";
    List<Span> spans = List.of(
        new Span(EntityType.PERSON, 0, 10, 0.9), new Span(EntityType.PERSON, 27, 32, 0.9));
    assertThat(PolicyRedactor.withRepeats(text, spans))
        .containsExactly(new Span(EntityType.PERSON, 0, 10, 0.9), new Span(EntityType.PERSON, 22, 32, 0.9));
  }

  @Test
  void aRepeatInAnotherCaseOrWithoutItsAccentsIsRedactedToo() {
    String text = "John Smith wrote. JOHN SMITH again, john smith too. Renée said: RENEE, renee. Johnsmith no.";
    List<Span> spans = List.of(
        new Span(EntityType.PERSON, 0, 10, 0.9), new Span(EntityType.PERSON, 52, 57, 0.8));
    assertThat(PolicyRedactor.withRepeats(text, spans)).containsExactly(
        new Span(EntityType.PERSON, 0, 10, 0.9),
        new Span(EntityType.PERSON, 18, 28, 0.5),
        new Span(EntityType.PERSON, 36, 46, 0.5),
        new Span(EntityType.PERSON, 52, 57, 0.8),
        new Span(EntityType.PERSON, 64, 69, 0.5),
        new Span(EntityType.PERSON, 71, 76, 0.5));
  }

  @Test
  void aRepeatAroundASpanOfAnotherTypeFillsTheGapsWithItsOwnType() {
    String text = "ab 1234 cd x ab 1234 cd";
    List<Span> spans = List.of(
        new Span(EntityType.PERSON, 0, 10, 0.8), new Span(EntityType.ZIP_CODE, 16, 20, 0.7));
    assertThat(PolicyRedactor.withRepeats(text, spans)).containsExactly(
        new Span(EntityType.PERSON, 0, 10, 0.8),
        new Span(EntityType.PERSON, 13, 16, 0.5),
        new Span(EntityType.ZIP_CODE, 16, 20, 0.7),
        new Span(EntityType.PERSON, 20, 23, 0.5));
  }

  @Provide
  Arbitrary<List<Span>> spanSeeds() {
    Arbitrary<Span> one = Combinators.combine(
            Arbitraries.integers().between(0, 60),
            Arbitraries.integers().between(1, 12),
            Arbitraries.of(EntityType.PERSON, EntityType.EMAIL_ADDRESS))
        .as((start, length, type) -> new Span(type, start, start + length, 0.9));
    return one.list().ofMaxSize(8);
  }

  @Property(tries = 3000)
  void everyWordBoundedRepeatOfADetectedValueIsCovered(
      @ForAll("texts") String text, @ForAll("spanSeeds") List<Span> seeds) {
    // The detector's spans are sorted and disjoint: keep the seeds that fit the text and no other.
    List<Span> spans = new ArrayList<>();
    for (Span s : seeds.stream().sorted((a, b) -> Integer.compare(a.start(), b.start())).toList()) {
      if (s.end() <= text.length() && (spans.isEmpty() || spans.get(spans.size() - 1).end() <= s.start())) {
        spans.add(s);
      }
    }
    List<Span> out = PolicyRedactor.withRepeats(text, spans);
    boolean[] covered = new boolean[text.length()];
    int lastEnd = 0;
    for (Span s : out) {
      assertThat(s.start()).as("sorted and disjoint: %s", out).isGreaterThanOrEqualTo(lastEnd);
      assertThat(s.end()).isGreaterThan(s.start());
      lastEnd = s.end();
      for (int i = s.start(); i < s.end(); i++) {
        covered[i] = true;
      }
    }
    for (Span s : spans) {
      String value = text.substring(s.start(), s.end());
      for (int at = s.start(); at < s.end(); at++) {
        assertThat(covered[at]).as("detected span %s stays covered in %s", s, out).isTrue();
      }
      if (value.length() < 4) {
        continue;
      }
      for (int at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
        int end = at + value.length();
        boolean bounded = (at == 0 || !PolicyRedactor.repeatWordChar(text.charAt(at - 1)))
            && (end == text.length() || !PolicyRedactor.repeatWordChar(text.charAt(end)));
        for (int i = at; bounded && i < end; i++) {
          assertThat(covered[i]).as("repeat of \"%s\" at %d in \"%s\": %s", value, at, text, out).isTrue();
        }
      }
    }
  }
  @Property(tries = 3000)
  void theHashedSearchReportsWhatTheTrieReportsInItsOrder(
      @ForAll("texts") String text, @ForAll("keys") List<String> keys) {
    TreeMap<String, Integer> values = new TreeMap<>();
    for (String k : keys) {
      values.putIfAbsent(k, values.size());
    }
    List<String> expected = new ArrayList<>();
    AhoCorasickDoubleArrayTrie<Integer> trie = new AhoCorasickDoubleArrayTrie<>();
    trie.build(values);
    AhoCorasickDoubleArrayTrie.IHit<Integer> collect = (b, e, v) -> expected.add(b + "-" + e + ":" + v);
    trie.parseText(text, collect);
    List<String> actual = new ArrayList<>();
    PolicyRedactor.byHash(text, values, b -> true, e -> true, (b, e, v) -> actual.add(b + "-" + e + ":" + v));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void manyDistinctValuesGiveTheSameSpansByHashAsWithTheTrie() {
    // Thousands of e-mails and names, each detected once and repeated in other forms later:
    // more values than the trie is used for, so both searches run on the same long record.
    StringBuilder text = new StringBuilder();
    List<Span> spans = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 3000; i++) {
      String mail = "u" + i + "@ex" + (i % 97) + ".com";
      String name = "Name" + Integer.toString(random.nextInt(5000), 36) + " Surname" + i;
      int at = text.length();
      text.append(mail).append(' ');
      spans.add(new Span(EntityType.EMAIL_ADDRESS, at, at + mail.length(), 0.9));
      at = text.length();
      text.append(name).append(", ");
      spans.add(new Span(EntityType.PERSON, at, at + name.length(), 0.8));
    }
    for (int i = 0; i < 3000; i += 3) {
      text.append("mail ").append(("U" + i + "@EX" + (i % 97) + ".COM")).append(" and ")
          .append("SURNAME").append(i).append(" and x_name").append(i).append(' ');
    }
    int at = text.length(); // and a value with ß, found again written with "ss"
    text.append("Johann Strauß wrote; JOHANN STRAUSS signed.");
    spans.add(new Span(EntityType.PERSON, at, at + "Johann Strauß".length(), 0.9));
    String record = text.toString(); // all in the BMP: char offsets are code point offsets
    List<Span> byTrie = PolicyRedactor.withRepeats(record, spans, PolicyRedactor.SearchPath.TRIE);
    List<Span> byHash = PolicyRedactor.withRepeats(record, spans, PolicyRedactor.SearchPath.HASH);
    assertThat(byTrie.size()).isGreaterThan(spans.size()); // repeats were found
    assertThat(byHash).isEqualTo(byTrie);
  }
  @Test
  void aGreekNameEndingInFinalSigmaIsFoundInCapitalsWithOnePseudonym() {
    String text = "Dear Νίκος, welcome. ΝΊΚΟΣ replied.";
    List<Span> spans = List.of(new Span(EntityType.PERSON, 5, 10, 0.9));
    assertThat(PolicyRedactor.withRepeats(text, spans)).containsExactly(
        new Span(EntityType.PERSON, 5, 10, 0.9), new Span(EntityType.PERSON, 21, 26, 0.5));
    assertThat(PolicyRedactor.identityBytes("ΝΊΚΟΣ")).isEqualTo(PolicyRedactor.identityBytes("Νίκος"));
  }
  @Test
  void anUnderscoreIsNoPartOfTheWordARepeatIsIn() {
    String text = "Dear Xochitl Quispe, welcome. Later _Xochitl Quispe_ replied, as did Anna_Berg_.";
    List<Span> spans = List.of(new Span(EntityType.PERSON, 5, 19, 0.9));
    assertThat(PolicyRedactor.withRepeats(text, spans)).containsExactly(
        new Span(EntityType.PERSON, 5, 19, 0.9), new Span(EntityType.PERSON, 37, 51, 0.5));
    String anna = "Dear Anna Berg, welcome. Later _Anna Berg_ replied.";
    assertThat(PolicyRedactor.withRepeats(anna, List.of(new Span(EntityType.PERSON, 5, 14, 0.9))))
        .containsExactly(new Span(EntityType.PERSON, 5, 14, 0.9), new Span(EntityType.PERSON, 32, 41, 0.5));
  }
  @Test
  void aNoBreakSpaceIsASpaceInRepeatsAndPseudonyms() {
    String text = "Dear Xochitl Quispe, welcome. Xochitl\u00a0Quispe and XOCHITL\u202fQUISPE replied.";
    List<Span> spans = List.of(new Span(EntityType.PERSON, 5, 19, 0.9));
    assertThat(PolicyRedactor.withRepeats(text, spans)).containsExactly(
        new Span(EntityType.PERSON, 5, 19, 0.9), new Span(EntityType.PERSON, 30, 44, 0.5),
        new Span(EntityType.PERSON, 49, 63, 0.5));
    byte[] identity = PolicyRedactor.identityBytes("Xochitl Quispe");
    for (String other : List.of("Xochitl\u00a0Quispe", "Xochitl\u2007Quispe", "Xochitl \u202f Quispe")) {
      assertThat(PolicyRedactor.identityBytes(other)).as(other).isEqualTo(identity);
    }
  }
  /** {@link #marked} with one detected span, the first occurrence of {@code value}. */
  private static String markedAfter(String text, String value, EntityType type) {
    return marked(text, List.of(spanOf(text, value, type)));
  }

  /** The text with every span given as {@code [TYPE]}; the spans in code points, as the text is BMP only. */
  static String marked(String text, List<Span> spans) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (Span s : PolicyRedactor.withRepeats(text, spans)) {
      out.append(text, at, s.start()).append('[').append(s.type()).append(']');
      at = s.end();
    }
    return out.append(text.substring(at)).toString();
  }

  private static Span spanOf(String text, String value, EntityType type) {
    int at = text.indexOf(value);
    return new Span(type, at, at + value.length(), 0.9);
  }

  @Test
  void thePartsOfANameAreRepeatsToo() {
    String text = "Mrs. Gwendolyn Featherstonehaugh came. Featherstonehaugh left; G. FEATHERSTONEHAUGH wrote.";
    assertThat(markedAfter(text, "Gwendolyn Featherstonehaugh", EntityType.PERSON))
        .isEqualTo("Mrs. [PERSON] came. [PERSON] left; G. [PERSON] wrote.");
    // A part that is a common word is not searched for: "will" stays, "Smith" does not.
    String will = "Will Smith came. We will ask Smith.";
    assertThat(markedAfter(will, "Will Smith", EntityType.PERSON))
        .isEqualTo("[PERSON] came. We will ask [PERSON].");
    // Parts of 3 letters only when capitalised in the value; initials are never parts.
    String kim = "Kim Lee and J. R. Ray met. KIM, LEE and Ray stayed.";
    assertThat(marked(kim, List.of(spanOf(kim, "Kim Lee", EntityType.PERSON),
            spanOf(kim, "J. R. Ray", EntityType.PERSON))))
        .isEqualTo("[PERSON] and [PERSON] met. [PERSON], [PERSON] and [PERSON] stayed.");
  }

  @Test
  void aCapitalisedNameOfThreeLettersIsARepeatAndOtherShortValuesAreNot() {
    String text = "Dear Xiu, welcome. XIU replied.";
    assertThat(markedAfter(text, "Xiu", EntityType.PERSON))
        .isEqualTo("Dear [PERSON], welcome. [PERSON] replied.");
    String zip = "Zone 123, then 123 again.";
    assertThat(markedAfter(zip, "123", EntityType.ZIP_CODE))
        .isEqualTo("Zone [ZIP_CODE], then 123 again.");
    assertThat(PolicyRedactor.searchedWhole("xiu", EntityType.PERSON)).isFalse();
    assertThat(PolicyRedactor.searchedWhole("XIU", EntityType.PERSON)).isFalse();
  }

  @Test
  void aHandlesNameWithoutTheAtIsARepeat() {
    String text = "Follow @annaberg for updates. Yesterday Annaberg posted again; ANNABERG is great.";
    assertThat(markedAfter(text, "@annaberg", EntityType.PERSON))
        .isEqualTo("Follow [PERSON] for updates. Yesterday [PERSON] posted again; [PERSON] is great.");
    String common = "Ask @help or get help.";
    assertThat(markedAfter(common, "@help", EntityType.PERSON))
        .isEqualTo("Ask [PERSON] or get help.");
    // A handle no word of prose can be is found as people write handles, in lower case too.
    String handle = "Follow @jsmith1987 for updates. I asked jsmith1987 and j_smith.x about it; @j_smith.x said J_SMITH.X.";
    assertThat(marked(handle, List.of(spanOf(handle, "@jsmith1987", EntityType.PERSON), spanOf(handle, "@j_smith.x",
        EntityType.PERSON)))).isEqualTo("Follow [PERSON] for updates. I asked [PERSON] and [PERSON] about it; [PERSON] said [PERSON].");
  }

  @Test
  void numbersAreFoundWithoutTheirSeparators() {
    String ssn = "My SSN is 123-45-6789. Later: file it under 123456789.";
    assertThat(markedAfter(ssn, "123-45-6789", EntityType.US_SSN))
        .isEqualTo("My SSN is [US_SSN]. Later: file it under [US_SSN].");
    String card = "Card 4111 1111 1111 1111, i.e. 4111111111111111.";
    assertThat(markedAfter(card, "4111 1111 1111 1111", EntityType.CREDIT_CARD))
        .isEqualTo("Card [CREDIT_CARD], i.e. [CREDIT_CARD].");
    String iban = "IBAN FR14 2004 1010 0505 0001 3M02 606; again fr1420041010050500013m02606.";
    assertThat(markedAfter(iban, "FR14 2004 1010 0505 0001 3M02 606", EntityType.IBAN_CODE))
        .isEqualTo("IBAN [IBAN_CODE]; again [IBAN_CODE].");
  }

  @Test
  void aPartOfANameOrAHandleInLowerCaseIsAnOrdinaryWord() {
    // Derived values are found only capitalised or in capitals, in any language; a detected
    // value itself is still found in any case ("paz vega").
    String news = "Follow @news for updates. The news today: good news. News at ten, NEWS at eleven.";
    assertThat(markedAfter(news, "@news", EntityType.PERSON))
        .isEqualTo("Follow [PERSON] for updates. The news today: good news. [PERSON] at ten, [PERSON] at eleven.");
    String mark = "Mark Twain wrote it. Mark my words, mark them: TWAIN and Twain signed.";
    assertThat(markedAfter(mark, "Mark Twain", EntityType.PERSON))
        .isEqualTo("[PERSON] wrote it. [PERSON] my words, mark them: [PERSON] and [PERSON] signed.");
    String grace = "Grace Hopper spoke with grace. Grace left; HOPPER stayed.";
    assertThat(markedAfter(grace, "Grace Hopper", EntityType.PERSON))
        .isEqualTo("[PERSON] spoke with grace. [PERSON] left; [PERSON] stayed.");
    String della = "Maria della Rosa sang. We saw the della Robbia reliefs. Della and ROSA came.";
    assertThat(markedAfter(della, "Maria della Rosa", EntityType.PERSON))
        .isEqualTo("[PERSON] sang. We saw the della Robbia reliefs. [PERSON] and [PERSON] came.");
    String paz = "Paz Vega habló. Queremos paz. Paz y VEGA, paz vega.";
    assertThat(markedAfter(paz, "Paz Vega", EntityType.PERSON))
        .isEqualTo("[PERSON] habló. Queremos paz. [PERSON] y [PERSON], [PERSON].");
    String sol = "Sol Campbell jugó. Nos gusta el sol y playa. SOL marcó.";
    assertThat(markedAfter(sol, "Sol Campbell", EntityType.PERSON))
        .isEqualTo("[PERSON] jugó. Nos gusta el sol y playa. [PERSON] marcó.");
  }

  @Test
  void theLowerCaseRuleHoldsOnEverySearchPath() {
    // A long record of many values: the trie and the hashed search turn down the same words.
    StringBuilder text = new StringBuilder();
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String name = "Mark Twain" + Integer.toString(i, 26).replace('0', 'z').replace('1', 'y')
          .replace('2', 'x').replace('3', 'w').replace('4', 'v').replace('5', 'u').replace('6', 't')
          .replace('7', 's').replace('8', 'r').replace('9', 'q');
      int at = text.length();
      text.append(name).append(" wrote; mark it, Mark it. ");
      spans.add(new Span(EntityType.PERSON, at, at + name.length(), 0.9));
    }
    String record = text.toString();
    List<Span> byTrie = PolicyRedactor.withRepeats(record, spans, PolicyRedactor.SearchPath.TRIE);
    assertThat(byTrie).hasSize(2 * spans.size()); // each value and one "Mark", never "mark"
    assertThat(PolicyRedactor.withRepeats(record, spans, PolicyRedactor.SearchPath.HASH)).isEqualTo(byTrie);
    assertThat(PolicyRedactor.withRepeats(record, spans)).isEqualTo(byTrie);
  }
}
