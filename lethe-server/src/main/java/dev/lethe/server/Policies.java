package dev.lethe.server;

import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.PolicyPublished;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerException;
import dev.lethe.core.policy.Policy;
import dev.lethe.store.LedgerStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The published policies, kept in memory so member requests can list purposes and titles without
 * reading the whole ledger. The store stays the authority on decisions: when a decision names a
 * policy version other than the one this cache holds for that instant (another process published
 * one), the cache reloads.
 */
final class Policies {

  private final LedgerStore store;
  private volatile State state;

  private record State(List<PolicyPublished> events, List<Long> seqs, ConsentLedger ledger) {}

  Policies(LedgerStore store) {
    this.store = store;
    reload();
  }

  /** Rereads every policy from the store. */
  synchronized void reload() {
    List<PolicyPublished> events = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    long seq = 0;
    for (LedgerEvent e : LedgerView.exportedEvents(store)) {
      seq++; // the export is in append order, and append sequence numbers count from 1
      if (e instanceof PolicyPublished p) {
        events.add(p);
        seqs.add(seq);
      }
    }
    try {
      state = new State(List.copyOf(events), List.copyOf(seqs), ConsentLedger.of(events));
    } catch (LedgerException e) {
      throw new IllegalStateException("stored policies do not form a ledger: " + e.getMessage(), e);
    }
  }

  /** The policy in force at the instant. */
  Optional<Policy> at(Instant at) {
    return state.ledger.policyAt(at);
  }

  /** The policy in force at the instant, reloading first if the store decided under another version. */
  Optional<Policy> at(Instant at, String decidedVersion) {
    Optional<Policy> p = at(at);
    if (!Objects.equals(p.map(Policy::version).orElse(null), decidedVersion)) {
      reload();
      p = at(at);
    }
    return p;
  }

  /**
   * A ledger of the policies and the given events of one member (in append order), merged in
   * append order: the same events the store decides from for that member. Empty if lethe-core
   * rejects the combination (then the caller asks the store).
   */
  Optional<ConsentLedger> withMemberEvents(List<dev.lethe.store.StoredEvent> history) {
    try {
      return Optional.of(ConsentLedger.of(mergedWith(history)));
    } catch (LedgerException e) {
      return Optional.empty();
    }
  }

  /** The policy events and one member's events, merged in append order. */
  List<LedgerEvent> mergedWith(List<dev.lethe.store.StoredEvent> history) {
    State s = state;
    List<LedgerEvent> merged = new ArrayList<>(s.events.size() + history.size());
    int p = 0;
    for (dev.lethe.store.StoredEvent e : history) {
      while (p < s.events.size() && s.seqs.get(p) < e.seq()) {
        merged.add(s.events.get(p++));
      }
      merged.add(e.event());
    }
    while (p < s.events.size()) {
      merged.add(s.events.get(p++));
    }
    return merged;
  }

  /** Every published policy with its publication instant, in applied order. */
  List<PolicyPublished> published() {
    return state.events;
  }
}
