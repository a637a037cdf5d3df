package dev.lethe.core.event;

import java.util.Optional;

/** An explicit choice in a {@code consent.set} event. */
public enum Choice implements WireWord {
  GRANT("grant"),
  WITHDRAW("withdraw");

  private final String word;

  Choice(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }

  /** The constant with the given wire word, or empty if the word is not one of the listed words. */
  public static Optional<Choice> fromWord(String word) {
    return WireWord.lookup(values(), word);
  }
}
