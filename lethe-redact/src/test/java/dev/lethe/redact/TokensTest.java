package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TokensTest {

  @Test
  void spaceIsJavaWhitespaceOrAUnicodeSpaceForEveryChar() {
    for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
      boolean expected = Character.isWhitespace((char) c) || Character.isSpaceChar((char) c);
      assertThat(Tokens.space((char) c)).as("U+%04X", c).isEqualTo(expected);
    }
  }

  @Test
  void noBreakAndIdeographicSpacesSeparateTokensLikeBlanks() {
    Tokens tk = Tokens.of("Ada\u00a0Lovelace\u3000wrote\tto\u2009Bob");
    assertThat(tk.size).isEqualTo(5);
    assertThat(tk.token(1)).isEqualTo("Lovelace");
    assertThat(tk.token(4)).isEqualTo("Bob");
  }

  @Test
  void asciiWordsAreCutAsAnyWord() {
    check("Jean-Luc met ab-1 and foo- at x_y9, 42nd St; Zo\u00eb abc\u00e9d O'Neil's www.x.io @ada #Tag1");
    Tokens tk = Tokens.of("Jean-Luc abc\u00e9d foo- x_y9");
    assertThat(tk.token(0)).isEqualTo("Jean-Luc");
    assertThat(tk.token(1)).isEqualTo("abc\u00e9d");
    assertThat(tk.token(2)).isEqualTo("foo");
    assertThat(tk.token(4)).isEqualTo("x_y9");
  }

  /** Cuts, shapes and hashes as the rules' definitions say, whatever mix of chars. */
  @Property(tries = 2000)
  void tokensMatchTheirDefinition(@ForAll("texts") String text) {
    check(text);
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings()
        .withChars("aZz09_-' .,@#\u00e9\u00c9\u0301\u00a0\n")
        .withChars('\ud835', '\udc00') // a mathematical letter, and lone halves of one
        .ofMaxLength(40);
  }

  private static void check(String text) {
    Tokens tk = Tokens.of(text);
    List<String> expected = cut(text);
    List<String> actual = new ArrayList<>();
    for (int k = 0; k < tk.size; k++) {
      String t = tk.token(k);
      actual.add(tk.starts[k] + ":" + t);
      boolean ascii = t.chars().allMatch(c -> c < 128);
      assertThat(tk.ascii(k)).as(t).isEqualTo(ascii);
      assertThat(tk.allDigits(k)).as(t).isEqualTo(t.chars().allMatch(c -> c >= '0' && c <= '9'));
      assertThat(tk.word(k)).as(t).isEqualTo(Character.isLetter(t.charAt(0)));
      assertThat(tk.capitalized(k)).as(t).isEqualTo(Character.isUpperCase(t.charAt(0)));
      assertThat(tk.someLowerCase(k)).as(t).isEqualTo(t.chars().anyMatch(c -> Character.isLowerCase((char) c)));
      int h = 0;
      for (char c : t.toCharArray()) {
        h = 31 * h + TextFold.asciiLower(c);
      }
      assertThat(tk.lowerHash(k)).as(t).isEqualTo(h);
    }
    assertThat(actual).as(text).isEqualTo(expected);
  }

  /** The cutting rules written out plainly: the oracle for {@link Tokens#of}. */
  private static List<String> cut(String t) {
    List<String> out = new ArrayList<>();
    int n = t.length();
    int i = 0;
    while (i < n) {
      char c = t.charAt(i);
      if (Tokens.space(c)) {
        i++;
        continue;
      }
      int e;
      if ((c == 'h' || c == 'w') && (t.startsWith("http", i) || t.startsWith("www.", i))) {
        e = i;
        while (e < n && !Character.isWhitespace(t.charAt(e))) {
          e++;
        }
      } else if ((c == '@' || c == '#') && i + 1 < n && TextFold.isWordChar(t.charAt(i + 1))) {
        e = wordEnd(t, i + 1);
      } else if (TextFold.isWordChar(c)) {
        e = wordEnd(t, i);
      } else if (c == '\'' && i + 1 < n && Character.isLetter(t.charAt(i + 1)) && i > 0
          && Character.isLetter(t.charAt(i - 1))) {
        e = wordEnd(t, i + 1);
      } else {
        e = i + Character.charCount(t.codePointAt(i));
      }
      out.add(i + ":" + t.substring(i, e));
      i = e;
    }
    return out;
  }

  private static int wordEnd(String t, int i) {
    int n = t.length();
    int e = i;
    while (e < n) {
      char c = t.charAt(e);
      if (TextFold.isWordChar(c)) {
        e++;
      } else if (Character.isHighSurrogate(c) && e + 1 < n && Character.isLetter(t.codePointAt(e))) {
        e += 2;
      } else if (c == '-' && e + 1 < n && Character.isLetter(t.charAt(e + 1)) && e > i) {
        e++;
      } else {
        break;
      }
    }
    return Math.max(e, i + 1);
  }
}
