package dev.lethe.core.event;

import java.util.Optional;

/** The outcome of an objection review. */
public enum Outcome implements WireWord {
  UPHELD("upheld"),
  REJECTED("rejected");

  private final String word;

  Outcome(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }

  /** The constant with the given wire word, or empty if the word is not one of the listed words. */
  public static Optional<Outcome> fromWord(String word) {
    return WireWord.lookup(values(), word);
  }
}
