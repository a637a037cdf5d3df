package dev.lethe.core.event;

import java.util.Optional;

/** An enumerated value with a fixed word in the JSON Lines format. */
public interface WireWord {

  /** The word used on the wire. */
  String word();

  /** Finds the constant whose word is exactly {@code word} (case-sensitive). */
  static <E extends WireWord> Optional<E> lookup(E[] values, String word) {
    for (E value : values) {
      if (value.word().equals(word)) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }
}
