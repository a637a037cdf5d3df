package dev.lethe.pipeline;

import dev.lethe.redact.EntityType;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a build did with its records: how many it read, included and excluded (by reason), and
 * how many spans it redacted (by type). Counts from parts of the input (threads, partitions)
 * {@link #merge merge} into the counts of the whole, whatever the order. Serializable so a
 * distributed engine can ship partial counts; not thread-safe.
 */
public final class BuildCounts implements Serializable {

  private static final long serialVersionUID = 1L;

  private long records;
  private long included;
  private final TreeMap<String, Long> excluded = new TreeMap<>();
  private final TreeMap<EntityType, Long> redactions = new TreeMap<>();

  /** Counts one record's outcome. */
  public void add(RecordOutcome outcome) {
    records++;
    if (outcome instanceof RecordOutcome.Included in) {
      included++;
      in.redactions().forEach((type, n) -> redactions.merge(type, (long) n, Long::sum));
    } else if (outcome instanceof RecordOutcome.Excluded out) {
      excluded.merge(out.reason(), 1L, Long::sum);
    }
  }

  /** Adds {@code other}'s counts to these. */
  public void merge(BuildCounts other) {
    records += other.records;
    included += other.included;
    other.excluded.forEach((reason, n) -> excluded.merge(reason, n, Long::sum));
    other.redactions.forEach((type, n) -> redactions.merge(type, n, Long::sum));
  }

  /** Records seen (included or excluded; blank lines are not records). */
  public long records() {
    return records;
  }

  public long included() {
    return included;
  }

  /** Excluded records by reason, in reason order. */
  public SortedMap<String, Long> excluded() {
    return Collections.unmodifiableSortedMap(excluded);
  }

  /** Redacted spans by entity type name, in name order (as the manifest lists them). */
  public SortedMap<String, Long> redactions() {
    TreeMap<String, Long> byName = new TreeMap<>();
    redactions.forEach((type, n) -> byName.put(type.name(), n));
    return Collections.unmodifiableSortedMap(byName);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BuildCounts c
        && c.records == records
        && c.included == included
        && c.excluded.equals(excluded)
        && c.redactions.equals(redactions);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(records) * 31 + excluded.hashCode();
  }

  @Override
  public String toString() {
    return "BuildCounts[records=" + records + ", included=" + included + ", excluded=" + excluded
        + ", redactions=" + Map.copyOf(redactions) + "]";
  }
}
