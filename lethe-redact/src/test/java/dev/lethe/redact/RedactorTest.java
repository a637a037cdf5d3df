package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

class RedactorTest {
  static final byte[] S1 = "snapshot-secret-one-0123456789".getBytes(StandardCharsets.UTF_8);
  static final byte[] S2 = "snapshot-secret-two-0123456789".getBytes(StandardCharsets.UTF_8);
  static final Detector RULES = DetectorTest.RULES;

  @Test
  void invisibleBreaksCannotHidePartOfAValue() {
    Redactor r = Redactor.create(Detector.standard(), RedactionPolicy.placeholders(), S1);
    assertThat(r.redact("Call +44 20 7946 0958 or 020 7946\u200b0958.", DetectionContext.ofCountryCode("GB")).text())
        .isEqualTo("Call [PHONE_NUMBER] or [PHONE_NUMBER].");
    assertThat(r.redact("mail anna\u00ad.berg@exam\u2060ple.com now", DetectionContext.none()).text())
        .isEqualTo("mail [EMAIL_ADDRESS] now");
    // Joiners that scripts and emoji need stay, as does a text without any.
    assertThat(r.redact("family \ud83d\udc68\u200d\ud83d\udc69 and \u0645\u200c\u0627", DetectionContext.none()).text())
        .isEqualTo("family \ud83d\udc68\u200d\ud83d\udc69 and \u0645\u200c\u0627");
    String plain = "nothing to see";
    assertThat(PolicyRedactor.withoutInvisibleBreaks(plain)).isSameAs(plain);
  }

  @Test
  void placeholdersAndCounts() {
    Redaction r = Redactor.create(RULES, RedactionPolicy.placeholders(), S1)
        .redact("mail a.b@example.com or 4111 1111 1111 1111", DetectionContext.none());
    assertThat(r.text()).isEqualTo("mail [EMAIL_ADDRESS] or [CREDIT_CARD]");
    assertThat(r.counts()).containsExactlyInAnyOrderEntriesOf(
        Map.of(EntityType.EMAIL_ADDRESS, 1, EntityType.CREDIT_CARD, 1));
    assertThat(r.dropped()).isFalse();
  }

  @Test
  void rememberedPseudonymsEqualFreshOnesAndStayPerSecret() throws Exception {
    DetectionContext ctx = DetectionContext.none()
        .withDirectory(MemberDirectory.of(List.of("Ada Lovelace", "Alan Turing")));
    Detector d = Detector.of(EnumSet.of(EntityType.PERSON), false);
    Redactor one = Redactor.create(d, RedactionPolicy.pseudonymousPeople(), S1);
    Redactor two = Redactor.create(d, RedactionPolicy.pseudonymousPeople(), S2);
    String text = "Ada Lovelace wrote to Alan Turing.";
    String first = one.redact(text, ctx).text();
    String[] fresh = new String[1];
    Thread t = new Thread(() -> fresh[0] = one.redact(text, ctx).text()); // a thread's own memo
    t.start();
    t.join();
    assertThat(one.redact(text, ctx).text()).isEqualTo(first).isEqualTo(fresh[0]);
    assertThat(two.redact(text, ctx).text()).isNotEqualTo(first);
  }

  /**
   * The pseudonym is the first six hex digits of HMAC-SHA-256 under the secret of the type's name,
   * a zero byte and the folded value (values computed outside Java, with Python's hmac module), so
   * an auditor holding the secret can recompute it, and no change of implementation moves it.
   */
  @Test
  void pseudonymsAreTheDocumentedHmac() {
    DetectionContext ctx = DetectionContext.none().withDirectory(MemberDirectory.of(List.of("Ada Lovelace")));
    Redactor r = Redactor.create(RULES, RedactionPolicy.pseudonymousPeople(), S1);
    assertThat(r.redact("Ada LOVELACE wrote", ctx).text()).isEqualTo("[PERSON_1ad200] wrote");
    Redactor all = Redactor.create(RULES, RedactionPolicy.pseudonymousPeople()
        .with(EntityType.EMAIL_ADDRESS, Operator.PSEUDONYM), S1);
    assertThat(all.redact("mail a.b@example.com", ctx).text()).isEqualTo("mail [EMAIL_ADDRESS_7fb074]");
  }

