package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile records: one-megabyte lines built from the characters each scanner keys on, invalid
 * UTF-8 and lone surrogates. Every detector must finish (the timeouts only guard against a hang;
 * they are far above the real running time) and return sane spans. Running time is linear in the
 * text: no scanner backtracks over an unbounded run.
 */
class AdversarialInputTest {
  private static final int MB = 1 << 20;
  private static final Redactor REDACTOR =
      Redactor.create(Detector.standard(), RedactionPolicy.pseudonymousPeople(),
          "adversarial-test-secret-0123456789".getBytes(StandardCharsets.UTF_8));

  static String repeat(String unit, int length) {
    StringBuilder sb = new StringBuilder(length + unit.length());
    while (sb.length() < length) {
      sb.append(unit);
    }
    return sb.toString();
  }

  /** Sorted, disjoint, non-empty and inside the text, in code points. */
  static void assertSane(String text, List<Span> spans) {
    int codePoints = text.codePointCount(0, text.length());
    int end = 0;
    for (Span s : spans) {
      assertThat(s.start()).isGreaterThanOrEqualTo(end);
      assertThat(s.end()).isGreaterThan(s.start()).isLessThanOrEqualTo(codePoints);
      end = s.end();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "a", "@", "0", ".", "a@", "a@a.", "a.", "+1 (((((", "1 ", "1-", "1.", "12/", "(0)", "::", "1:",
    "x1", "@a ", "www.", "http://", "GB82 ", "AB 12 ", "May ", "12 May ", "Mr ", "my name is ",
    "11 Baker Street\n", "Apt 5, ", "zip ", "P.O. Box 1 ", "Maria Rossi ", "maria.rossi@example.com ",
    "ssn 123-45-6789 ", "\u00a0", "\n", "Zoë ", "é", "#a", "'s", "a-", "1x2"
  })
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void oneMegabyteLineOfOneUnitFinishes(String unit) {
    String text = repeat(unit, MB);
    assertSane(text, Detector.standard().detect(text, DetectionContext.ofCountry("GB")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a@a.", "+1 (((((", "Maria Rossi ", "maria.rossi@example.com ", "11 Baker Street\n"})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void oneMegabyteLineIsRedacted(String unit) {
    String text = repeat(unit, MB);
    Redaction r = REDACTOR.redact(text, DetectionContext.ofCountry("GB"));
    assertThat(r.dropped()).isFalse();
    assertThat(r.text()).doesNotContain("maria.rossi@example.com").doesNotContain("Maria Rossi");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void longDigitRunsWithAndWithoutSeparators() {
    for (String text : List.of(repeat("0123456789", MB), repeat("4111 1111 1111 1111 ", MB),
        repeat("+44 20 7946 0958 ", MB), repeat("192.168.", MB), repeat("1", MB) + "@example.com")) {
      assertSane(text, Detector.standard().detect(text));
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void loneSurrogatesAreOrdinaryCodePoints() {
    String text = "call \uD800+44 20 7946 0958\uDC00 or Maria Rossi \uDBFF\uDFFF at jane@example.com \uDC00";
    List<Span> spans = Detector.standard().detect(text);
    assertSane(text, spans);
    // Offsets are code points: a lone surrogate counts as one, a pair as one.
    assertThat(DetectorTest.found(Detector.standard(), text, EntityType.EMAIL_ADDRESS))
        .containsExactly("jane@example.com");
    assertThat(DetectorTest.found(Detector.standard(), text, EntityType.PHONE_NUMBER))
        .containsExactly("+44 20 7946 0958");
    String redacted = REDACTOR.redact(text, DetectionContext.none()).text();
    assertThat(redacted).doesNotContain("jane@example.com").doesNotContain("7946").contains("\uD800");

    String hostile = repeat("\uD800a\uDC00@\uDBFF.", MB);
    assertSane(hostile, Detector.standard().detect(hostile));
    REDACTOR.redact(hostile, DetectionContext.none());
  }

  @Test
  void invalidUtf8DecodedWithReplacementIsScannedLikeAnyText() {
    // Lethe's pipeline rejects a record whose bytes are not UTF-8 before it reaches a detector;
    // a caller that decodes leniently hands over U+FFFD, which must not disturb the scanners.
    byte[] bytes = "mail jane@example.com \u00ff card 4111 1111 1111 1111".getBytes(StandardCharsets.ISO_8859_1);
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(text).contains("\uFFFD");
    assertThat(DetectorTest.found(Detector.standard(), text, EntityType.EMAIL_ADDRESS)).containsExactly("jane@example.com");
    assertThat(DetectorTest.found(Detector.standard(), text, EntityType.CREDIT_CARD)).containsExactly("4111 1111 1111 1111");
    byte[] garbage = new byte[MB];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (0x80 + (i * 31) % 0x7f);
    }
    String decoded = new String(garbage, StandardCharsets.UTF_8);
    assertSane(decoded, Detector.standard().detect(decoded));
  }

  /**
   * Work per record is linear in its length, and so is memory: a one-megabyte record of ordinary
   * prose with names, numbers and addresses allocates a bounded multiple of its size while it is
   * scanned, not an amount that grows with the square of the length.
   */
  @Test
  void allocationPerRecordIsLinearInItsLength() {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String unit = "Maria Rossi wrote from 11 Baker Street, London on 7/30/1964: call +44 20 7946 0958 or "
        + "mail maria.rossi@example.com, card 4111 1111 1111 1111. ";
    String small = repeat(unit, 64 * 1024);
    String large = repeat(unit, MB);
    REDACTOR.redact(small, DetectionContext.none()); // load the model and warm up
    long perCharSmall = allocatedPerChar(mx, small);
    long perCharLarge = allocatedPerChar(mx, large);
    // Linear: the per-char cost does not grow with the length (a quadratic step would multiply
    // it by 16 here); and the constant stays within a few hundred bytes per char.
    assertThat(perCharLarge).isLessThan(2 * perCharSmall + 64).isLessThan(2_000);
  }

  private static long allocatedPerChar(com.sun.management.ThreadMXBean mx, String text) {
    long id = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(id);
    REDACTOR.redact(text, DetectionContext.none());
    return (mx.getThreadAllocatedBytes(id) - before) / text.length();
  }
}
