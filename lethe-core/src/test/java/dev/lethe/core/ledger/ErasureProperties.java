package dev.lethe.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.Erasure;
import dev.lethe.core.event.EventCodec;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.PolicyPublished;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The purge rule of erasure leaves every decision as it was; only the free text and the name go. */
class ErasureProperties {
  private static final ErasedNameKey KEY = ErasedNameKey.derive("erasure-properties-secret".getBytes(StandardCharsets.UTF_8));

  @Property(tries = 200)
  void purgingEveryMemberEventChangesNoDecision(@ForAll long seed) throws Exception {
    RandomLedger g = RandomLedger.generate(seed, false);
    List<LedgerEvent> purged = new ArrayList<>();
    for (LedgerEvent e : g.events) {
      if (e instanceof PolicyPublished) {
        purged.add(e);
        continue;
      }
      ObjectNode once = Erasure.purge(EventCodec.encode(e), KEY);
      assertThat(Erasure.purge(once, KEY)).as("idempotent").isEqualTo(once);
      purged.add(EventCodec.decode(once));
    }
    ConsentLedger original = ConsentLedger.of(g.events);
    ConsentLedger erased = ConsentLedger.of(purged);
    for (Instant t : g.queryInstants()) {
      for (String member : g.queryMembers()) {
        for (String purpose : RandomLedger.queryPurposes()) {
          assertThat(erased.decide(member, purpose, t)).isEqualTo(original.decide(member, purpose, t));
        }
      }
    }
  }

  @Example
  void freeTextBecomesTheMarkerUnknownFieldsGoTheNameBecomesItsDigest() throws Exception {
    ObjectNode registered = json("{\"type\":\"member.registered\",\"at\":\"2024-01-01T00:00:00Z\",\"member\":\"m1\","
        + "\"country\":\"GB\",\"birth_date\":\"1990-02-03\",\"name\":\"Jane Roe\",\"id\":\"reg-1\",\"x-note\":{\"phone\":\"+44 20 7946 0000\"}}");
    String digest = KEY.digest("Jane Roe").orElseThrow().toString();
    ObjectNode purged = Erasure.purge(registered, KEY);
    assertThat(purged).isEqualTo(json("{\"type\":\"member.registered\",\"at\":\"2024-01-01T00:00:00Z\","
        + "\"member\":\"m1\",\"country\":\"GB\",\"birth_date\":\"1990-02-03\",\"name_digest\":\"" + digest + "\",\"id\":\"reg-1\"}"));
    assertThat(purged.toString()).doesNotContain("Jane").doesNotContain("Roe");
    assertThat(Erasure.purge(purged, KEY)).as("idempotent").isEqualTo(purged);
    LedgerEvent.MemberRegistered decoded = (LedgerEvent.MemberRegistered) EventCodec.decode(purged);
    assertThat(decoded.name()).isNull();
    assertThat(decoded.nameDigest()).isEqualTo(KEY.digest("jane  ROE").orElseThrow());
    assertThat(EventCodec.encode(decoded)).isEqualTo(json("{\"type\":\"member.registered\",\"at\":\"2024-01-01T00:00:00Z\","
        + "\"member\":\"m1\",\"country\":\"GB\",\"birth_date\":\"1990-02-03\",\"name_digest\":\"" + digest + "\"}"));
    assertThat(ConsentLedger.of(List.of(decoded)).erasedNameDigests()).containsExactly(decoded.nameDigest());
    assertThat(ConsentLedger.of(List.of(decoded)).memberNames()).isEmpty();
    // A one-letter name is never looked for, so it leaves no digest either.
    assertThat(Erasure.purge(json("{\"type\":\"member.registered\",\"at\":\"2024-01-01T00:00:00Z\",\"member\":\"m2\","
        + "\"country\":\"GB\",\"birth_date\":\"1990-02-03\",\"name\":\" Q \"}"), KEY).has("name_digest")).isFalse();
    ObjectNode posted = json("{\"type\":\"content.posted\",\"at\":\"2024-01-02T00:00:00Z\",\"content\":\"c1\",\"member\":\"m1\","
        + "\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"call me on 07700 900123\"}");
    ObjectNode purgedPost = Erasure.purge(posted, KEY);
    assertThat(purgedPost.get("text").textValue()).isEqualTo(Erasure.MARKER);
    assertThat(Erasure.isMarker(purgedPost.get("text").textValue())).isTrue();
    assertThat(EventCodec.decode(purgedPost)).isInstanceOf(LedgerEvent.ContentPosted.class);
    assertThat(Erasure.purge(json("{\"type\":\"objection.filed\",\"at\":\"2024-01-03T00:00:00Z\",\"objection\":\"o1\","
        + "\"member\":\"m1\",\"purpose\":\"p\",\"reason\":\"my health\"}"), KEY).get("reason").textValue()).isEqualTo(Erasure.MARKER);
    assertThat(Erasure.purge(json("{\"type\":\"objection.decided\",\"at\":\"2024-01-04T00:00:00Z\",\"objection\":\"o1\","
        + "\"outcome\":\"upheld\",\"justification\":\"she is ill\"}"), KEY).get("justification").textValue()).isEqualTo(Erasure.MARKER);
    assertThatThrownBy(() -> Erasure.purge(json("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{}}"), KEY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) LedgerReader.mapper().readTree(s);
  }
}
