package dev.lethe.pipeline;

import dev.lethe.redact.EntityType;
import dev.lethe.redact.Operator;
import dev.lethe.redact.RedactionPolicy;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A stable, human-readable description of a redaction policy, written into the manifest, and
 * its parser, so that a rebuild redacts exactly as the snapshot it re-creates did.
 */
public final class RedactionPolicies {

  private RedactionPolicies() {}

  /** The description, e.g. {@code default=placeholder; PERSON=pseudonym; drop-record-if=US_SSN}. */
  public static String describe(RedactionPolicy policy) {
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

  /**
   * The policy a description names.
   *
   * @throws IllegalArgumentException if the text is not a description this class writes
   */
  public static RedactionPolicy parse(String description) {
    Operator defaultOperator = null;
    Map<EntityType, Operator> operators = new java.util.EnumMap<>(EntityType.class);
    java.util.Set<EntityType> drop = java.util.EnumSet.noneOf(EntityType.class);
    for (String part : description.split(";")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("not a redaction policy: " + description);
      }
      String key = kv[0].trim();
      String value = kv[1].trim();
      if (key.equals("default")) {
        defaultOperator = Operator.valueOf(value.toUpperCase(java.util.Locale.ROOT));
      } else if (key.equals("drop-record-if")) {
        for (String type : value.split(",")) {
          drop.add(EntityType.valueOf(type.trim()));
        }
      } else {
        operators.put(EntityType.valueOf(key), Operator.valueOf(value.toUpperCase(java.util.Locale.ROOT)));
      }
    }
    if (defaultOperator == null) {
      throw new IllegalArgumentException("a redaction policy needs a default operator: " + description);
    }
    return new RedactionPolicy(defaultOperator, operators, drop);
  }

  /**
   * The policy a command line asks for: {@code pseudonymous} (people become keyed pseudonyms,
   * every other type a typed placeholder) or {@code placeholders}, plus the entity types whose
   * presence drops a record.
   *
   * @throws IllegalArgumentException naming the option and the value that is not understood
   */
  public static RedactionPolicy fromOptions(String mode, java.util.List<String> dropIf) {
    RedactionPolicy policy = switch (mode) {
      case "pseudonymous" -> RedactionPolicy.pseudonymousPeople();
      case "placeholders" -> RedactionPolicy.placeholders();
      default -> throw new IllegalArgumentException("--redaction: \"" + mode + "\" is not one of pseudonymous, placeholders");
    };
    for (String type : dropIf) {
      try {
        policy = policy.dropRecordIf(EntityType.valueOf(type.trim().toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--drop-if: \"" + type + "\" is not an entity type");
      }
    }
    return policy;
  }
}
