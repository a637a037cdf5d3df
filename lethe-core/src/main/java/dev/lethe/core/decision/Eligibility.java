package dev.lethe.core.decision;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which content a snapshot for a purpose at an instant may include, and why the rest is left out.
 *
 * @param purpose the snapshot's purpose
 * @param at the snapshot's as-of instant
 * @param policyVersion version in force at {@code at}, or {@code null}
 * @param included ids of included content, sorted
 * @param excluded number of excluded items by reason word (a {@link Reason} or {@link
 *     ContentExclusion} word), sorted by word; every excluded item is counted exactly once
 */
public record Eligibility(
    String purpose, Instant at, String policyVersion, List<String> included, SortedMap<String, Long> excluded) {

  public Eligibility {
    included = List.copyOf(included);
    excluded = Collections.unmodifiableSortedMap(new TreeMap<>(excluded));
  }

  /** Total number of excluded items. */
  public long excludedTotal() {
    return excluded.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The excluded count for one reason word, 0 if none. */
  public long excluded(String reasonWord) {
    return excluded.getOrDefault(reasonWord, 0L);
  }
}
