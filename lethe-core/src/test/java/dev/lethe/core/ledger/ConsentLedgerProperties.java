package dev.lethe.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.core.decision.Decision;
import dev.lethe.core.decision.Reason;
import dev.lethe.core.event.Choice;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.LedgerEvent.MemberMoved;
import dev.lethe.core.event.LedgerEvent.MemberRegistered;
import dev.lethe.core.event.LedgerEvent.PolicyPublished;
import dev.lethe.core.event.Source;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import dev.lethe.core.policy.Rule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Invariants of the decision rules over random valid ledgers. */
class ConsentLedgerProperties {

  private static final Set<Reason> BEFORE_CHOICE =
      EnumSet.of(
          Reason.UNKNOWN_MEMBER,
          Reason.ACCOUNT_CLOSED,
          Reason.ERASURE_REQUESTED,
          Reason.NO_POLICY,
          Reason.JURISDICTION_BLOCKED,
          Reason.MINOR,
          Reason.OBJECTION_UPHELD);

  private static List<Decision> decisions(ConsentLedger ledger, RandomLedger g, List<Instant> instants) {
    List<Decision> result = new ArrayList<>();
    for (Instant t : instants) {
      for (String member : g.queryMembers()) {
        for (String purpose : RandomLedger.queryPurposes()) {
          result.add(ledger.decide(member, purpose, t));
        }
      }
    }
    return result;
  }

  @Property(tries = 300)
  void eventsAfterTNeverChangeADecisionAtT(@ForAll long seed) throws LedgerException {
    RandomLedger g = RandomLedger.generate(seed, false);
    ConsentLedger full = ConsentLedger.of(g.events);
    for (Instant t : g.queryInstants()) {
      List<LedgerEvent> prefix = g.events.stream().filter(e -> !e.at().isAfter(t)).toList();
      ConsentLedger past = ConsentLedger.of(prefix);
      assertThat(decisions(past, g, List.of(t))).isEqualTo(decisions(full, g, List.of(t)));
    }
  }

  @Property(tries = 300)
  void fileOrderOfDistinctInstantsDoesNotMatter(@ForAll long seed) throws LedgerException {
    RandomLedger g = RandomLedger.generate(seed, true);
    List<LedgerEvent> shuffled = new ArrayList<>(g.events);
    Collections.shuffle(shuffled, new Random(seed));
    List<Instant> instants = g.queryInstants();
    assertThat(decisions(ConsentLedger.of(shuffled), g, instants))
        .isEqualTo(decisions(ConsentLedger.of(g.events), g, instants));
  }

  @Property(tries = 300)
  void aBlockedRuleNeverAllows(@ForAll long seed) throws LedgerException {
    RandomLedger g = RandomLedger.generate(seed, false);
    List<LedgerEvent> blocked = new ArrayList<>();
    for (LedgerEvent e : g.events) {
      blocked.add(e instanceof PolicyPublished p ? new PolicyPublished(p.at(), blockEverything(p.policy())) : e);
    }
    for (Decision d : decisions(ConsentLedger.of(blocked), g, g.queryInstants())) {
      assertThat(d.allowed()).as("%s", d).isFalse();
      assertThat(d.settingOffered()).as("%s", d).isFalse();
      assertThat(d.reason())
          .isIn(Reason.UNKNOWN_MEMBER, Reason.ACCOUNT_CLOSED, Reason.ERASURE_REQUESTED, Reason.NO_POLICY,
              Reason.JURISDICTION_BLOCKED);
    }
  }

  private static Policy blockEverything(Policy p) {
    Map<String, PurposePolicy> purposes = new LinkedHashMap<>();
    p.purposes().forEach((name, pp) -> {
      Map<String, Rule> rules = new LinkedHashMap<>();
      pp.rules().keySet().forEach(region -> rules.put(region, Rule.BLOCKED));
      purposes.put(name, new PurposePolicy(pp.title(), Rule.BLOCKED, pp.minAge(), pp.honorGpc(),
          pp.retroactiveWithdrawal(), pp.objectable(), pp.contentKinds(), pp.visibility(), rules));
    });
    return new Policy(p.version(), p.effective(), p.noticeDays(), p.regions(), purposes);
  }

  @Property(tries = 300)
  void theLatestExplicitChoiceWins(@ForAll long seed, @ForAll boolean grant) throws LedgerException {
    RandomLedger g = RandomLedger.generate(seed, false);
    Instant last = g.events.get(g.events.size() - 1).at();
    Choice choice = grant ? Choice.GRANT : Choice.WITHDRAW;
    List<LedgerEvent> events = new ArrayList<>(g.events);
    Instant at = last.plusSeconds(3_600);
    for (String member : g.members) {
      for (String purpose : RandomLedger.PURPOSES) {
        events.add(new ConsentSet(at, member, purpose, choice, Source.SETTINGS));
      }
    }
    ConsentLedger ledger = ConsentLedger.of(events);
    Reason expected = grant ? Reason.CONSENTED : Reason.WITHDRAWN;
    for (Instant t : List.of(at, at.plusSeconds(86_400L * 400))) {
      for (String member : g.members) {
        for (String purpose : RandomLedger.PURPOSES) {
          Reason reason = ledger.decide(member, purpose, t).reason();
          if (!BEFORE_CHOICE.contains(reason)) {
            assertThat(reason).as("%s %s at %s", member, purpose, t).isEqualTo(expected);
          }
        }
      }
    }
  }

  @Property(tries = 300)
  void settingIsOfferedExactlyWhenRegisteredDefinedAndNotBlocked(@ForAll long seed) throws LedgerException {
    RandomLedger g = RandomLedger.generate(seed, false);
    ConsentLedger ledger = ConsentLedger.of(g.events);
    for (Instant t : g.queryInstants()) {
      for (String member : g.queryMembers()) {
        String country = countryAt(g.events, member, t);
        for (String purpose : RandomLedger.queryPurposes()) {
          Decision d = ledger.decide(member, purpose, t);
          Policy policy = ledger.policyAt(t).orElse(null);
          boolean defined = policy != null && policy.defines(purpose);
          boolean blocked = defined && country != null && policy.ruleFor(purpose, country).orElseThrow() == Rule.BLOCKED;
          boolean offered = country != null && defined && !blocked;
          assertThat(d.settingOffered()).as("%s", d).isEqualTo(offered);
          if (d.allowed()) {
            assertThat(offered).as("allowed implies offered: %s", d).isTrue();
          }
        }
      }
    }
  }

  /** The member's country at t, from the events directly; null when not registered at t. */
  private static String countryAt(List<LedgerEvent> events, String member, Instant t) {
    String country = null;
    for (LedgerEvent e : events) {
      if (e.at().isAfter(t)) {
        break;
      }
      if (e instanceof MemberRegistered r && r.member().equals(member)) {
        country = r.country();
      } else if (e instanceof MemberMoved m && m.member().equals(member)) {
        country = m.country();
      }
    }
    return country;
  }
}
