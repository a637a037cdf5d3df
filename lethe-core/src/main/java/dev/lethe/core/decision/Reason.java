package dev.lethe.core.decision;

import dev.lethe.core.event.WireWord;
import java.util.Optional;

/** Why a decision came out as it did: one word per rule of the spec, in rule order. */
public enum Reason implements WireWord {
  /** Rule 1: the member is not registered at the decision instant. */
  UNKNOWN_MEMBER("unknown-member", false),
  /** Rule 2: the account was closed at or before the instant. */
  ACCOUNT_CLOSED("account-closed", false),
  /** Rule 3: erasure was requested at or before the instant. */
  ERASURE_REQUESTED("erasure-requested", false),
  /** Rule 4: no policy in force, or it does not define the purpose. */
  NO_POLICY("no-policy", false),
  /** Rule 5: the member's country is blocked for the purpose. */
  JURISDICTION_BLOCKED("jurisdiction-blocked", false),
  /** Rule 6: the member is younger than the purpose's minimum age. */
  MINOR("minor", false),
  /** Rule 7: an objection for the purpose is upheld. */
  OBJECTION_UPHELD("objection-upheld", false),
  /** Rule 8: the latest choice is a withdrawal. */
  WITHDRAWN("withdrawn", false),
  /** Rule 8: the latest choice is a Global Privacy Control signal. */
  GPC("gpc", false),
  /** Rule 8: the latest choice is a grant. */
  CONSENTED("consented", true),
  /** Rule 9: opt-in and no grant. */
  NO_CONSENT("no-consent", false),
  /** Rule 10: opt-out and the member was told in time. */
  DEFAULT_OPT_OUT("default-opt-out", true),
  /** Rule 10: opt-out but the notice period has not passed (or no notice was sent). */
  NOTICE_PENDING("notice-pending", false);

  private final String word;
  private final boolean allowed;

  Reason(String word, boolean allowed) {
    this.word = word;
    this.allowed = allowed;
  }

  @Override
  public String word() {
    return word;
  }

  /** Whether a decision with this reason allows the use. */
  public boolean allowed() {
    return allowed;
  }

  /** The reason with the given wire word, if any. */
  public static Optional<Reason> fromWord(String word) {
    return WireWord.lookup(values(), word);
  }
}
