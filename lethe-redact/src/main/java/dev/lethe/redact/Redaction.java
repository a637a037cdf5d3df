package dev.lethe.redact;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of redacting one record. Immutable.
 *
 * @param text the redacted text; empty when the record was dropped
 * @param dropReason the type that caused the record to be dropped, if it was
 * @param counts number of detected spans per type (types not found are absent), for the manifest
 */
public record Redaction(String text, Optional<EntityType> dropReason, Map<EntityType, Integer> counts) {

  public Redaction {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(dropReason, "dropReason");
    Map<EntityType, Integer> m = new EnumMap<>(EntityType.class);
    m.putAll(counts);
    counts = Collections.unmodifiableMap(m);
  }

  /** Whether the policy dropped the record. */
  public boolean dropped() {
    return dropReason.isPresent();
  }
}
