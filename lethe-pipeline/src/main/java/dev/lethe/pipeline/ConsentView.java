package dev.lethe.pipeline;

import dev.lethe.core.decision.Decision;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The consent ledger as one snapshot sees it: the policy in force and each member's decision,
 * number, country and shard at the snapshot's as-of instant. Decisions are computed once per
 * member and cached; safe for concurrent use by the build's worker threads.
 *
 * <p>A view can also be made from precomputed gates ({@link #ofGates}), so that a distributed
 * engine can ship each worker a compact table of gates instead of the whole ledger, and still
 * run the same record-level step.
 */
public final class ConsentView {

  private final ConsentLedger ledger;
  private final String purpose;
  private final Instant asOf;
  private final Policy policy;
  private final PurposePolicy purposePolicy;
  private final ShardLayout layout;
  private final Function<String, MemberGate> source;
  private final ConcurrentHashMap<String, MemberGate> gates = new ConcurrentHashMap<>();

  private ConsentView(ConsentLedger ledger, String purpose, Instant asOf, int shardsPerGroup) {
    this.ledger = ledger;
    this.purpose = purpose;
    this.asOf = asOf;
    this.policy = ledger.policyAt(asOf).orElse(null);
    this.purposePolicy = policy == null ? null : policy.purpose(purpose).orElse(null);
    this.layout = ShardLayout.of(policy, shardsPerGroup);
    this.source = this::gate;
  }

  private ConsentView(String purpose, Instant asOf, Policy policy, int shardsPerGroup, Function<String, MemberGate> source) {
    this.ledger = null;
    this.purpose = purpose;
    this.asOf = asOf;
    this.policy = policy;
    this.purposePolicy = policy == null ? null : policy.purpose(purpose).orElse(null);
    this.layout = ShardLayout.of(policy, shardsPerGroup);
    this.source = source;
  }

  /** The view of {@code ledger} for a snapshot of {@code purpose} as of {@code asOf}. */
  public static ConsentView of(ConsentLedger ledger, String purpose, Instant asOf, int shardsPerGroup) {
    Objects.requireNonNull(ledger, "ledger");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(asOf, "asOf");
    return new ConsentView(ledger, purpose, asOf, shardsPerGroup);
  }

  /**
   * A view whose member gates come from {@code gates} instead of a ledger: it must answer, for
   * any member id, exactly what {@link #member} of the ledger's view for the same purpose, as-of
   * instant, policy and shard count answers (members the ledger never saw included). Each id is
   * asked at most once per view while its answer is cached.
   *
   * @param policy the policy in force at {@code asOf}, or null if none is
   */
  public static ConsentView ofGates(
      String purpose, Instant asOf, Policy policy, int shardsPerGroup, Function<String, MemberGate> gates) {
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(gates, "gates");
    return new ConsentView(purpose, asOf, policy, shardsPerGroup, gates);
  }

  /** The ledger this view reads, or null for a view made {@link #ofGates of gates}. */
  public ConsentLedger ledger() {
    return ledger;
  }

  public String purpose() {
    return purpose;
  }

  public Instant asOf() {
    return asOf;
  }

  /** The policy in force at the as-of instant, or null. */
  public Policy policy() {
    return policy;
  }

  /** The purpose's definition in that policy, or null when no policy defines it. */
  public PurposePolicy purposePolicy() {
    return purposePolicy;
  }

  public ShardLayout layout() {
    return layout;
  }

  /** What the snapshot needs to know about a member (also for members the ledger never saw). */
  public MemberGate member(String member) {
    return gates.computeIfAbsent(member, source);
  }

  private MemberGate gate(String member) {
    Decision decision = ledger.decide(member, purpose, asOf);
    String country = ledger.countryAt(member, asOf).orElse(null);
    int number = ledger.memberNumber(member).orElse(-1);
    int shard = layout.shardOf(member, country);
    return new MemberGate(decision, number, country, shard);
  }

  /**
   * One member at the as-of instant.
   *
   * @param number dense member number, or -1 if the ledger never registered the member
   * @param country country of residence, or null if not registered at the as-of instant
   * @param shard the shard the member's records go to
   */
  public record MemberGate(Decision decision, int number, String country, int shard) {}
}
