package dev.lethe.pipeline;

import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A stable, human-readable description of a redaction policy, for the manifest. */
final class RedactionPolicies {

  private RedactionPolicies() {}

  static String describe(RedactionPolicy policy) {
    StringBuilder s = new StringBuilder("default=").append(policy.defaultOperator().name().toLowerCase());
    Map<String, String> overrides = new TreeMap<>();
    policy.operators().forEach((type, op) -> overrides.put(type.name(), op.name().toLowerCase()));
    overrides.forEach((type, op) -> s.append("; ").append(type).append('=').append(op));
    if (!policy.dropRecordIf().isEmpty()) {
      s.append("; drop-record-if=")
          .append(policy.dropRecordIf().stream().map(EntityType::name).sorted().collect(Collectors.joining(",")));
    }
    return s.toString();
  }
}
