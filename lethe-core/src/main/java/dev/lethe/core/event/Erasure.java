package dev.lethe.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

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
 * <p>The display {@code name} becomes its {@code name_digest}, a keyed digest ({@link NameDigest})
 * under the deployment's {@link ErasedNameKey}. Snapshot builds find members' names in other
 * members' posts through the directory of registered names; without an entry there, an erased
 * member's name would reach every later training snapshot through what others wrote about them,
 * left to the statistical detectors alone. The digest keeps that protection while the name itself
 * leaves the store, its exports and its backups: a text matches it exactly where the name would
 * have matched, and nothing in the store tells what the name was. A name too short to look for
 * (one letter) leaves no digest.
 *
 * <p>Purging is idempotent, and the result is still a valid event of the same type. Stateless and
 * thread-safe.
 */
public final class Erasure {

  /** The value of every purged free-text field: {@value}. */
  public static final String MARKER = "[erased]";

  private static final Set<String> ALWAYS = Set.of("type", "at", "id");

  /** The field of a registration that holds its name's digest once purged. */
  public static final String NAME_DIGEST = "name_digest";

  /** Per event type: the fields kept as they are. */
  private static final Map<String, Set<String>> KEPT =
      Map.ofEntries(
          Map.entry("member.registered", Set.of("member", "country", "birth_date", NAME_DIGEST)),
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
   * The event as stored after its member's erasure: a new object, keys in the original order, the
   * {@code name} of a registration replaced by its {@code name_digest} in place.
   *
   * @param event one ledger event of a member (any event type but {@code policy.published})
   * @param key the deployment's key for erased-name digests
   * @throws IllegalArgumentException if the event has no known member-related {@code type}
   */
  public static ObjectNode purge(ObjectNode event, ErasedNameKey key) {
    Objects.requireNonNull(key, "key");
    return purge(event, TextNode.valueOf(MARKER),
        name -> key.digest(name).map(d -> (JsonNode) TextNode.valueOf(d.toString())).orElse(null));
  }

  /**
   * Applies the purge rule with other values in place of the marker and the name digest: a store
   * that keeps another form of an event (an audit leaf where values are commitments, say) uses it
   * to see that form purged the same way.
   *
   * @param event an object with the fields of one ledger event (values in any form)
   * @param marker what each purged free-text field becomes
   * @param nameDigest what a registration's {@code name} becomes (its value given), as the value
   *     of {@code name_digest}; null for no digest
   * @throws IllegalArgumentException if the event has no known member-related {@code type}
   */
  public static ObjectNode purge(ObjectNode event, JsonNode marker, Function<String, JsonNode> nameDigest) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(marker, "marker");
    Objects.requireNonNull(nameDigest, "nameDigest");
    JsonNode type = event.get("type");
    Set<String> kept = type != null && type.isTextual() ? KEPT.get(type.textValue()) : null;
    if (kept == null) {
      throw new IllegalArgumentException("not a member's event: type " + type);
    }
    String marked = MARKED.get(type.textValue());
    boolean registration = type.textValue().equals("member.registered");
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (ALWAYS.contains(name) || kept.contains(name)) {
        out.set(name, field.getValue().deepCopy());
      } else if (name.equals(marked)) {
        out.set(name, marker.deepCopy());
      } else if (registration && name.equals("name") && field.getValue().isTextual()) {
        JsonNode digest = nameDigest.apply(field.getValue().textValue());
        if (digest != null) {
          out.set(NAME_DIGEST, digest);
        }
      }
    }
    return out;
  }

  /** Whether a text is the marker a purge leaves, so never a member's words. */
  public static boolean isMarker(String text) {
    return MARKER.equals(text);
  }
}
