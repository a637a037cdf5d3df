package dev.lethe.unlearn.forget;

import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.pipeline.ForgetObligations;
import dev.lethe.pipeline.Hashing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Forget requests derived from the ledger, a pure function of its events up to {@code now}:
 *
 * <ul>
 *   <li>every {@code erasure.requested};
 *   <li>every withdrawal ({@code consent.set} {@code withdraw}, or a GPC signal the purpose
 *       honours) made while the policy in force says {@code retroactive_withdrawal};
 *   <li>for each policy version that takes effect at or before {@code now}, every member
 *       registered then whose country's rule for a purpose turns {@code blocked} at that instant.
 * </ul>
 *
 * Request ids are content hashes, so deriving again finds the same requests. Stateless.
 */
public final class ForgetRequests {

  private ForgetRequests() {}

  /** The id of a request: a hash of what it is about, so the same event yields the same id. */
  public static String id(String member, ForgetReason reason, String purpose, Instant receivedAt) {
    String key = member + "\n" + reason.word() + "\n" + (purpose == null ? "" : purpose) + "\n" + Rfc3339.format(receivedAt);
    return "fr-" + Hashing.sha256Hex(key).substring(0, 16);
  }

  /** A new pending request. */
  public static ForgetRequest pending(String member, ForgetReason reason, String purpose, Instant receivedAt) {
    return new ForgetRequest(id(member, reason, purpose, receivedAt), member, reason, purpose, receivedAt,
        ForgetRequest.deadlineFor(receivedAt), ForgetRequest.Status.PENDING, null);
  }

  /**
   * The requests the ledger gives rise to by {@code now}, by receipt then id.
   *
   * @param events the ledger's events, in any order
   */
  public static List<ForgetRequest> derive(List<? extends LedgerEvent> events, ConsentLedger ledger, Instant now) {
    // The rule itself is ForgetObligations', which snapshot builds apply too: one rule, so a build
    // never includes a member whom a forget request would take out again.
    Map<String, ForgetRequest> byId = new LinkedHashMap<>();
    for (ForgetObligations.Obligation o : ForgetObligations.derive(events, ledger, now)) {
      ForgetReason reason = ForgetReason.fromWord(o.reason().word()).orElseThrow();
      ForgetRequest r = pending(o.member(), reason, o.purpose(), o.receivedAt());
      byId.putIfAbsent(r.id(), r);
    }
    List<ForgetRequest> result = new ArrayList<>(byId.values());
    result.sort(Comparator.comparing(ForgetRequest::receivedAt).thenComparing(ForgetRequest::id));
    return result;
  }

  /**
   * Why a request cannot concern {@code purpose}, or null if it can (or {@code purpose} is null,
   * which means every purpose). A purpose no policy version in the ledger defines (a typo, say)
   * has no decisions and no snapshots, so a request for it could only ever "complete" without
   * touching the member's data: such a request is refused when it is made ({@code lethe forget})
   * and fails when it is run.
   */
  public static String purposeProblem(ConsentLedger ledger, String purpose) {
    TreeSet<String> defined = new TreeSet<>();
    ledger.policies().forEach(p -> defined.addAll(p.purposes().keySet()));
    return purposeProblem(defined, purpose);
  }

  /** As {@link #purposeProblem(ConsentLedger, String)}, given the purposes the ledger's policies define (sorted). */
  public static String purposeProblem(java.util.SortedSet<String> defined, String purpose) {
    if (purpose == null) {
      return null;
    }
    if (defined.contains(purpose)) {
      return null;
    }
    return "\"" + purpose + "\" is not defined by any policy in the ledger"
        + (defined.isEmpty() ? " (the ledger has no policy)" : " (defined: " + String.join(", ", defined) + ")");
  }
}
