package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The month scanner's shortcut for chars beyond ASCII, against the JDK's case-insensitive match. */
class DateScannerTest {

  @Test
  void aCharThatFoldsToNoAsciiCharMatchesNoAsciiLetterIgnoringCase() {
    for (int c = 128; c <= Character.MAX_VALUE; c++) {
      if (DateScanner.foldsToAscii((char) c)) {
        continue;
      }
      String s = String.valueOf((char) c);
      for (char l = 'A'; l <= 'z'; l++) {
        assertThat(s.regionMatches(true, 0, String.valueOf(l), 0, 1))
            .as("U+%04X against %s", c, l)
            .isFalse();
      }
    }
  }

  @Test
  void theFewCharsBeyondAsciiThatFoldToAsciiStillStartAMonth() {
    // The long s equals 's' ignoring case, so this is "September 5, 1990" to the JDK's comparison.
    assertThat(DateScanner.foldsToAscii('\u017f')).isTrue();
    List<Span> spans = DetectorTest.RULES.detect("born \u017feptember 5, 1990 in Leeds", DetectionContext.none());
    assertThat(spans).anySatisfy(s -> assertThat(s.type()).isEqualTo(EntityType.DATE_TIME));
    assertThat(DetectorTest.RULES.detect("born \u0160eptember 5, 1990", DetectionContext.none()))
        .noneSatisfy(s -> assertThat(s.start()).isEqualTo(5));
  }
}
