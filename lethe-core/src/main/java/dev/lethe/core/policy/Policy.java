package dev.lethe.core.policy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One published policy version: regions, purposes and the rule of each country.
 *
 * <p>A policy governs from {@link #effective()} on, not from the instant it was published.
 * {@link #version()} is an opaque label. Instances are immutable and thread-safe.
 *
 * @param version opaque label that notices refer to
 * @param effective the instant from which the policy governs
 * @param noticeDays how many whole days before a decision a member must have been told of this
 *     version for an opt-out default to apply, from 0 to {@link #MAX_NOTICE_DAYS}
 * @param regions countries (ISO 3166-1 alpha-2) by region name
 * @param purposes purpose definitions by purpose id, in the order the policy lists them
 */
public record Policy(
    String version,
    Instant effective,
    long noticeDays,
    Map<String, Set<String>> regions,
    Map<String, PurposePolicy> purposes) {

  /**
   * The longest notice period a policy can state: 100,000,000,000 days. The spec sets no bound,
   * but every decision subtracts the period from its instant, and an unbounded one (up to 2^63-1
   * days) would overflow the instant and fail every later decision under that policy for good,
   * since the ledger is append-only. At this bound the period in seconds (8.64e15) subtracted from
   * the earliest instant RFC 3339 can write (year 0000) stays inside {@link Instant}'s range, so
   * reading a ledger never rejects a period that can be computed with. What a deployment accepts
   * from its administrators is a separate, tighter matter (lethe-server refuses more than ten
   * years when a policy is published).
   */
  public static final long MAX_NOTICE_DAYS = 100_000_000_000L;

  /**
   * @throws IllegalArgumentException if {@code noticeDays} is negative or above {@link
   *     #MAX_NOTICE_DAYS}
   */
  public Policy {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(effective, "effective");
    if (noticeDays < 0) {
      throw new IllegalArgumentException("noticeDays must not be negative: " + noticeDays);
    }
    if (noticeDays > MAX_NOTICE_DAYS) {
      throw new IllegalArgumentException("noticeDays must be at most " + MAX_NOTICE_DAYS + ": " + noticeDays);
    }
    Map<String, Set<String>> regionCopy = new LinkedHashMap<>();
    regions.forEach((name, countries) -> regionCopy.put(name, Set.copyOf(countries)));
    regions = java.util.Collections.unmodifiableMap(regionCopy);
    purposes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(purposes));
  }

  /** The purpose's definition, or empty if this version does not define it. */
  public Optional<PurposePolicy> purpose(String purpose) {
    return Optional.ofNullable(purposes.get(purpose));
  }

  /** Whether this version defines the purpose. */
  public boolean defines(String purpose) {
    return purposes.containsKey(purpose);
  }

  /**
   * The rule for a country under a purpose of this policy: the most restrictive rule of the
   * regions named in the purpose's {@code rules} that list the country, else the default.
   *
   * @throws IllegalArgumentException if this policy does not define the purpose
   */
  public Rule ruleFor(PurposePolicy purpose, String country) {
    Rule rule = null;
    for (Map.Entry<String, Rule> regionRule : purpose.rules().entrySet()) {
      Set<String> countries = regions.get(regionRule.getKey());
      if (countries != null && countries.contains(country)) {
        rule = rule == null ? regionRule.getValue() : Rule.mostRestrictive(rule, regionRule.getValue());
      }
    }
    return rule == null ? purpose.defaultRule() : rule;
  }

  /** The rule for a country under the named purpose. */
  public Optional<Rule> ruleFor(String purpose, String country) {
    return purpose(purpose).map(p -> ruleFor(p, country));
  }

  /** The notice period in seconds (whole days of 86,400 s); cannot overflow, given {@link #MAX_NOTICE_DAYS}. */
  public long noticeSeconds() {
    return noticeDays * 86_400L;
  }
}
