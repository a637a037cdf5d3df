package dev.lethe.core.policy;

import dev.lethe.core.event.WireWord;
import java.util.Optional;

/**
 * The rule a policy applies to a country for a purpose. Constants are declared from the least
 * to the most restrictive, so {@link #mostRestrictive} can compare ordinals.
 */
public enum Rule implements WireWord {
  /** Allowed unless the member says no (after notice). */
  OPT_OUT("opt-out"),
  /** Denied unless the member says yes. */
  OPT_IN("opt-in"),
  /** Never allowed, and the setting is not offered. */
  BLOCKED("blocked");

  private final String word;

  Rule(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }

  /** The more restrictive of two rules: {@code blocked} over {@code opt-in} over {@code opt-out}. */
  public static Rule mostRestrictive(Rule a, Rule b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /** The rule with the given wire word, or empty if the word is not one of the three. */
  public static Optional<Rule> fromWord(String word) {
    return WireWord.lookup(values(), word);
  }
}
