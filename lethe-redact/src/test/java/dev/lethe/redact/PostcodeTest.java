package dev.lethe.redact;

import static dev.lethe.redact.DetectorTest.RULES;
import static dev.lethe.redact.DetectorTest.found;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Postcodes as members write them: UK postcodes in lower case or without their space after an
 * address or a cue, and US ZIP codes after a state's full name. Each leaked before.
 */
class PostcodeTest {
  private static final Redactor PLACEHOLDERS =
      Redactor.create(RULES, RedactionPolicy.placeholders(), "postcode-test-secret-0123456789".getBytes(StandardCharsets.UTF_8));

  private static String redacted(String text) {
    return PLACEHOLDERS.redact(text, DetectionContext.none()).text();
  }

  @Test
  void ukPostcodeInLowerCaseOrWithoutItsSpaceAfterACue() {
    assertThat(found(RULES, "postcode sw1a2aa", EntityType.ZIP_CODE)).containsExactly("sw1a2aa");
    assertThat(found(RULES, "post code: SW1A2AA.", EntityType.ZIP_CODE)).containsExactly("SW1A2AA");
    assertThat(found(RULES, "Postcode is ec1a1bb", EntityType.ZIP_CODE)).containsExactly("ec1a1bb");
    assertThat(found(RULES, "my postcode is m1 1ae", EntityType.ZIP_CODE)).containsExactly("m1 1ae");
    // A cue further back: "address", or a postcode cue with words between.
    assertThat(found(RULES, "My address is Flat 2, Cedar House, London sw1a 2aa", EntityType.ZIP_CODE))
        .containsExactly("sw1a 2aa");
    assertThat(found(RULES, "Address:\nFlat 2\nCedar House\nLondon\nsw1a2aa", EntityType.ZIP_CODE))
        .containsExactly("sw1a2aa");
    assertThat(found(RULES, "the postcode for the office is W1a0ax ok", EntityType.ZIP_CODE)).containsExactly("W1a0ax");
  }

  @Test
  void ukPostcodeInLowerCaseOrWithoutItsSpaceEndsTheAddressBeforeIt() {
    assertThat(found(RULES, "My address is 10 Downing Street, London sw1a 2aa", EntityType.STREET_ADDRESS))
        .containsExactly("10 Downing Street, London sw1a 2aa");
    assertThat(found(RULES, "I live at 12 Oxford Road, Manchester m1 1ae", EntityType.STREET_ADDRESS))
        .containsExactly("12 Oxford Road, Manchester m1 1ae");
    assertThat(found(RULES, "Ship to 12 Oxford Road, Manchester, M11AE, UK.", EntityType.STREET_ADDRESS))
        .containsExactly("12 Oxford Road, Manchester, M11AE, UK");
    // Alone on the last line of an address, as the capitalised one: a ZIP code of its own.
    assertThat(found(RULES, "10 Downing St\nLondon\nsw1a2aa", EntityType.ZIP_CODE)).containsExactly("sw1a2aa");
    assertThat(found(RULES, "10 Downing St\nLondon\nsw1a 2aa", EntityType.ZIP_CODE)).containsExactly("sw1a 2aa");
    assertThat(redacted("I live at 12 Oxford Road, Manchester m1 1ae, thanks"))
        .isEqualTo("I live at [STREET_ADDRESS], thanks");
    assertThat(redacted("my address is 10 Downing Street, London sw1a 2aa"))
        .isEqualTo("my address is [STREET_ADDRESS]");
  }

  @Test
  void lowerCaseOrJoinedPostcodeShapesNeedAnAddressOrACue() {
    for (String text : List.of(
        "sw1a 2aa", "Send it to SW1A2AA please", "we won a1 in the a1 race", "the a1 2bc road and m1 motorway",
        "my ip address is b2 3cd", "postcode sw1a2aaa", "address: ab12 3cd4")) {
      assertThat(found(RULES, text, EntityType.ZIP_CODE)).as(text).isEmpty();
    }
    assertThat(found(RULES, "I live at 12 oxford road and we won a1 today", EntityType.STREET_ADDRESS))
        .allSatisfy(a -> assertThat(a).doesNotContain("a1"));
  }

  @Test
  void usZipAfterTheStateFullName() {
    assertThat(found(RULES, "Austin, Texas 78701-1234", EntityType.ZIP_CODE)).containsExactly("78701-1234");
    assertThat(found(RULES, "Austin, Texas 78701-1234", EntityType.PHONE_NUMBER)).isEmpty();
    assertThat(found(RULES, "New York 10001, Rhode Island 02903 and West Virginia 25301.", EntityType.ZIP_CODE))
        .containsExactly("10001", "02903", "25301");
    assertThat(found(RULES, "District of Columbia 20001; i moved to austin, texas 78701", EntityType.ZIP_CODE))
        .containsExactly("20001", "78701");
    assertThat(redacted("Austin, Texas 78701-1234")).doesNotContain("78701").doesNotContain("1234");
  }

  @Test
  void aNumberAfterAStateNameThatIsNoZipStays() {
    for (String text : List.of(
        "Texas 1234 units", "Texas 123456 units", "New York 10001234", "Ohio 43215x", "Ohio 43215-12",
        "Ohio 43215.5 points", "Jersey 07001", "Texas\n78701")) {
      assertThat(found(RULES, text, EntityType.ZIP_CODE)).as(text).isEmpty();
    }
  }
}
