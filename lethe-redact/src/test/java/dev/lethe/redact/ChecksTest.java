package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChecksTest {

  @Test
  void luhnAcceptsIssuerTestNumbersAndRejectsOneDigitOff() {
    assertThat(Checks.creditCard("4111111111111111")).isTrue();
    assertThat(Checks.creditCard("5555555555554444")).isTrue();
    assertThat(Checks.creditCard("378282246310005")).isTrue();
    assertThat(Checks.creditCard("4111111111111112")).isFalse();
    assertThat(Checks.creditCard("0000000000000000")).isFalse(); // Luhn-valid but no issuer
    assertThat(Checks.creditCard("411111111111")).isFalse(); // too short
    assertThat(Checks.maestro12("675984103431")).isTrue();
    assertThat(Checks.maestro12("675984103432")).isFalse(); // Luhn
    assertThat(Checks.maestro12("411111111111")).isFalse(); // not a Maestro range
  }

  @Test
  void ibanChecksMod97AndCountryLength() {
    assertThat(Checks.iban("GB82WEST12345698765432")).isTrue();
    assertThat(Checks.iban("gb82west12345698765432")).isTrue();
    assertThat(Checks.iban("DE89370400440532013000")).isTrue();
    assertThat(Checks.iban("GB82WEST12345698765433")).isFalse(); // checksum
    assertThat(Checks.iban("GB82WEST1234569876543")).isFalse(); // GB is 22 long
    assertThat(Checks.iban("XX82WEST12345698765432")).isFalse(); // no such country
  }

  @Test
  void ssnRejectsNeverIssuedRanges() {
    assertThat(Checks.ssn(123, 45, 6789)).isTrue();
    assertThat(Checks.ssn(0, 45, 6789)).isFalse();
    assertThat(Checks.ssn(666, 45, 6789)).isFalse();
    assertThat(Checks.ssn(900, 45, 6789)).isFalse();
    assertThat(Checks.ssn(123, 0, 6789)).isFalse();
    assertThat(Checks.ssn(123, 45, 0)).isFalse();
  }

  @Test
  void ninoPrefixRules() {
    assertThat(Checks.ninoPrefix('A', 'B')).isTrue();
    assertThat(Checks.ninoPrefix('D', 'A')).isFalse();
    assertThat(Checks.ninoPrefix('A', 'O')).isFalse();
    assertThat(Checks.ninoPrefix('G', 'B')).isFalse();
    assertThat(Checks.ninoPrefix('Z', 'Z')).isFalse();
  }

  @Test
  void ipv6Validation() {
    assertThat(PatternScanner.validIpv6("2001:db8::8a2e:370:7334")).isTrue();
    assertThat(PatternScanner.validIpv6("2001:0db8:0000:0000:0000:8a2e:0370:7334")).isTrue();
    assertThat(PatternScanner.validIpv6("::ffff:192.0.2.128")).isTrue();
    assertThat(PatternScanner.validIpv6("20:15:24")).isFalse();
    assertThat(PatternScanner.validIpv6("1::2::3")).isFalse();
    assertThat(PatternScanner.validIpv6("12345::1")).isFalse();
  }
}
