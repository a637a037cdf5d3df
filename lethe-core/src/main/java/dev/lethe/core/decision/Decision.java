package dev.lethe.core.decision;

import java.time.Instant;
import java.util.Objects;

/**
 * The answer to "may member M's data be used for purpose P at instant T?".
 *
 * @param member the member asked about
 * @param purpose the purpose asked about
 * @param at the decision instant
 * @param reason the first rule that applied; {@link Reason#allowed()} gives the outcome
 * @param settingOffered whether the member is registered, the policy defines the purpose and the
 *     member's country is not blocked (the member is shown a setting)
 * @param policyVersion version of the policy in force at {@code at}, or {@code null} if none is
 */
public record Decision(
    String member, String purpose, Instant at, Reason reason, boolean settingOffered, String policyVersion) {

  public Decision {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(reason, "reason");
  }

  /** Whether the use is allowed. */
  public boolean allowed() {
    return reason.allowed();
  }
}
