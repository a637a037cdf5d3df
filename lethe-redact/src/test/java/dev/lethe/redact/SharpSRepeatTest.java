package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Repeats across ß and "ss" ({@link PolicyRedactor#withRepeats}): "Strauß" found once leaves no
 * "STRAUSS" elsewhere in the record, and the other way round, at the right offsets.
 */
class SharpSRepeatTest {
  private static final byte[] SECRET = "sharp-s-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final Detector DIRECTORY_ONLY = Detector.of(EnumSet.of(EntityType.PERSON), false);

  private static String redacted(String member, String text) {
    DetectionContext ctx = DetectionContext.none().withDirectory(MemberDirectory.of(List.of(member)));
    return Redactor.create(DIRECTORY_ONLY, RedactionPolicy.placeholders(), SECRET).redact(text, ctx).text();
  }

  @Test
  void aValueWithSharpSIsFoundWrittenWithSs() {
    assertThat(redacted("Johann Strauß", "Johann Strauß wrote. JOHANN STRAUSS signed, johann strauss too."))
        .isEqualTo("[PERSON] wrote. [PERSON] signed, [PERSON] too.");
  }

  @Test
  void aValueWithSsIsFoundWrittenWithSharpS() {
    assertThat(redacted("Johann Strauss", "JOHANN STRAUSS signed. Johann Strauß wrote, JOHANN STRAUẞ too."))
        .isEqualTo("[PERSON] signed. [PERSON] wrote, [PERSON] too.");
  }

  @Test
  void offsetsAfterSharpSAndSurrogatesStayRight() {
    String text = "Grete Weiß 😀 sagt: GRETE WEISS 😀 und Grete Weiss, nicht Grete Weißbier.";
    List<Span> spans = List.of(new Span(EntityType.PERSON, 0, 10, 0.9));
    assertThat(PolicyRedactor.withRepeats(text, spans)).containsExactly(
        new Span(EntityType.PERSON, 0, 10, 0.9),
        new Span(EntityType.PERSON, 19, 30, 0.5), // code points: each emoji is one
        new Span(EntityType.PERSON, 37, 48, 0.5),
        new Span(EntityType.PERSON, 56, 61, 0.5)); // "Grete", a part of the name, before "Weißbier"
  }

  @Test
  void halfOfASharpSIsNoWordEnd() {
    // "maria gros" is a prefix of "maria grosse", the fold of "Maria Große", ending inside the ß.
    String text = "Maria Gros kam. Maria Große ging. MARIA GROS.";
    List<Span> spans = List.of(new Span(EntityType.PERSON, 0, 10, 0.9));
    assertThat(PolicyRedactor.withRepeats(text, spans)).containsExactly(
        new Span(EntityType.PERSON, 0, 10, 0.9),
        new Span(EntityType.PERSON, 16, 21, 0.5), // "Maria", a part of the name, but not "Gros" in "Große"
        new Span(EntityType.PERSON, 34, 44, 0.5));
  }

  @Test
  void aLongRecordSearchedWithTheTrieFindsThemToo() {
    // 300 values over some 5,000 chars: more than a value-by-value search's budget, so both folds
    // are searched with the Aho-Corasick trie.
    StringBuilder text = new StringBuilder();
    List<Span> spans = new ArrayList<>();
    List<String> repeats = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String suffix = "" + (char) ('a' + i % 26) + (char) ('a' + i / 26);
      String value = "Strauß" + suffix;
      spans.add(new Span(EntityType.PERSON, text.length(), text.length() + value.length(), 0.9));
      text.append(value).append(' ');
      repeats.add("STRAUSS" + suffix.toUpperCase(java.util.Locale.ROOT));
    }
    int detectedEnd = text.length();
    for (String r : repeats) {
      text.append(r).append(' ');
    }
    List<Span> out = PolicyRedactor.withRepeats(text.toString(), spans);
    assertThat(out).hasSize(600);
    int at = detectedEnd;
    for (int i = 0; i < 300; i++) {
      assertThat(out.get(300 + i)).isEqualTo(new Span(EntityType.PERSON, at, at + 9, 0.5));
      at += 10;
    }
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("asß Sẞb").ofMinLength(0).ofMaxLength(40);
  }

  @Provide
  Arbitrary<List<Span>> spanSeeds() {
    Arbitrary<Span> one = Combinators.combine(
            Arbitraries.integers().between(0, 36),
            Arbitraries.integers().between(1, 8),
            Arbitraries.of(EntityType.PERSON, EntityType.EMAIL_ADDRESS))
        .as((start, length, type) -> new Span(type, start, start + length, 0.9));
    return one.list().ofMaxSize(6);
  }

  /** The fold the property compares by: lower case, ß and ẞ as "ss". */
  private static String sharpFold(String s) {
    return TextFold.foldSameLength(s.replace("ß", "ss").replace("ẞ", "ss"));
  }

  @Property(tries = 3000)
  void everyWordBoundedRepeatAcrossSharpSIsCovered(@ForAll("texts") String text, @ForAll("spanSeeds") List<Span> seeds) {
    List<Span> spans = new ArrayList<>();
    for (Span s : seeds.stream().sorted((a, b) -> Integer.compare(a.start(), b.start())).toList()) {
      if (s.end() <= text.length() && (spans.isEmpty() || spans.get(spans.size() - 1).end() <= s.start())) {
        spans.add(s);
      }
    }
    List<Span> out = PolicyRedactor.withRepeats(text, spans); // the text is BMP only: offsets are chars
    boolean[] covered = new boolean[text.length()];
    int lastEnd = 0;
    for (Span s : out) {
      assertThat(s.start()).as("sorted and disjoint: %s", out).isGreaterThanOrEqualTo(lastEnd);
      assertThat(s.end()).isGreaterThan(s.start());
      lastEnd = s.end();
      for (int i = s.start(); i < s.end(); i++) {
        covered[i] = true;
      }
    }
    for (Span s : spans) {
      for (int i = s.start(); i < s.end(); i++) {
        assertThat(covered[i]).as("detected span %s stays covered in %s", s, out).isTrue();
      }
      if (s.end() - s.start() < 4) {
        continue;
      }
      String value = sharpFold(text.substring(s.start(), s.end()));
      for (int at = 0; at < text.length(); at++) {
        for (int end = at + 1; end <= text.length(); end++) {
          boolean bounded = (at == 0 || !TextFold.isWordChar(text.charAt(at - 1)))
              && (end == text.length() || !TextFold.isWordChar(text.charAt(end)));
          if (bounded && sharpFold(text.substring(at, end)).equals(value)) {
            for (int i = at; i < end; i++) {
              assertThat(covered[i]).as("repeat of %s at %d-%d in \"%s\": %s", s, at, end, text, out).isTrue();
            }
          }
        }
      }
    }
  }

  @Test
  void aPartOfANameOrAHandleWithSharpSIsFoundWrittenWithSs() {
    String text = "Mrs. Gwendolyn Weißmüller called. Later WEISSMÜLLER and Weissmüller and Weißmüller wrote.";
    int at = text.indexOf("Gwendolyn");
    List<Span> spans = List.of(new Span(EntityType.PERSON, at, at + "Gwendolyn Weißmüller".length(), 0.9));
    assertThat(RepeatSearchTest.marked(text, spans))
        .isEqualTo("Mrs. [PERSON] called. Later [PERSON] and [PERSON] and [PERSON] wrote.");
    // A handle's bare name too, where capitalised or in capitals, as without ß.
    String fan = "@fußballfan wrote; fussballfan and FUSSBALLFAN and Fussballfan and FUßBALLFAN.";
    assertThat(RepeatSearchTest.marked(fan, List.of(new Span(EntityType.PERSON, 0, "@fußballfan".length(), 0.9))))
        .isEqualTo("[PERSON] wrote; fussballfan and [PERSON] and [PERSON] and [PERSON].");
  }
}
