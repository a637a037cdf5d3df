package dev.lethe.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 3339's grammar, read in full: every instant it can write is read, and nothing else. */
class Rfc3339Test {

  @ParameterizedTest
  @CsvSource({
    "2024-02-01T00:00:00Z, 2024-02-01T00:00:00Z",
    "2024-02-01t00:00:00z, 2024-02-01T00:00:00Z",
    "2024-02-01T00:00:00-00:00, 2024-02-01T00:00:00Z",
    "2024-02-01T05:30:00+05:30, 2024-02-01T00:00:00Z",
    // Offsets beyond java.time's ±18:00 are still RFC 3339 (time-hour is 00 to 23).
    "2024-02-01T00:00:00+19:00, 2024-01-31T05:00:00Z",
    "2024-02-01T00:00:00-23:59, 2024-02-01T23:59:00Z",
    "2024-02-01T00:00:00.250Z, 2024-02-01T00:00:00.250Z",
    // Digits beyond the nanosecond are dropped, not rounded: the instant never moves later.
    "2024-02-01T00:00:00.1234567891Z, 2024-02-01T00:00:00.123456789Z",
    "2024-02-01T00:00:00.9999999999999999999999Z, 2024-02-01T00:00:00.999999999Z",
    // A leap second is read as second 59, as java.time reads it.
    "2016-12-31T23:59:60Z, 2016-12-31T23:59:59Z",
    "2017-01-01T00:59:60.5+01:00, 2016-12-31T23:59:59.500Z",
    "1991-01-01T05:29:60+05:30, 1990-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z, 0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z, 9999-12-31T23:59:59.999999999Z",
  })
  void readsEveryInstantTheGrammarAllows(String text, String utc) {
    assertThat(Rfc3339.parseInstant(text)).isEqualTo(Instant.parse(utc));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "2024-02-01T00:00:00+24:00", // hours past 23
    "2024-02-01T00:00:00+05:60", // minutes past 59
    "2024-02-01T00:00:00+0530", // no colon
    "2024-02-01T00:00:00.Z", // a point without digits
    "2024-02-01T00:00Z", // no seconds
    "2024-02-01 00:00:00Z", // a space for T
    "2024-02-30T00:00:00Z", // no such day
    "2024-02-01T23:58:60Z", // second 60 outside a minute that can end with a leap second
    "1991-01-01T05:59:60+05:30", // its UTC minute is 29
    "2024-02-01T24:00:00Z",
    "0000-01-01T00:00:00+01:00", // 31 December of year -1 in UTC
    "9999-12-31T23:59:59-01:00", // year 10000 in UTC
    "２０２４-02-01T00:00:00Z", // digits that are not ASCII
  })
  void refusesWhatTheGrammarDoesNotAllowNamingTheText(String text) {
    assertThatThrownBy(() -> Rfc3339.parseInstant(text)).isInstanceOf(DateTimeException.class)
        .hasMessageStartingWith("malformed instant \"" + text + "\"");
  }

  @Test
  void anInstantWithoutAnOffsetIsNamedAsSuch() {
    assertThatThrownBy(() -> Rfc3339.parseInstant("2024-02-01T00:00:00")).hasMessageContaining("has no offset");
  }

  @Test
  void theYearsOutsideWhatFormatCanWriteAreNamed() {
    assertThatThrownBy(() -> Rfc3339.parseInstant("9999-12-31T23:59:59-01:00"))
        .hasMessageEndingWith("it falls outside the years 0000 to 9999 in UTC, which RFC 3339 cannot write");
  }

  @Test
  void formatsInUtcWithoutAFractionWhenItIsZeroAndOtherwiseInGroupsOfThreeDigits() {
    assertThat(Rfc3339.format(Rfc3339.parseInstant("2024-09-20T14:00:00+02:00"))).isEqualTo("2024-09-20T12:00:00Z");
    assertThat(Rfc3339.format(Rfc3339.parseInstant("2024-09-20T12:00:00.25Z"))).isEqualTo("2024-09-20T12:00:00.250Z");
    assertThat(Rfc3339.format(Rfc3339.parseInstant("2024-09-20T12:00:00.1234Z"))).isEqualTo("2024-09-20T12:00:00.123400Z");
    assertThat(Rfc3339.format(Rfc3339.parseInstant("2024-09-20T12:00:00.000Z"))).isEqualTo("2024-09-20T12:00:00Z");
  }
}
