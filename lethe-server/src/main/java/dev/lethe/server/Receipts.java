package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Choice;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Consent receipts in the Kantara Initiative Consent Receipt Specification v1.1 JSON form, one
 * per recorded choice. Lethe adds two extension fields the specification leaves room for:
 * {@code choice} (grant or withdraw) and {@code source}.
 */
final class Receipts {

  /** The specification's version string. */
  static final String VERSION = "KI-CR-v1.1.0";

  private Receipts() {}

  /**
   * The receipt of one choice.
   *
   * @param seq the event's append sequence number, which with the member's commitment makes the
   *     receipt id stable across requests
   * @param commitment the member's audit commitment, so receipt ids differ between deployments
   * @param policy the policy in force when the choice was made, or {@code null}
   */
  static ObjectNode receipt(ServerConfig.Controller controller, ConsentSet choice, long seq, String commitment, Policy policy) {
    ObjectNode r = Json.object();
    r.put("version", VERSION);
    r.put("jurisdiction", controller.jurisdiction());
    r.put("consentTimestamp", choice.at().getEpochSecond());
    r.put("collectionMethod", switch (choice.source()) {
      case SETTINGS -> "Data privacy settings page";
      case API -> "Platform API";
      case ADMIN -> "Changed by an administrator on the member's behalf";
      case IMPORT -> "Imported from an earlier consent system";
    });
    r.put("consentReceiptID",
        UUID.nameUUIDFromBytes((commitment + "/" + seq).getBytes(StandardCharsets.UTF_8)).toString());
    r.put("language", "en");
    r.put("piiPrincipalId", choice.member());
    ArrayNode controllers = r.putArray("piiControllers");
    ObjectNode c = controllers.addObject();
    c.put("piiController", controller.name());
    c.put("onBehalf", false);
    c.put("contact", controller.contact());
    c.put("address", controller.address());
    c.put("email", controller.email());
    c.put("phone", controller.phone());
    r.put("policyUrl", controller.policyUrl());
    ArrayNode services = r.putArray("services");
    ObjectNode service = services.addObject();
    service.put("service", "Lethe-governed AI training");
    ArrayNode purposes = service.putArray("purposes");
    ObjectNode p = purposes.addObject();
    PurposePolicy def = policy == null ? null : policy.purposes().get(choice.purpose());
    p.put("purpose", def != null && def.title() != null ? def.title() + " (" + choice.purpose() + ")" : choice.purpose());
    p.putArray("purposeCategory").add("Training of machine-learning models");
    p.put("consentType", "EXPLICIT");
    ArrayNode pii = p.putArray("piiCategory");
    if (def != null) {
      def.contentKinds().stream().sorted().forEach(k -> pii.add("Member content: " + k));
    } else {
      pii.add("Member content");
    }
    p.put("primaryPurpose", true);
    p.put("termination",
        choice.choice() == Choice.GRANT
            ? "Until withdrawn in the Data privacy settings"
            : "Withdrawn at " + Rfc3339.format(choice.at()));
    p.put("thirdPartyDisclosure", false);
    r.put("sensitive", false);
    r.putArray("spiCat");
    r.put("choice", choice.choice().word());
    r.put("source", choice.source().word());
    if (policy != null) {
      r.put("policyVersion", policy.version());
    }
    return r;
  }
}
