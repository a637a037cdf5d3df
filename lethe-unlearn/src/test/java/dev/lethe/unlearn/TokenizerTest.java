package dev.lethe.unlearn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {

  @Test
  void lowercasesWordsSplitsPunctuationAndDigitsAndEndsSentences() {
    assertThat(Tokenizer.sentences("Hello, World! Don't PANIC: pi is 3.14 today.\nNew line"))
        .containsExactly(
            List.of("hello", ",", "world", "!"),
            List.of("don't", "panic", ":", "pi", "is", "3", ".", "1", "4", "today", "."),
            List.of("new", "line"));
  }

  @Test
  void blankTextHasNoSentencesAndBoundaryTokensCannotBeForged() {
    assertThat(Tokenizer.sentences("  \n\t ")).isEmpty();
    assertThat(Tokenizer.tokens("<s> </s> <unk>")).containsExactly("<", "s", ">", "<", "/", "s", ">", "<", "unk", ">");
  }

  @Test
  void unicodeLettersAndMarksStayInWordsAndCaseFoldingIsLocaleIndependent() {
    assertThat(Tokenizer.tokens("Chloé İstanbul naïve café’s")).containsExactly("chloé", "i̇stanbul", "naïve", "café’s");
  }

  @Test
  void detokenizeJoinsDigitsAndAttachesPunctuation() {
    assertThat(Tokenizer.detokenize(List.of("my", "pin", "is", "4", "9", "3", ",", "(", "ok", ")", "."))).isEqualTo("my pin is 493, (ok).");
    assertThat(Tokenizer.detokenize(List.of(Tokenizer.BOS, "a", Tokenizer.EOS))).isEqualTo("a");
  }
}
