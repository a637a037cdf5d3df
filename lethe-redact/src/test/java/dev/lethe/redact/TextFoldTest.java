package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.redact.nlp.NameGazetteer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link TextFold#nameFold} answers as {@link NameGazetteer#fold} wherever it answers at all, and
 * {@link TextFold#isLowerCase} as the JDK.
 */
class TextFoldTest {

  @Test
  void everyCharAndPairBelowTheCyrillicEndFoldsAsTheList() {
    int answered = 0;
    for (char c = 0; c < 0x500; c++) {
      answered += check(String.valueOf(c)) ? 1 : 0;
      // Pairs with a letter and with a combining mark on either side: reordering, marks, context.
      for (String other : new String[] {"a", "\u0301", "\u0483", "\u03c3", "\u03a3", "I", "\u0130"}) {
        check(c + other);
        check(other + c);
      }
    }
    assertThat(answered).isGreaterThan(800); // Latin, Greek and Cyrillic letters are answered here
  }

  @Test
  void lowerCaseBitsAnswerAsTheJdkForEveryChar() {
    for (int c = 0; c < 65536; c++) {
      assertThat(TextFold.isLowerCase((char) c)).as("U+%04X", c).isEqualTo(Character.isLowerCase((char) c));
    }
  }

  @Test
  void knownNames() {
    assertThat(TextFold.nameFold("Zoë Pušaver", 0, 11)).isEqualTo("zoe pusaver");
    assertThat(TextFold.nameFold("Øyvind", 0, 6)).isEqualTo(NameGazetteer.fold("Øyvind"));
    assertThat(TextFold.nameFold("ΣΟΦΙΑ", 0, 5)).isNull(); // capital sigma: lower case by context
    assertThat(TextFold.nameFold("李", 0, 1)).isNull();
  }

  @Property(tries = 3000)
  void wordsFoldAsTheList(@ForAll("words") String w) {
    check(w);
  }

  @Provide
  Arbitrary<String> words() {
    return Arbitraries.strings()
        .withCharRange('\u0000', '\u04ff')
        .withCharRange('\u0300', '\u036f')
        .withChars('a', 'e', 'Z', ' ', '-', '\u4e00', '\ud83d')
        .ofMinLength(1)
        .ofMaxLength(12);
  }

  private static boolean check(String s) {
    String fast = TextFold.nameFold("<" + s + ">", 1, 1 + s.length());
    if (fast != null) {
      assertThat(fast).as("%s", s.codePoints().mapToObj(Integer::toHexString).toList()).isEqualTo(NameGazetteer.fold(s));
    }
    return fast != null;
  }
}
