package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LexiconTest {

  @Test
  void answersForEveryWordOfEachListInAnyCase() {
    for (String w : AddressScanner.STARTS) {
      assertThat(bits(w) & Lexicon.ADDRESS_START).as(w).isNotZero();
      assertThat(bits(w.toUpperCase(java.util.Locale.ROOT)) & Lexicon.ADDRESS_START).as(w).isNotZero();
    }
    for (String w : NameCues.FIRST_WORDS) {
      assertThat(bits(w) & Lexicon.NAME_CUE).as(w).isNotZero();
    }
    for (String w : PersonVeto.NOT_LIST_ITEMS) {
      assertThat(bits(w) & Lexicon.NOT_LIST_ITEM).as(w).isNotZero();
    }
    for (String w : AddressScanner.ZIP_CUES) {
      assertThat(bits(w) & Lexicon.ZIP_CUE).as(w).isNotZero();
    }
    assertThat(bits("Via") & ~Lexicon.COMMON_WORD).isEqualTo(Lexicon.ADDRESS_START);
    assertThat(bits("Dr") & ~Lexicon.COMMON_WORD).isEqualTo(Lexicon.NAME_CUE | Lexicon.NOT_LIST_ITEM);
    assertThat(bits("THE")).isEqualTo(Lexicon.COMMON_WORD);
  }

  @Test
  void commonWordsAreTheAsciiOnesOfTheList() {
    for (String w : dev.lethe.redact.nlp.CommonWords.words()) {
      boolean ascii = w.chars().allMatch(c -> c < 128);
      assertThat((bits(w) & Lexicon.COMMON_WORD) != 0).as(w).isEqualTo(ascii);
    }
  }

  @Test
  void ordinaryWordsAndNearMissesAreInNoList() {
    for (String w : new String[] {"the", "water", "Street1", "zipp", "pl", "ul.", "a", "", "internationally"}) {
      assertThat(bits(w) & ~Lexicon.COMMON_WORD).as(w).isZero();
    }
  }

  @Test
  void tokensOutsideAsciiMayBeInEveryList() {
    Tokens tk = Tokens.of("Zoë via the rue");
    assertThat(tk.mayBe(0, Lexicon.ADDRESS_START)).isTrue(); // not ASCII: the rules look it up
    assertThat(tk.mayBe(1, Lexicon.ADDRESS_START)).isTrue();
    assertThat(tk.mayBe(2, Lexicon.ADDRESS_START | Lexicon.NAME_CUE)).isFalse();
    assertThat(tk.mayBe(3, Lexicon.NAME_CUE)).isFalse();
  }

  private static int bits(String w) {
    String text = "(" + w + ")";
    return Lexicon.bits(text, 1, 1 + w.length());
  }
}
