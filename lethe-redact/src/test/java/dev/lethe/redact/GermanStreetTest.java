package dev.lethe.redact;

import static dev.lethe.redact.DetectorTest.RULES;
import static dev.lethe.redact.DetectorTest.found;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * German street names as written: with ß ("Hauptstraße", "HAUPTSTRAẞE"), abbreviated with a dot
 * ("Müllerstr. 12", "Weißenburger Str. 3"). Each leaked before, while "Hauptstrasse 5" was found.
 */
class GermanStreetTest {

  @Test
  void aStreetWrittenWithSharpSIsAnAddressAsWithSs() {
    // The dot after the number is taken with it, as in "Belgrád rkp. 18." (an ordinal in Hungarian).
    assertThat(found(RULES, "Ich wohne in der Hauptstraße 5.", EntityType.STREET_ADDRESS)).containsExactly("Hauptstraße 5.");
    assertThat(found(RULES, "Ich wohne in der Hauptstrasse 5.", EntityType.STREET_ADDRESS)).containsExactly("Hauptstrasse 5.");
    assertThat(found(RULES, "Große Straße 12, 10115 Berlin", EntityType.STREET_ADDRESS))
        .containsExactly("Große Straße 12, 10115 Berlin");
    assertThat(found(RULES, "wohnt: HAUPTSTRAẞE 5", EntityType.STREET_ADDRESS)).containsExactly("HAUPTSTRAẞE 5");
  }

  @Test
  void anAbbreviatedStreetWithItsDotIsAnAddress() {
    assertThat(found(RULES, "Meine Adresse: Müllerstr. 12, 80469 München", EntityType.STREET_ADDRESS))
        .containsExactly("Müllerstr. 12, 80469 München");
    assertThat(found(RULES, "Weißenburger Str. 3", EntityType.STREET_ADDRESS)).containsExactly("Weißenburger Str. 3");
  }

  @Test
  void aCapitalisedShortWordWithoutItsDotIsNoStreetType() {
    for (String text : List.of("Hans U 3 mal", "Peter Str 3 mal", "Hans U. 3 mal")) {
      assertThat(found(RULES, text, EntityType.STREET_ADDRESS)).as(text).isEmpty();
    }
  }
}
