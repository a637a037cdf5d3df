package dev.lethe.core.decision;

import dev.lethe.core.event.Visibility;
import dev.lethe.core.policy.PurposePolicy;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The spec's content-eligibility rule for one item, shared by the ledger and the snapshot
 * engines so that every engine excludes the same items for the same reasons. Stateless.
 */
public final class ContentRule {

  private ContentRule() {}

  /**
   * Why an item is left out of a snapshot at {@code asOf}, or empty if it is included. Reasons,
   * first applicable wins: the decision's reason if denied; {@code not-yet-posted}; {@code
   * content-deleted}; {@code kind-excluded} (never {@code message}); {@code visibility-excluded}.
   *
   * @param decision the member's decision for the purpose at {@code asOf}
   * @param purpose the purpose's definition in the policy in force; may be null only when the
   *     decision is denied (no policy defines the purpose)
   * @param deletedAt when the author deleted the item, or null if never
   * @throws IllegalArgumentException if the decision allows but {@code purpose} is null
   */
  public static Optional<String> exclusion(
      Decision decision,
      PurposePolicy purpose,
      String kind,
      Visibility visibility,
      Instant postedAt,
      Instant deletedAt,
      Instant asOf) {
    if (!decision.allowed()) {
      return Optional.of(decision.reason().word());
    }
    if (purpose == null) {
      throw new IllegalArgumentException("an allowed decision needs the purpose's definition");
    }
    Objects.requireNonNull(postedAt, "postedAt");
    if (postedAt.isAfter(asOf)) {
      return Optional.of(ContentExclusion.NOT_YET_POSTED.word());
    }
    if (deletedAt != null && !deletedAt.isAfter(asOf)) {
      return Optional.of(ContentExclusion.CONTENT_DELETED.word());
    }
    if (!purpose.admitsKind(kind)) {
      return Optional.of(ContentExclusion.KIND_EXCLUDED.word());
    }
    if (!purpose.visibility().contains(visibility)) {
      return Optional.of(ContentExclusion.VISIBILITY_EXCLUDED.word());
    }
    return Optional.empty();
  }
}
