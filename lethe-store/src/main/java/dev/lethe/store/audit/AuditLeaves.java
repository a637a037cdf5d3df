package dev.lethe.store.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The bytes of audit leaves: RFC 8785 canonical JSON of a small object naming the leaf's kind.
 *
 * <p>A ledger event becomes {@code {"kind":"ledger.event","seq":N,"event":{...}}} where the event
 * keeps verbatim only the fields that carry no personal data (type, instant, policy, purpose,
 * choice, source, outcome, visibility, kind, policy version, country); every other field,
 * including {@code member}, names, texts, birth dates, objection and content ids and unknown
 * fields, is replaced by its {@link Commitments keyed commitment}. Other records become
 * {@code {"kind":K,"at":T,"record":{...}}}; {@value AuditKey#ROTATION_KIND} records are written only
 * by a key rotation. Thread-safe.
 */
public final class AuditLeaves {

  /** The kind of the leaf of an appended ledger event. */
  public static final String EVENT_KIND = "ledger.event";

  private static final Set<String> PUBLIC_FIELDS =
      Set.of("type", "at", "policy", "purpose", "choice", "source", "outcome", "visibility", "kind",
          "policy_version", "country");

  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private final Commitments commitments;

  public AuditLeaves(Commitments commitments) {
    this.commitments = Objects.requireNonNull(commitments, "commitments");
  }

  /** The commitments used for personal values. */
  public Commitments commitments() {
    return commitments;
  }

  /** The leaf of ledger event {@code seq} whose JSON (unknown fields included) is {@code event}. */
  public byte[] eventLeaf(long seq, ObjectNode event) {
    ObjectNode leaf = JsonNodeFactory.instance.objectNode();
    leaf.put("kind", EVENT_KIND);
    leaf.put("seq", seq);
    ObjectNode committed = leaf.putObject("event");
    for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (PUBLIC_FIELDS.contains(field.getKey())) {
        committed.set(field.getKey(), value);
      } else {
        committed.put(
            field.getKey(),
            value.isTextual()
                ? commitments.commit(value.textValue())
                : commitments.commit(canonical(value)));
      }
    }
    return canonical(leaf);
  }

  /**
   * The leaf of another audit record.
   *
   * @param kind dotted lower-case words, e.g. {@code snapshot.build}; never {@value #EVENT_KIND}
   *     or {@value AuditKey#ROTATION_KIND}
   * @param at the record's instant in RFC 3339
   * @param record the payload; personal values in it must already be commitments
   * @throws IllegalArgumentException if the kind is malformed or reserved
   */
  public byte[] recordLeaf(String kind, String at, ObjectNode record) {
    checkKind(kind);
    return leaf(kind, at, record);
  }

  /**
   * The leaf of a key rotation: {@code {"kind":"key.rotated","at":T,"record":{"old_key":V,
   * "new_key":W}}} with the verifier keys of the retired and the new key (plus {@code reason} if
   * the operator gave one).
   */
  public byte[] keyRotationLeaf(String at, ObjectNode record) {
    return leaf(AuditKey.ROTATION_KIND, at, record);
  }

  private static byte[] leaf(String kind, String at, ObjectNode record) {
    ObjectNode leaf = JsonNodeFactory.instance.objectNode();
    leaf.put("kind", kind);
    leaf.put("at", at);
    leaf.set("record", record);
    return canonical(leaf);
  }

  /** Checks a record kind. @throws IllegalArgumentException if malformed or reserved */
  public static void checkKind(String kind) {
    Objects.requireNonNull(kind, "kind");
    if (kind.length() > 64 || !KIND.matcher(kind).matches()) {
      throw new IllegalArgumentException(
          "an audit record kind is dotted lower-case words of at most 64 characters: \"" + kind + "\"");
    }
    if (kind.equals(EVENT_KIND)) {
      throw new IllegalArgumentException("\"" + EVENT_KIND + "\" leaves are written by appending events");
    }
    if (kind.equals(AuditKey.ROTATION_KIND)) {
      // A forged rotation record would make verifiers reject the log, or worse, accept a key.
      throw new IllegalArgumentException("\"" + AuditKey.ROTATION_KIND + "\" leaves are written by rotating the signing key");
    }
  }

  /** RFC 8785 canonical JSON of a value, in UTF-8. */
  public static byte[] canonical(JsonNode value) {
    try {
      return new JsonCanonicalizer(MAPPER.writeValueAsString(value)).getEncodedUTF8();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value cannot be written as JSON", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** RFC 8785 canonical JSON of a value, as a string. */
  public static String canonicalString(JsonNode value) {
    return new String(canonical(value), StandardCharsets.UTF_8);
  }
}
