package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.event.Rfc3339;

/** The spec's JSON form of a decision (the output line of {@code lethe replay}). */
final class DecisionJson {

  private DecisionJson() {}

  static ObjectNode of(Decision d) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("member", d.member());
    o.put("purpose", d.purpose());
    o.put("at", Rfc3339.format(d.at()));
    o.put("allowed", d.allowed());
    o.put("reason", d.reason().word());
    o.put("setting_offered", d.settingOffered());
    o.put("policy_version", d.policyVersion());
    return o;
  }
}
