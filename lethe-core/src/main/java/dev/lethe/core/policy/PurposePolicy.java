package dev.lethe.core.policy;

import dev.lethe.core.event.Visibility;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one policy version says about one purpose.
 *
 * @param title human-readable name of the setting; may be {@code null} when the policy gives none
 * @param defaultRule rule of every country that no region named in {@code rules} lists
 * @param minAge minimum age in whole years; {@code 0} means no limit
 * @param honorGpc whether a Global Privacy Control signal counts as an opt-out
 * @param retroactiveWithdrawal whether a withdrawal must also remove the member from trained models
 * @param objectable whether members may file objections for this purpose
 * @param contentKinds content kinds a snapshot for this purpose may include ({@code message} never is)
 * @param visibility visibilities a snapshot for this purpose may include
 * @param rules rule by region name
 */
public record PurposePolicy(
    String title,
    Rule defaultRule,
    int minAge,
    boolean honorGpc,
    boolean retroactiveWithdrawal,
    boolean objectable,
    Set<String> contentKinds,
    Set<Visibility> visibility,
    Map<String, Rule> rules) {

  /** The content kind that is never eligible, whatever a policy says. */
  public static final String PRIVATE_MESSAGE_KIND = "message";

  public PurposePolicy {
    Objects.requireNonNull(defaultRule, "defaultRule");
    if (minAge < 0) {
      throw new IllegalArgumentException("minAge must not be negative: " + minAge);
    }
    contentKinds = Set.copyOf(contentKinds);
    visibility = Set.copyOf(visibility);
    rules = Map.copyOf(rules);
  }

  /** Whether a snapshot for this purpose may include content of this kind and visibility. */
  public boolean admitsKind(String kind) {
    return !PRIVATE_MESSAGE_KIND.equals(kind) && contentKinds.contains(kind);
  }
}
