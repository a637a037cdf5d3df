package dev.lethe.core.event;

import java.util.Optional;

/** Where a {@code consent.set} came from. */
public enum Source implements WireWord {
  SETTINGS("settings"),
  API("api"),
  ADMIN("admin"),
  IMPORT("import");

  private final String word;

  Source(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }

  /** The constant with the given wire word, or empty if the word is not one of the listed words. */
  public static Optional<Source> fromWord(String word) {
    return WireWord.lookup(values(), word);
  }
}
