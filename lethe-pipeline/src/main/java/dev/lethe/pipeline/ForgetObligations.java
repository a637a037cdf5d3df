package dev.lethe.pipeline;

import dev.lethe.core.event.Choice;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.LedgerEvent.ErasureRequested;
import dev.lethe.core.event.LedgerEvent.GpcSignal;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import dev.lethe.core.policy.Rule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The members whom forgetting obliges us to remove from training data, derived from the ledger:
 * a pure function of its events up to {@code now}. It is the rule behind lethe-unlearn's forget
 * requests (which add ids, deadlines and a queue to each obligation), kept here so that a
 * snapshot build, below lethe-unlearn, applies the very same rule:
 *
 * <ul>
 *   <li>every {@code erasure.requested} (every purpose);
 *   <li>every withdrawal ({@code consent.set} {@code withdraw}, or a GPC signal the purpose
 *       honours) made while the policy in force says {@code retroactive_withdrawal};
 *   <li>for each policy version that takes effect at or before {@code now}, every member
 *       registered then whose country's rule for a purpose turns {@code blocked} at that instant.
 * </ul>
 *
 * <p>A snapshot as of an instant before such an obligation was received would otherwise still
 * hold the member's data (the spec's decision at the as-of instant allows it), and the next forget
 * run would have to rebuild it at once: {@link #membersForgottenSince} names the members a build
 * leaves out for that reason. Stateless.
 */
public final class ForgetObligations {

  private ForgetObligations() {}

  /** Why a member must be forgotten; {@link #word()} is the word forget requests use. */
  public enum Reason {
    ERASURE("erasure"),
    WITHDRAWAL("withdrawal"),
    REGION_BLOCKED("region-blocked"),
    /** An operator's request ({@code lethe forget}), which the ledger does not record ({@link ManualForgets}). */
    MANUAL(ManualForgets.REASON);

    private final String word;

    Reason(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  /**
   * One obligation to forget a member.
   *
   * @param purpose the purpose concerned, or null for every purpose (an erasure)
   * @param receivedAt when the obligation arose (the event's instant, or a policy's effective one)
   */
  public record Obligation(String member, Reason reason, String purpose, Instant receivedAt) {
    public Obligation {
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** Whether it concerns {@code purpose} (an erasure concerns every purpose). */
    public boolean concerns(String purpose) {
      return this.purpose == null || this.purpose.equals(purpose);
    }
  }

  /**
   * The obligations the ledger gives rise to by {@code now}, without repeats: those of events in
   * applied order (by instant, equal instants in input order), then region blocks by effective
   * instant, purpose and the ledger's member order.
   *
   * @param events the ledger's events, in any order
   */
  public static List<Obligation> derive(List<? extends LedgerEvent> events, ConsentLedger ledger, Instant now) {
    LinkedHashSet<Obligation> out = new LinkedHashSet<>();
    List<LedgerEvent> applied = new ArrayList<>(events);
    applied.sort(Comparator.comparing(LedgerEvent::at)); // stable: equal instants keep input order
    for (LedgerEvent e : applied) {
      if (e.at().isAfter(now)) {
        break;
      }
      if (e instanceof ErasureRequested erasure) {
        out.add(new Obligation(erasure.member(), Reason.ERASURE, null, erasure.at()));
      } else if (e instanceof ConsentSet c && c.choice() == Choice.WITHDRAW && retroactive(ledger, c.purpose(), c.at())) {
        out.add(new Obligation(c.member(), Reason.WITHDRAWAL, c.purpose(), c.at()));
      } else if (e instanceof GpcSignal g) {
        Optional<Policy> policy = ledger.policyAt(g.at());
        if (policy.isPresent()) {
          for (Map.Entry<String, PurposePolicy> p : new TreeMap<>(policy.get().purposes()).entrySet()) {
            if (p.getValue().honorGpc() && p.getValue().retroactiveWithdrawal()) {
              out.add(new Obligation(g.member(), Reason.WITHDRAWAL, p.getKey(), g.at()));
            }
          }
        }
      }
    }
    out.addAll(regionBlocks(ledger, now));
    return List.copyOf(out);
  }

  /**
   * The members a snapshot of {@code purpose} as of {@code asOf} must leave out although the
   * decision at {@code asOf} may allow them: those of the obligations concerning the purpose
   * received after {@code asOf}. (Obligations received at or before it are already denied by the
   * decision at {@code asOf}.) Sorted by id.
   */
  public static SortedSet<String> membersForgottenSince(List<Obligation> obligations, String purpose, Instant asOf) {
    TreeSet<String> members = new TreeSet<>();
    for (Obligation o : obligations) {
      if (o.receivedAt().isAfter(asOf) && o.concerns(purpose)) {
        members.add(o.member());
      }
    }
    return members;
  }

  /** {@link #membersForgottenSince} of the obligations {@link #derive} gives by {@code now}. */
  public static SortedSet<String> membersForgottenSince(
      List<? extends LedgerEvent> events, ConsentLedger ledger, Instant now, String purpose, Instant asOf) {
    return membersForgottenSince(derive(events, ledger, now), purpose, asOf);
  }

  private static boolean retroactive(ConsentLedger ledger, String purpose, Instant at) {
    return ledger.policyAt(at).flatMap(p -> p.purpose(purpose)).map(PurposePolicy::retroactiveWithdrawal).orElse(false);
  }

  /** Members whose rule turns blocked when a policy version takes effect. */
  private static List<Obligation> regionBlocks(ConsentLedger ledger, Instant now) {
    List<Obligation> out = new ArrayList<>();
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
            out.add(new Obligation(member, Reason.REGION_BLOCKED, purpose, effective));
          }
        }
      }
    }
    return out;
  }
}
