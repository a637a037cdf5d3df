package dev.lethe.redact.nlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
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

  @Test
  void asciiNamesAreTheNamesWithOnlyAsciiChars() {
    Set<String> expected = new TreeSet<>();
    for (String file : new String[] {NameGazetteer.HUMANNAMES, NameGazetteer.FAKER}) {
      for (String line : NameGazetteer.read(file)) {
        String f = NameGazetteer.fold(line.trim());
        if (f.length() > 1 && f.chars().allMatch(c -> c < 128)) {
          expected.add(f);
        }
      }
    }
    assertThat(NameGazetteer.asciiNames()).containsExactlyElementsOf(expected);
  }
}
