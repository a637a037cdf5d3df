package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DetectorTest {
  /** Without the statistical model: fast, and the rules' behaviour is seen on its own. */
  static final Detector RULES = Detector.of(EnumSet.allOf(EntityType.class), false);

  static List<String> found(Detector d, String text, EntityType type) {
    return found(d, text, type, DetectionContext.none());
  }

  static List<String> found(Detector d, String text, EntityType type, DetectionContext ctx) {
    return d.detect(text, ctx).stream()
        .filter(s -> s.type() == type)
        .map(s -> text.substring(text.offsetByCodePoints(0, s.start()), text.offsetByCodePoints(0, s.end())))
        .collect(Collectors.toList());
  }

  @Test
  void email() {
    assertThat(found(RULES, "write to jane.doe+x@mail.example.co.uk, thanks", EntityType.EMAIL_ADDRESS))
        .containsExactly("jane.doe+x@mail.example.co.uk");
    assertThat(found(RULES, "not@an-email and a@b.c", EntityType.EMAIL_ADDRESS)).isEmpty();
  }

  @Test
  void handleAndUrl() {
    String t = "ping @ada_l about https://example.org/a(b)?q=1. or www.test.com";
    assertThat(found(RULES, t, EntityType.PERSON)).containsExactly("@ada_l");
    assertThat(found(RULES, "thanks @jane.doe! and @bob. and @x..y", EntityType.PERSON))
        .containsExactly("@jane.doe", "@bob", "@x");
    assertThat(found(RULES, t, EntityType.URL)).containsExactly("https://example.org/a(b)?q=1", "www.test.com");
  }

  @Test
  void cardsNeedLuhn() {
    assertThat(found(RULES, "card 4111 1111 1111 1111 ok", EntityType.CREDIT_CARD))
        .containsExactly("4111 1111 1111 1111");
    assertThat(found(RULES, "card 4111-1111-1111-1112 ok", EntityType.CREDIT_CARD)).isEmpty();
    assertThat(found(RULES, "card 4111.1111.1111.1111 ok", EntityType.CREDIT_CARD)).containsExactly("4111.1111.1111.1111");
    assertThat(found(RULES, "card 4111.1111-1111 1111 ok", EntityType.CREDIT_CARD)).isEmpty(); // mixed separators
  }

  @Test
  void ibanInGroupsAndCompact() {
    assertThat(found(RULES, "IBAN GB82 WEST 1234 5698 7654 32.", EntityType.IBAN_CODE))
        .containsExactly("GB82 WEST 1234 5698 7654 32");
    assertThat(found(RULES, "IBAN GB82WEST12345698765433", EntityType.IBAN_CODE)).isEmpty();
  }

  @Test
  void ipAddresses() {
    assertThat(found(RULES, "from 192.168.1.20 and 2001:db8::1 at 10:30", EntityType.IP_ADDRESS))
        .containsExactly("192.168.1.20", "2001:db8::1");
    // A first group that starts with a letter.
    assertThat(found(RULES, "gateway fe80::1 down, route fd12:3456:789a::2, Face::b00c", EntityType.IP_ADDRESS))
        .containsExactly("fe80::1", "fd12:3456:789a::2", "Face::b00c");
    assertThat(found(RULES, "add: beef, cafe:latte, dead:beef", EntityType.IP_ADDRESS)).isEmpty();
    assertThat(found(RULES, "ping fe80::1%eth0. done", EntityType.IP_ADDRESS)).containsExactly("fe80::1%eth0");
    assertThat(found(RULES, "version 1.2.3.4.5 and 300.1.1.1", EntityType.IP_ADDRESS)).isEmpty();
  }

  @Test
  void ssnRanges() {
    assertThat(found(RULES, "my ssn is 123-45-6789", EntityType.US_SSN)).containsExactly("123-45-6789");
    assertThat(found(RULES, "my ssn is 666-45-6789", EntityType.US_SSN)).isEmpty();
    assertThat(found(RULES, "my ssn is 923-45-6789", EntityType.US_SSN)).isEmpty();
    assertThat(found(RULES, "social security number 123456789", EntityType.US_SSN)).containsExactly("123456789");
    assertThat(found(RULES, "order 123456789 shipped", EntityType.US_SSN)).isEmpty();
  }

  @Test
  void nino() {
    assertThat(found(RULES, "NI number AB 12 34 56 C please", EntityType.UK_NINO)).containsExactly("AB 12 34 56 C");
    assertThat(found(RULES, "NI number GB 12 34 56 C please", EntityType.UK_NINO)).isEmpty();
    assertThat(found(RULES, "mine is AB123456C and hers is ce 65 43 21 a", EntityType.UK_NINO))
        .containsExactly("AB123456C", "ce 65 43 21 a");
    assertThat(found(RULES, "ref AB123456, or AB 12 34 56", EntityType.UK_NINO)).containsExactly("AB123456", "AB 12 34 56");
    // Words followed by years or flight numbers are not NINOs: mixed grouping, or lower case
    // without the suffix letter.
    assertThat(found(RULES, "as 2014 16 and #MH17 2012 and be 198226 then on 20 15 15", EntityType.UK_NINO)).isEmpty();
  }

  @Test
  void phonesUseTheMembersCountryAndCues() {
    assertThat(found(RULES, "ring me on +44 20 7946 0958 tonight", EntityType.PHONE_NUMBER))
        .containsExactly("+44 20 7946 0958");
    assertThat(found(RULES, "Tel. 030 901820", EntityType.PHONE_NUMBER, DetectionContext.ofCountry("DE")))
        .containsExactly("030 901820");
    assertThat(found(RULES, "we sold 1234567 units", EntityType.PHONE_NUMBER)).isEmpty();
  }

  @Test
  void datesAndBirthCue() {
    String t = "She was born on 7/30/1964 and moved in 1990; meeting 2015-12-22 04:34:22.";
    assertThat(found(RULES, t, EntityType.DATE_TIME)).containsExactly("7/30/1964", "1990", "2015-12-22 04:34:22");
    Span birth = RULES.detect(t).get(0);
    assertThat(birth.score()).isGreaterThan(0.9);
    assertThat(found(RULES, "It costs 7/30 of the price", EntityType.DATE_TIME)).isEmpty();
  }

  @Test
  void addressesAndZip() {
    assertThat(found(RULES, "I live at 11 Souterhead Road, Leeds now", EntityType.STREET_ADDRESS))
        .containsExactly("11 Souterhead Road, Leeds");
    assertThat(found(RULES, "Meet me at 34151 Nybyvägen 65 Apt. 392\nGarður", EntityType.STREET_ADDRESS))
        .containsExactly("34151 Nybyvägen 65 Apt. 392\nGarður");
    assertThat(found(RULES, "ZIP: 75534-030", EntityType.ZIP_CODE)).containsExactly("75534-030");
    assertThat(found(RULES, "My ZIP is 90210.", EntityType.ZIP_CODE)).containsExactly("90210");
    assertThat(found(RULES, "post code # SW1A 1AA", EntityType.ZIP_CODE)).containsExactly("SW1A 1AA");
    // A UK postcode in capitals needs no cue; a ZIP after a state's code is not a phone number.
    assertThat(found(RULES, "Send it to SW1A 1AA please, or to M1 1AE, EC1A 1BB or W1A 0AX.", EntityType.ZIP_CODE))
        .containsExactly("SW1A 1AA", "M1 1AE", "EC1A 1BB", "W1A 0AX");
    assertThat(found(RULES, "sw1a 1aa, AB1 2CD (C is never inward), A1 2BC3, XSW1A 1AA", EntityType.ZIP_CODE)).isEmpty();
    assertThat(found(RULES, "Austin, TX 78701-1234 and Boston, MA 02108.", EntityType.ZIP_CODE))
        .containsExactly("78701-1234", "02108");
    assertThat(found(RULES, "Austin, TX 78701-1234", EntityType.PHONE_NUMBER)).isEmpty();
    assertThat(found(RULES, "I have 3 dogs", EntityType.STREET_ADDRESS)).isEmpty();
    // Both halves of a two-part postcode, and a house number with a letter, stay in the address.
    assertThat(found(RULES, "10 Downing St, London SW1A 2AA, UK", EntityType.STREET_ADDRESS))
        .containsExactly("10 Downing St, London SW1A 2AA, UK");
    assertThat(found(RULES, "Send it to 24 Sussex Drive, Ottawa K1A 0B1 please", EntityType.STREET_ADDRESS))
        .containsExactly("24 Sussex Drive, Ottawa K1A 0B1");
    assertThat(found(RULES, "10 Downing St\nLondon\nSW1A 2AA", EntityType.ZIP_CODE)).containsExactly("SW1A 2AA");
    assertThat(found(RULES, "I live at 221B Baker Street, London NW1 6XE.", EntityType.STREET_ADDRESS))
        .containsExactly("221B Baker Street, London NW1 6XE");
    assertThat(found(RULES, "I bought a 4K TV and 3 dogs", EntityType.STREET_ADDRESS)).isEmpty();
    // Lower-case text: common words between two numbers are not a street.
    for (String text : List.of("i have 2 cats and 3 dogs", "the year 2024 and 2025 lol", "we won 3 games in 5 days lol")) {
      assertThat(found(RULES, text, EntityType.STREET_ADDRESS)).as(text).isEmpty();
    }
    assertThat(found(RULES, "i live at 6750 koskikatu 25. ok", EntityType.STREET_ADDRESS)).containsExactly("6750 koskikatu 25");
    assertThat(found(RULES, "i live at 12 main street", EntityType.STREET_ADDRESS)).containsExactly("12 main street");
  }

  @Test
  void memberDirectoryIgnoresCaseAndDiacriticsButNeedsWholeWords() {
    MemberDirectory dir = MemberDirectory.of(List.of("Zoë Müller", "Bo"));
    DetectionContext ctx = DetectionContext.none().withDirectory(dir);
    Detector d = Detector.of(EnumSet.of(EntityType.PERSON), false);
    assertThat(found(d, "saw zoe muller and BO, not bob", EntityType.PERSON, ctx))
        .containsExactly("zoe muller", "BO");
    assertThat(dir.size()).isEqualTo(2);
    assertThat(found(d, "cc Zoë  Müller;\nZOE\n\tMULLER wrote", EntityType.PERSON, ctx))
        .containsExactly("Zoë  Müller", "ZOE\n\tMULLER");
  }

  @Test
  void offsetsCountCodePoints() {
    String t = "😀😀 mail x@example.com";
    Span s = RULES.detect(t).get(0);
    assertThat(s.start()).isEqualTo(8);
    assertThat(s.end()).isEqualTo(8 + "x@example.com".length());
  }

  @Test
  void nameRulesFindUnlistedNamesByShapeAndLists() {
    Detector d = Detector.of(EnumSet.of(EntityType.PERSON), false);
    // Unlisted words: a middle initial or a Dutch particle makes the run a name.
    assertThat(found(d, "a note from Qorvath T. Zimbrelle today", EntityType.PERSON))
        .containsExactly("Qorvath T. Zimbrelle");
    assertThat(found(d, "Ask Quilleen van der Brommet about it", EntityType.PERSON))
        .containsExactly("Quilleen van der Brommet");
    // Romance particles are places as often as names.
    assertThat(found(d, "It is on Quorvaine de Brixolle now", EntityType.PERSON)).isEmpty();
    // Half of the list was found, so the rest of it is names too.
    assertThat(found(d, "They invited Quorva, Anthony, Derek and Anna.", EntityType.PERSON))
        .containsExactly("Quorva", "Anthony", "Derek", "Anna");
    assertThat(found(d, "they invited silvana, adam and kristina.", EntityType.PERSON))
        .containsExactly("silvana", "adam", "kristina");
    // One company's name, not three people.
    assertThat(found(d, "The Davis, Reynolds and Williamson Orchestra played.", EntityType.PERSON)).isEmpty();
    assertThat(found(d, "He moved to the European Union.", EntityType.PERSON)).isEmpty();
  }

  @Test
  void statisticalModelFindsNamesInProse() {
    assertThat(found(Detector.standard(), "Yesterday Barack Obama met Angela Merkel in Berlin.", EntityType.PERSON))
        .contains("Barack Obama", "Angela Merkel");
  }

  @Test
  void aNameInLowerCaseIsFoundWholeWithoutTheWordThatStartsTheSentence() {
    assertThat(found(Detector.standard(), "Hi john smith.", EntityType.PERSON)).containsExactly("john smith");
    assertThat(found(Detector.standard(), "John Smith called. Later john smith came by.", EntityType.PERSON))
        .containsExactly("John Smith", "john smith");
    // Common words after a lower-case name are not taken into it.
    assertThat(found(Detector.standard(), "Hi john and the others.", EntityType.PERSON)).containsExactly("john");
  }

  @Test
  void aFamilyNameInCapitalsBesideAFoundNameIsTakenIntoIt() {
    // Left out, "GARCIA" and "JONES" would stay in the training text beside their redacted first names.
    assertThat(found(Detector.standard(), "Congrats to Maria GARCIA and Tom on the launch", EntityType.PERSON))
        .containsExactly("Maria GARCIA", "Tom");
    assertThat(found(Detector.standard(), "THANKS TO SARAH JONES FOR THE HELP", EntityType.PERSON))
        .containsExactly("SARAH JONES");
    // Capitals alone do not start a name, and an acronym after a name is not taken into it.
    assertThat(found(Detector.standard(), "Ronaldo met the NASA and IBM folks", EntityType.PERSON))
        .containsExactly("Ronaldo");
  }

  @Test
  void statesAndCitiesAloneAreNoPeopleButGivenNamesThatAreStatesStay() {
    assertThat(found(Detector.standard(), "Visiting Texas and Florida today", EntityType.PERSON)).isEmpty();
    assertThat(found(Detector.standard(), "Back in Liverpool after a week in Kansas", EntityType.PERSON)).isEmpty();
    assertThat(found(Detector.standard(), "Thanks Virginia, see you Monday", EntityType.PERSON))
        .containsExactly("Virginia");
  }

  @Test
  void datesGreetingsAndHeadlineWordsAreNoPeopleAloneOrTogether() {
    assertThat(found(Detector.standard(), "Happy Birthday and Happy New Year to all", EntityType.PERSON)).isEmpty();
    assertThat(found(Detector.standard(), "Watch Live: the final on Sept 12, see you Thurs", EntityType.PERSON)).isEmpty();
    assertThat(found(Detector.standard(), "Happy Birthday Maria Okafor!", EntityType.PERSON)).containsExactly("Maria Okafor");
    assertThat(found(Detector.standard(), "Malaysia Airlines told the Senate and the Army, says a Scorpio",
        EntityType.PERSON)).isEmpty();
  }

  @Test
  void aNationalityBeforeANameLeavesTheNameFoundAndThingsNamedAfterPeoplesStayNoOne() {
    assertThat(found(Detector.standard(), "American Tom Hanks won an award", EntityType.PERSON))
        .containsExactly("Tom Hanks");
    assertThat(found(Detector.standard(), "The European Union and the British Museum", EntityType.PERSON)).isEmpty();
  }
}
