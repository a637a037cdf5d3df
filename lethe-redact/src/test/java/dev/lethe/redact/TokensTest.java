package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

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
}
