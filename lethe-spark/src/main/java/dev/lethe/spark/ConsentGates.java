package dev.lethe.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.decision.Reason;
import dev.lethe.core.event.EventCodec;
import dev.lethe.core.event.InvalidEventException;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.policy.Policy;
import dev.lethe.pipeline.ConsentView;
import dev.lethe.pipeline.ConsentView.MemberGate;
import dev.lethe.pipeline.ShardLayout;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The consent ledger reduced to what one snapshot's record step asks of it: for every member the
 * ledger registered, the decision for the purpose at the as-of instant, the dense member number,
 * the country and the shard, plus the policy in force. Built once on the driver from the
 * ledger's own {@link ConsentView}, shipped to executors (a few dozen bytes per member instead of
 * the whole event history, content texts included), and turned back into a {@link ConsentView}
 * there that answers exactly as the driver's view does. Immutable.
 */
final class ConsentGates implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String purpose;
  private final long asOfSecond;
  private final int asOfNano;
  /** The policy in force as a {@code policy.published} event (the ledger's own wire format), or null. */
  private final String policyEvent;
  private final String policyVersion;
  private final int shardsPerGroup;
  /** Registered member ids, sorted, for binary search. */
  private final String[] members;
  /** Per member: reason ordinal × 2 + (setting offered ? 1 : 0). */
  private final short[] decisions;
  private final int[] numbers;
  private final String[] countries;
  private final int[] shards;
  /** The decision, encoded as above, of every member the ledger never registered. */
  private final short unregistered;

  private ConsentGates(
      String purpose, Instant asOf, String policyEvent, String policyVersion, int shardsPerGroup, String[] members,
      short[] decisions, int[] numbers, String[] countries, int[] shards, short unregistered) {
    this.purpose = purpose;
    this.asOfSecond = asOf.getEpochSecond();
    this.asOfNano = asOf.getNano();
    this.policyEvent = policyEvent;
    this.policyVersion = policyVersion;
    this.shardsPerGroup = shardsPerGroup;
    this.members = members;
    this.decisions = decisions;
    this.numbers = numbers;
    this.countries = countries;
    this.shards = shards;
    this.unregistered = unregistered;
  }

  /** The gates of every member of {@code ledger} as {@code view} (a view of that ledger) sees them. */
  static ConsentGates of(ConsentLedger ledger, ConsentView view) {
    List<String> ids = ledger.memberIds();
    String[] members = ids.toArray(String[]::new);
    Arrays.sort(members); // memberIds() is sorted already; binary search must not depend on that
    short[] decisions = new short[members.length];
    int[] numbers = new int[members.length];
    String[] countries = new String[members.length];
    int[] shards = new int[members.length];
    // One String per distinct country, so serialization writes each country once.
    Map<String, String> canonical = new HashMap<>();
    for (int i = 0; i < members.length; i++) {
      MemberGate gate = view.member(members[i]);
      decisions[i] = encode(gate.decision());
      numbers[i] = gate.number();
      countries[i] = gate.country() == null ? null : canonical.computeIfAbsent(gate.country(), c -> c);
      shards[i] = gate.shard();
    }
    String probe = "\u0000unregistered";
    while (ledger.memberNumber(probe).isPresent()) {
      probe += "\u0000";
    }
    short unregistered = encode(ledger.decide(probe, view.purpose(), view.asOf()));
    Policy policy = view.policy();
    String policyEvent =
        policy == null
            ? null
            : EventCodec.encode(new LedgerEvent.PolicyPublished(policy.effective(), policy)).toString();
    return new ConsentGates(
        view.purpose(), view.asOf(), policyEvent, policy == null ? null : policy.version(),
        view.layout().shardsPerGroup(), members, decisions, numbers, countries, shards, unregistered);
  }

  /** Number of registered members in the table. */
  int size() {
    return members.length;
  }

  /**
   * A view answering as the view this table was made from.
   *
   * @throws IllegalStateException if the shipped policy does not read back
   */
  ConsentView view() {
    Policy policy = policy();
    ShardLayout layout = ShardLayout.of(policy, shardsPerGroup);
    Instant asOf = Instant.ofEpochSecond(asOfSecond, asOfNano);
    return ConsentView.ofGates(purpose, asOf, policy, shardsPerGroup, member -> gate(member, asOf, layout));
  }

  private MemberGate gate(String member, Instant asOf, ShardLayout layout) {
    int i = Arrays.binarySearch(members, member);
    if (i < 0) {
      // What the ledger's view answers for an id it never registered: no number, no country.
      return new MemberGate(decision(member, asOf, unregistered), -1, null, layout.shardOf(member, null));
    }
    return new MemberGate(decision(member, asOf, decisions[i]), numbers[i], countries[i], shards[i]);
  }

  private Decision decision(String member, Instant asOf, short code) {
    Reason reason = Reason.values()[code >> 1];
    return new Decision(member, purpose, asOf, reason, (code & 1) != 0, policyVersion);
  }

  private static short encode(Decision d) {
    return (short) (d.reason().ordinal() * 2 + (d.settingOffered() ? 1 : 0));
  }

  private Policy policy() {
    if (policyEvent == null) {
      return null;
    }
    try {
      LedgerEvent event = EventCodec.decode(new ObjectMapper().readTree(policyEvent));
      return ((LedgerEvent.PolicyPublished) event).policy();
    } catch (IOException | InvalidEventException | ClassCastException e) {
      throw new IllegalStateException("the shipped policy does not read back: " + e.getMessage(), e);
    }
  }
}
