package dev.lethe.unlearn.forget;

import dev.lethe.core.event.WireWord;
import java.util.Optional;

/** Why a member must be forgotten. */
public enum ForgetReason implements WireWord {
  /** The member asked for erasure: always forgotten. */
  ERASURE("erasure"),
  /** The member withdrew (or sent an honoured GPC signal) under a policy with retroactive withdrawal. */
  WITHDRAWAL("withdrawal"),
  /** A new policy version blocks the member's region from its effective instant. */
  REGION_BLOCKED("region-blocked"),
  /** An operator asked for it ({@code lethe forget --member M}). */
  MANUAL("manual");

  private final String word;

  ForgetReason(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }

  public static Optional<ForgetReason> fromWord(String word) {
    return WireWord.lookup(values(), word);
  }
}
