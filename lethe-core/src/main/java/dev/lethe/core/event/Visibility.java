package dev.lethe.core.event;

import java.util.Optional;

/** Who may see a piece of content. */
public enum Visibility implements WireWord {
  PUBLIC("public"),
  CONNECTIONS("connections"),
  PRIVATE("private");

  private final String word;

  Visibility(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }

  /** The constant with the given wire word, or empty if the word is not one of the listed words. */
  public static Optional<Visibility> fromWord(String word) {
    return WireWord.lookup(values(), word);
  }
}
