package dev.lethe.redact;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a purpose wants each type redacted. Immutable; the "with" methods return modified copies.
 *
 * @param defaultOperator used for every type not listed in {@code operators}
 * @param operators per-type overrides
 * @param dropRecordIf types whose presence drops the whole record
 */
public record RedactionPolicy(
    Operator defaultOperator, Map<EntityType, Operator> operators, Set<EntityType> dropRecordIf) {

  public RedactionPolicy {
    Objects.requireNonNull(defaultOperator, "defaultOperator");
    operators = Collections.unmodifiableMap(copy(operators));
    dropRecordIf =
        Collections.unmodifiableSet(
            dropRecordIf.isEmpty() ? EnumSet.noneOf(EntityType.class) : EnumSet.copyOf(dropRecordIf));
  }

  private static Map<EntityType, Operator> copy(Map<EntityType, Operator> operators) {
    Map<EntityType, Operator> m = new EnumMap<>(EntityType.class);
    operators.forEach(
        (k, v) -> m.put(Objects.requireNonNull(k, "type"), Objects.requireNonNull(v, "operator")));
    return m;
  }

  /** Every type replaced by its typed placeholder. */
  public static RedactionPolicy placeholders() {
    return new RedactionPolicy(Operator.PLACEHOLDER, Map.of(), Set.of());
  }

  /** Placeholders, except that PERSON becomes a keyed pseudonym: the usual training setting. */
  public static RedactionPolicy pseudonymousPeople() {
    return placeholders().with(EntityType.PERSON, Operator.PSEUDONYM);
  }

  /** A copy that applies {@code operator} to {@code type}. */
  public RedactionPolicy with(EntityType type, Operator operator) {
    Map<EntityType, Operator> m = copy(operators);
    m.put(type, operator);
    return new RedactionPolicy(defaultOperator, m, dropRecordIf);
  }

  /** A copy that drops any record in which one of {@code types} is found. */
  public RedactionPolicy dropRecordIf(EntityType... types) {
    Set<EntityType> s = EnumSet.noneOf(EntityType.class);
    s.addAll(dropRecordIf);
    s.addAll(Set.of(types));
    return new RedactionPolicy(defaultOperator, operators, s);
  }

  /** The operator for {@code type}. */
  public Operator operatorFor(EntityType type) {
    return operators.getOrDefault(type, defaultOperator);
  }
}
