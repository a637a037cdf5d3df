package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.redact.EntityType;
import dev.lethe.redact.Operator;
import dev.lethe.redact.RedactionPolicy;
import org.junit.jupiter.api.Test;

class RedactionPoliciesTest {

  @Test
  void descriptionsParseBackToThePolicy() {
    RedactionPolicy policy = RedactionPolicy.pseudonymousPeople()
        .with(EntityType.EMAIL_ADDRESS, Operator.MASK).dropRecordIf(EntityType.US_SSN, EntityType.CREDIT_CARD);
    String text = RedactionPolicies.describe(policy);
    assertThat(text).isEqualTo("default=placeholder; EMAIL_ADDRESS=mask; PERSON=pseudonym; drop-record-if=CREDIT_CARD,US_SSN");
    assertThat(RedactionPolicies.parse(text)).isEqualTo(policy);
    assertThat(RedactionPolicies.parse(RedactionPolicies.describe(RedactionPolicy.placeholders())))
        .isEqualTo(RedactionPolicy.placeholders());
  }

  @Test
  void malformedDescriptionsAreRejected() {
    assertThatThrownBy(() -> RedactionPolicies.parse("PERSON=pseudonym")).hasMessageContaining("default operator");
    assertThatThrownBy(() -> RedactionPolicies.parse("nonsense")).isInstanceOf(IllegalArgumentException.class);
  }
}