  @Test
  void pseudonymsAreStableWithinASecretAndDifferAcrossSecrets() {
    DetectionContext ctx = DetectionContext.none()
        .withDirectory(MemberDirectory.of(List.of("Ada Lovelace", "Alan Turing")));
    Detector d = Detector.of(EnumSet.of(EntityType.PERSON), false);
    RedactionPolicy p = RedactionPolicy.pseudonymousPeople();
    String text = "Ada Lovelace wrote to alan turing; ADA LOVELACE signed.";
    String a = Redactor.create(d, p, S1).redact(text, ctx).text();
    String again = Redactor.create(d, p, S1).redact(text, ctx).text();
    String b = Redactor.create(d, p, S2).redact(text, ctx).text();
    assertThat(a).isEqualTo(again).matches("\\[PERSON_[0-9a-f]{6}] wrote to \\[PERSON_[0-9a-f]{6}]; \\[PERSON_[0-9a-f]{6}] signed\\.");
    String[] tokens = a.split("[^\\[\\]A-Z_0-9a-f]+");
    assertThat(a.substring(0, 15)).isEqualTo(a.substring(a.indexOf("; ") + 2, a.indexOf("; ") + 17));
    assertThat(a.substring(0, 15)).isNotEqualTo(a.substring(a.indexOf("to ") + 3, a.indexOf("to ") + 18));
    assertThat(b).isNotEqualTo(a);
    assertThat(tokens).isNotEmpty();
  }

  @Test
  void maskKeepsLengthAndDropRemovesTheRecord() {
    RedactionPolicy mask = RedactionPolicy.placeholders().with(EntityType.EMAIL_ADDRESS, Operator.MASK);
    assertThat(Redactor.create(RULES, mask, S1).redact("x a@example.com", DetectionContext.none()).text())
        .isEqualTo("x *************");
    Redaction dropped = Redactor.create(RULES, RedactionPolicy.placeholders().dropRecordIf(EntityType.US_SSN), S1)
        .redact("ssn 123-45-6789", DetectionContext.none());
    assertThat(dropped.dropped()).isTrue();
    assertThat(dropped.text()).isEmpty();
    assertThat(dropped.dropReason()).contains(EntityType.US_SSN);
  }

  @Test
  void shortSecretsAreRefused() {
    assertThatThrownBy(() -> Redactor.create(RULES, RedactionPolicy.placeholders(), new byte[8]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<String> recordsWithPii() {
    Arbitrary<String> filler = Arbitraries.of("hello", "the", "meet", "at", "call", "on", "my", "is", ",", ".", "\n", "😀", "Ünïcode");
    Arbitrary<String> pii = Arbitraries.of(
        "jane.doe@example.com", "4111 1111 1111 1111", "GB82WEST12345698765432", "192.168.0.1",
        "123-45-6789", "https://example.org/x", "@someone", "+44 20 7946 0958", "7/30/1964",
        "AB 12 34 56 C", "11 Souterhead Road");
    return Combinators.combine(filler.list().ofMaxSize(6), pii, filler.list().ofMaxSize(6), pii)
        .as((a, p, b, q) -> String.join(" ", a) + " " + p + " " + String.join(" ", b) + " " + q);
  }

  @Property(tries = 300)
  void redactedTextNeverContainsADetectedValue(@ForAll("recordsWithPii") String text) {
    Redactor r = Redactor.create(RULES, RedactionPolicy.pseudonymousPeople(), S1);
    List<Span> spans = RULES.detect(text, DetectionContext.none());
    String out = r.redact(text, DetectionContext.none()).text();
    for (Span s : spans) {
      String value = text.substring(text.offsetByCodePoints(0, s.start()), text.offsetByCodePoints(0, s.end()));
      assertThat(out).doesNotContain(value);
    }
    assertThat(spans).isNotEmpty();
  }
}
