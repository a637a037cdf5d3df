package dev.lethe.redact;

import static dev.lethe.redact.DetectorTest.RULES;
import static dev.lethe.redact.DetectorTest.found;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Identifiers written the way people and typesetters write them: no-break spaces between digit
 * groups, spaced or en dashes, the NINO's common spacings, an internationalised top-level domain.
 */
class NumberFormsTest {

  @Test
  void noBreakSpacesSeparateTheGroupsOfCardsIbansAndPhones() {
    for (char space : new char[] {'\u00a0', '\u202f', '\u2007'}) {
      String card = "4111 1111 1111 1111".replace(' ', space);
      assertThat(found(RULES, "Card " + card + " ok.", EntityType.CREDIT_CARD)).as("U+%04X", (int) space).containsExactly(card);
      String iban = "FR14 2004 1010 0505 0001 3M02 606".replace(' ', space);
      assertThat(found(RULES, "IBAN " + iban + " ok.", EntityType.IBAN_CODE)).as("U+%04X", (int) space).containsExactly(iban);
      String phone = "06 12 34 56 78".replace(' ', space);
      assertThat(found(RULES, "Appelez " + phone + " demain.", EntityType.PHONE_NUMBER, DetectionContext.ofCountryCode("FR")))
          .as("U+%04X", (int) space).containsExactly(phone);
    }
  }

  @Test
  void aNinoIsFoundInItsCommonSpacings() {
    assertThat(found(RULES, "NI: AB 123456 C, then AB123456 D and AB 12 34 56 C.", EntityType.UK_NINO))
        .containsExactly("AB 123456 C", "AB123456 D", "AB 12 34 56 C");
    // A lower-case letter after a space is a word when the digits are together.
    assertThat(found(RULES, "ref AB123456 a note", EntityType.UK_NINO)).containsExactly("AB123456");
  }

  @Test
  void cardsAndSsnsJoinedByDashesAreFound() {
    assertThat(found(RULES, "Card 4111 - 1111 - 1111 - 1111 ok.", EntityType.CREDIT_CARD))
        .containsExactly("4111 - 1111 - 1111 - 1111");
    assertThat(found(RULES, "Card 4111 \u2013 1111 \u2013 1111 \u2013 1111 ok.", EntityType.CREDIT_CARD))
        .containsExactly("4111 \u2013 1111 \u2013 1111 \u2013 1111");
    assertThat(found(RULES, "My SSN is 123\u201345\u20136789.", EntityType.US_SSN)).containsExactly("123\u201345\u20136789");
    // Not Luhn-valid, not an SSN's shape: nothing.
    assertThat(found(RULES, "Pages 4111 - 1111 - 1111 - 1112 and 1999\u20132005.", EntityType.CREDIT_CARD)).isEmpty();
    assertThat(found(RULES, "In 1999\u20132005 and 12\u201334\u20135678.", EntityType.US_SSN)).isEmpty();
  }

  @Test
  void anEmailWithAPunycodeTopLevelDomainIsFound() {
    assertThat(found(RULES, "Write to user@example.xn--p1ai today.", EntityType.EMAIL_ADDRESS))
        .containsExactly("user@example.xn--p1ai");
    assertThat(found(RULES, "Write to user@example.xn--p today.", EntityType.EMAIL_ADDRESS)).isEmpty();
  }

  @Test
  void aColonChainLongerThanAnAddressIsNoIpv6Address() {
    assertThat(found(RULES, "Ratio 1:2:3:4:5:6:7:8:9:10:11:12 here.", EntityType.IP_ADDRESS)).isEmpty();
    assertThat(found(RULES, "Keys a:b:c:d:e:f:a:b:c:d:e:f ok.", EntityType.IP_ADDRESS)).isEmpty();
    assertThat(found(RULES, "Ratio 1:2:1:2:1:2:1:2:1:2:1:2:1:2:1:2:1:2:1:2 end.", EntityType.IP_ADDRESS)).isEmpty();
    // An address with a label or a port before or after it is still one.
    assertThat(found(RULES, "ip:2001:db8::8a2e:370:7334 and 2001:0db8:0000:0000:0000:8a2e:0370:7334, [fe80::1]:8080.",
        EntityType.IP_ADDRESS)).containsExactly("2001:db8::8a2e:370:7334", "2001:0db8:0000:0000:0000:8a2e:0370:7334", "fe80::1");
  }

  @Test
  void yearsAndDecimalsAreNoPhoneNumbersWithoutAPhoneWord() {
    for (String prose : new String[] {"The 1999-2005 period.", "In 2010\u20132015 we grew.", "Pi is 3.14159265 roughly.",
        "Build 20240315.1 passed."}) {
      assertThat(found(RULES, prose, EntityType.PHONE_NUMBER)).as(prose).isEmpty();
    }
    // A phone word before it still makes it a number to try.
    assertThat(found(RULES, "call me on 2010-2015 please", EntityType.PHONE_NUMBER)).containsExactly("2010-2015");
    assertThat(PatternScanner.proseNumber("020.7946.0958")).isFalse();
    assertThat(PatternScanner.proseNumber("555.0123")).isFalse();
  }
}
