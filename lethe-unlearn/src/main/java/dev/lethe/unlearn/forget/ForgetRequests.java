package dev.lethe.unlearn.forget;

import dev.lethe.core.event.Choice;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.LedgerEvent.ErasureRequested;
import dev.lethe.core.event.LedgerEvent.GpcSignal;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import dev.lethe.core.policy.Rule;
import dev.lethe.pipeline.Hashing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    Map<String, ForgetRequest> byId = new LinkedHashMap<>();
    List<LedgerEvent> applied = new ArrayList<>(events);
    applied.sort(Comparator.comparing(LedgerEvent::at)); // stable: equal instants keep input order
    for (LedgerEvent e : applied) {
      if (e.at().isAfter(now)) {
        break;
      }
      if (e instanceof ErasureRequested erasure) {
        add(byId, pending(erasure.member(), ForgetReason.ERASURE, null, erasure.at()));
      } else if (e instanceof ConsentSet c && c.choice() == Choice.WITHDRAW && retroactive(ledger, c.purpose(), c.at())) {
        add(byId, pending(c.member(), ForgetReason.WITHDRAWAL, c.purpose(), c.at()));
      } else if (e instanceof GpcSignal g) {
        Optional<Policy> policy = ledger.policyAt(g.at());
        if (policy.isPresent()) {
          for (Map.Entry<String, PurposePolicy> p : new java.util.TreeMap<>(policy.get().purposes()).entrySet()) {
            if (p.getValue().honorGpc() && p.getValue().retroactiveWithdrawal()) {
              add(byId, pending(g.member(), ForgetReason.WITHDRAWAL, p.getKey(), g.at()));
            }
          }
        }
      }
    }
    regionBlocks(ledger, now).forEach(r -> add(byId, r));
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
    if (purpose == null) {
      return null;
    }
    TreeSet<String> defined = new TreeSet<>();
    ledger.policies().forEach(p -> defined.addAll(p.purposes().keySet()));
    if (defined.contains(purpose)) {
      return null;
    }
    return "\"" + purpose + "\" is not defined by any policy in the ledger"
        + (defined.isEmpty() ? " (the ledger has no policy)" : " (defined: " + String.join(", ", defined) + ")");
  }

  private static boolean retroactive(ConsentLedger ledger, String purpose, Instant at) {
    return ledger.policyAt(at).flatMap(p -> p.purpose(purpose)).map(PurposePolicy::retroactiveWithdrawal).orElse(false);
  }

  /** Members whose rule turns blocked when a policy version takes effect. */
  private static List<ForgetRequest> regionBlocks(ConsentLedger ledger, Instant now) {
    List<ForgetRequest> out = new ArrayList<>();
    TreeSet<Instant> effectives = new TreeSet<>();
    ledger.policies().forEach(p -> effectives.add(p.effective()));
    for (Instant effective : effectives) {
      if (effective.isAfter(now)) {
        break;
      }
      Optional<Policy> before = ledger.policyAt(effective.minusNanos(1));
      Optional<Policy> after = ledger.policyAt(effective);
      if (before.isEmpty() || after.isEmpty() || before.get() == after.get()) {
        continue;
      }
      for (String purpose : new TreeSet<>(after.get().purposes().keySet())) {
        if (!before.get().defines(purpose)) {
          continue;
        }
        for (String member : ledger.memberIds()) {
          Optional<String> country = ledger.countryAt(member, effective);
          if (country.isEmpty()) {
            continue;
          }
          Rule was = before.get().ruleFor(purpose, country.get()).orElseThrow();
          Rule is = after.get().ruleFor(purpose, country.get()).orElseThrow();
          if (was != Rule.BLOCKED && is == Rule.BLOCKED) {
            out.add(pending(member, ForgetReason.REGION_BLOCKED, purpose, effective));
          }
        }
      }
    }
    return out;
  }

  private static void add(Map<String, ForgetRequest> byId, ForgetRequest r) {
    byId.putIfAbsent(r.id(), r);
  }
}
