package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DetectionContextTest {

  @Test
  void acceptsAssignedCodesInAnyCase() {
    assertThat(DetectionContext.ofCountryCode("DE").country()).contains("DE");
    assertThat(DetectionContext.ofCountryCode("gb").country()).contains("GB");
    assertThat(DetectionContext.ofCountryCode("Fr").country()).contains("FR");
    assertThat(DetectionContext.countryCode("us")).isEqualTo("US");
  }

  @Test
  void refusesWhatIsNotAnAssignedCodeAndNamesTheValue() {
    assertThatThrownBy(() -> DetectionContext.countryCode("ZZ"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"ZZ\"").hasMessageContaining("not an assigned");
    assertThatThrownBy(() -> DetectionContext.countryCode("UK")).hasMessageContaining("\"UK\"").hasMessageContaining("GB");
    assertThatThrownBy(() -> DetectionContext.countryCode("el")).hasMessageContaining("GR");
    assertThatThrownBy(() -> DetectionContext.countryCode("DEU")).hasMessageContaining("\"DEU\"").hasMessageContaining("two letters");
    assertThatThrownBy(() -> DetectionContext.countryCode(" de ")).hasMessageContaining("\" de \"");
    assertThatThrownBy(() -> DetectionContext.countryCode("")).hasMessageContaining("\"\"");
    assertThatThrownBy(() -> DetectionContext.countryCode("GERMANY")).hasMessageContaining("\"GERMANY\"");
    assertThatThrownBy(() -> DetectionContext.countryCode("4 ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DetectionContext.countryCode("a\nb")).hasMessageContaining("\\u000a").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> DetectionContext.countryCode(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void lettersThatUpperCaseToAsciiAreNotAscii() {
    // Dotless i upper-cases to I, and sharp s to SS: neither may sneak in as IT or an SS code.
    assertThatThrownBy(() -> DetectionContext.countryCode("\u0131t")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DetectionContext.countryCode("\u00df")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theLenientFactoryStillTreatsBlankAsUnknown() {
    assertThat(DetectionContext.ofCountry(null).country()).isEqualTo(Optional.empty());
    assertThat(DetectionContext.ofCountry(" ").country()).isEqualTo(Optional.empty());
    assertThat(DetectionContext.ofCountry(" de ").country()).contains("DE");
  }
}
