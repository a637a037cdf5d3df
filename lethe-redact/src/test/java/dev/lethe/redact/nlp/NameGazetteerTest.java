package dev.lethe.redact.nlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class NameGazetteerTest {

  @Test
  void holdsEveryNameOfItsFilesAndNoShortOrChangedOne() {
    int names = 0;
    for (String file : new String[] {NameGazetteer.HUMANNAMES, NameGazetteer.FAKER}) {
      for (String line : NameGazetteer.read(file)) {
        String f = NameGazetteer.fold(line.trim());
        if (f.length() > 1) {
          assertThat(NameGazetteer.containsFolded(f)).as(f).isTrue();
          assertThat(NameGazetteer.containsFolded(f + "qx")).as(f).isFalse();
          names++;
        }
      }
    }
    assertThat(names).isGreaterThan(200_000);
    assertThat(NameGazetteer.contains("Zoë")).isTrue();
    assertThat(NameGazetteer.containsFolded("z")).isFalse();
  }

  /** The char-range look-up of an ASCII word answers as the look-up of its lower-case string. */
  @Property(tries = 3000)
  void asciiRegionsAnswerAsTheirLowerCase(@ForAll("words") String w) {
    String lower = w.toLowerCase(Locale.ROOT);
    String text = "(" + w + ")";
    assertThat(NameGazetteer.containsLowerAscii(text, 1, 1 + w.length(), lower.hashCode()))
        .as(w).isEqualTo(NameGazetteer.containsFolded(lower));
  }

  @Provide
  Arbitrary<String> words() {
    Arbitrary<String> names = Arbitraries.of(NameGazetteer.read(NameGazetteer.FAKER))
        .filter(n -> n.chars().allMatch(c -> c < 128) && n.indexOf(' ') < 0);
    Arbitrary<String> upper = names.map(n -> n.toUpperCase(Locale.ROOT));
    Arbitrary<String> random = Arbitraries.strings().withCharRange('A', 'z').ofMinLength(0).ofMaxLength(8);
    return Arbitraries.oneOf(names, upper, random);
  }
}
