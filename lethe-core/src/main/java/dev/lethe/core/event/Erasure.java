package dev.lethe.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What erasure leaves of a member's event: the purge rule a store applies to every stored event of
 * a member who asked for erasure.
 *
 * <p>An event keeps exactly what decisions need and what the controller must keep as its
 * compliance record: {@code type}, {@code at}, member, objection and content ids, country, birth
 * date, policy version, purpose, choice, source, outcome, content kind and visibility (a decision
 * is a pure function of the ledger up to an instant, so these must survive for historical
 * decisions to stay what they were), and {@code id}, the client id {@code lethe import} reads. The
 * free text the member (or a reviewer, about the member) wrote — a content's {@code text}, an
 * objection's {@code reason}, a decision's {@code justification} — becomes the {@link #MARKER},
 * so the event still has every field the format requires. Every unknown field is removed: its
 * content is unknown, so it is treated as personal.
 *
 * <p>The display {@code name} stays, as the member's entry on a suppression list. Snapshot builds
 * find members' names in other members' posts through the directory of registered names; without
 * it, an erased member's name would reach every later training snapshot through what others wrote
 * about them, left to the statistical detectors alone. Keeping the minimum needed to honour the
 * erasure is the controller's duty (Art. 17(1) and 17(3)(b)). The name stays in exports too, so a
 * store rebuilt from an export goes on honouring the erasure.
 *
 * <p>Purging is idempotent, and the result is still a valid event of the same type. Stateless and
 * thread-safe.
 */
public final class Erasure {

  /** The value of every purged free-text field: {@value}. */
  public static final String MARKER = "[erased]";

  private static final Set<String> ALWAYS = Set.of("type", "at", "id");

  /** Per event type: the fields kept as they are. */
  private static final Map<String, Set<String>> KEPT =
      Map.ofEntries(
          Map.entry("member.registered", Set.of("member", "country", "birth_date", "name")),
          Map.entry("member.moved", Set.of("member", "country")),
          Map.entry("member.closed", Set.of("member")),
          Map.entry("notice.sent", Set.of("member", "policy_version")),
          Map.entry("consent.set", Set.of("member", "purpose", "choice", "source")),
          Map.entry("gpc.signal", Set.of("member")),
          Map.entry("objection.filed", Set.of("objection", "member", "purpose")),
          Map.entry("objection.decided", Set.of("objection", "outcome")),
          Map.entry("erasure.requested", Set.of("member")),
          Map.entry("content.posted", Set.of("content", "member", "kind", "visibility")),
          Map.entry("content.deleted", Set.of("content")),
          Map.entry("query", Set.of("member", "purpose")));

  /** Per event type: the free-text field that becomes the marker, if any. */
  private static final Map<String, String> MARKED =
      Map.of("content.posted", "text", "objection.filed", "reason", "objection.decided", "justification");

  private Erasure() {}

  /**
   * The event as stored after its member's erasure: a new object, keys in the original order.
   *
   * @param event one ledger event of a member (any event type but {@code policy.published})
   * @throws IllegalArgumentException if the event has no known member-related {@code type}
   */
  public static ObjectNode purge(ObjectNode event) {
    return purge(event, TextNode.valueOf(MARKER));
  }

  /**
   * Applies the purge rule with another value in place of the marker: a store that keeps another
   * form of an event (an audit leaf where values are commitments, say) uses it to see that form
   * purged the same way.
   *
   * @param event an object with the fields of one ledger event (values in any form)
   * @param marker what each purged free-text field becomes
   * @throws IllegalArgumentException if the event has no known member-related {@code type}
   */
  public static ObjectNode purge(ObjectNode event, JsonNode marker) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(marker, "marker");
    JsonNode type = event.get("type");
    Set<String> kept = type != null && type.isTextual() ? KEPT.get(type.textValue()) : null;
    if (kept == null) {
      throw new IllegalArgumentException("not a member's event: type " + type);
    }
    String marked = MARKED.get(type.textValue());
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (ALWAYS.contains(name) || kept.contains(name)) {
        out.set(name, field.getValue().deepCopy());
      } else if (name.equals(marked)) {
        out.set(name, marker.deepCopy());
      }
    }
    return out;
  }

  /** Whether a text is the marker a purge leaves, so never a member's words. */
  public static boolean isMarker(String text) {
    return MARKER.equals(text);
  }
}
