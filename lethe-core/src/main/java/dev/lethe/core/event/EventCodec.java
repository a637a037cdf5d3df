package dev.lethe.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.LedgerEvent.ContentDeleted;
import dev.lethe.core.event.LedgerEvent.ContentPosted;
import dev.lethe.core.event.LedgerEvent.ErasureRequested;
import dev.lethe.core.event.LedgerEvent.GpcSignal;
import dev.lethe.core.event.LedgerEvent.MemberClosed;
import dev.lethe.core.event.LedgerEvent.MemberMoved;
import dev.lethe.core.event.LedgerEvent.MemberRegistered;
import dev.lethe.core.event.LedgerEvent.NoticeSent;
import dev.lethe.core.event.LedgerEvent.ObjectionDecided;
import dev.lethe.core.event.LedgerEvent.ObjectionFiled;
import dev.lethe.core.event.LedgerEvent.PolicyPublished;
import dev.lethe.core.event.LedgerEvent.Query;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import dev.lethe.core.policy.Rule;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Converts ledger events between their JSON form ({@code spec/consent-ledger.md}) and
 * {@link LedgerEvent} values.
 *
 * <p>Decoding checks everything a single event can get wrong on its own: the type, required
 * fields and their JSON types, instants, dates, country codes and enumerated words. References to
 * other events (members, objections, contents, purposes) are checked by the ledger, which sees
 * the events in applied order. Unknown fields are ignored here; callers that must keep them hold
 * on to the JSON object. Stateless and thread-safe.
 */
public final class EventCodec {

  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  /** Officially assigned ISO 3166-1 alpha-2 codes, as the JDK knows them. */
  private static final Set<String> ISO_COUNTRIES = Set.of(Locale.getISOCountries());
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private EventCodec() {}

  /**
   * Decodes one event.
   *
   * @param node the JSON value of one line
   * @return the event
   * @throws InvalidEventException naming the first problem found
   */
  public static LedgerEvent decode(JsonNode node) throws InvalidEventException {
    if (node == null || !node.isObject()) {
      throw new InvalidEventException("an event must be a JSON object");
    }
    Fields f = new Fields(node, "");
    String typeWord = f.string("type");
    EventType type =
        EventType.fromWord(typeWord)
            .orElseThrow(() -> new InvalidEventException("unknown event type \"" + typeWord + "\""));
    Instant at = f.instant("at");
    switch (type) {
      case POLICY_PUBLISHED:
        return new PolicyPublished(at, decodePolicy(f.object("policy")));
      case MEMBER_REGISTERED:
        if (f.has("name") && f.has("name_digest")) {
          throw new InvalidEventException(
              "\"name\" and \"name_digest\" exclude each other: a name digest is what erasure leaves in place of a name");
        }
        return new MemberRegistered(
            at, f.string("member"), f.country("country"), f.date("birth_date"), f.optionalString("name"),
            f.nameDigest("name_digest"));
      case MEMBER_MOVED:
        return new MemberMoved(at, f.string("member"), f.country("country"));
      case MEMBER_CLOSED:
        return new MemberClosed(at, f.string("member"));
      case NOTICE_SENT:
        return new NoticeSent(at, f.string("member"), f.string("policy_version"));
      case CONSENT_SET:
        return new ConsentSet(
            at,
            f.string("member"),
            f.string("purpose"),
            f.word("choice", Choice.values()),
            f.word("source", Source.values()));
      case GPC_SIGNAL:
        return new GpcSignal(at, f.string("member"));
      case OBJECTION_FILED:
        return new ObjectionFiled(
            at, f.string("objection"), f.string("member"), f.string("purpose"), f.string("reason"));
      case OBJECTION_DECIDED:
        return new ObjectionDecided(
            at, f.string("objection"), f.word("outcome", Outcome.values()), f.string("justification"));
      case ERASURE_REQUESTED:
        return new ErasureRequested(at, f.string("member"));
      case CONTENT_POSTED:
        return new ContentPosted(
            at,
            f.string("content"),
            f.string("member"),
            f.string("kind"),
            f.word("visibility", Visibility.values()),
            f.string("text"));
      case CONTENT_DELETED:
        return new ContentDeleted(at, f.string("content"));
      case QUERY:
        return new Query(at, f.string("member"), f.string("purpose"));
      default:
        throw new AssertionError(type);
    }
  }

  private static Policy decodePolicy(Fields p) throws InvalidEventException {
    String version = p.string("version");
    Instant effective = p.instant("effective");
    long noticeDays = p.nonNegativeInteger("notice_days");
    if (noticeDays > Policy.MAX_NOTICE_DAYS) {
      // Checked here, with the field's path, rather than left to the constructor: a policy that
      // would make every later decision fail must never enter the append-only ledger.
      throw new InvalidEventException(
          p.name("notice_days") + " must be at most " + Policy.MAX_NOTICE_DAYS + " (a longer period cannot be"
              + " subtracted from a decision's instant), not " + noticeDays);
    }
    Map<String, Set<String>> regions = new LinkedHashMap<>();
    Fields regionFields = p.object("regions");
    for (Iterator<Map.Entry<String, JsonNode>> it = regionFields.node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> region = it.next();
      regions.put(region.getKey(), regionFields.strings(region.getKey(), regionFields::checkCountry));
    }
    Map<String, PurposePolicy> purposes = new LinkedHashMap<>();
    Fields purposeFields = p.object("purposes");
    for (Iterator<String> it = purposeFields.node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      purposes.put(name, decodePurpose(purposeFields.object(name)));
    }
    return new Policy(version, effective, noticeDays, regions, purposes);
  }

  private static PurposePolicy decodePurpose(Fields p) throws InvalidEventException {
    String title = p.optionalString("title");
    Rule defaultRule = p.word("default", Rule.values());
    int minAge = Math.toIntExact(Math.min(p.nonNegativeInteger("min_age"), Integer.MAX_VALUE));
    boolean honorGpc = p.bool("honor_gpc");
    boolean retroactive = p.optionalBool("retroactive_withdrawal", false);
    boolean objectable = p.optionalBool("objectable", false);
    Set<String> kinds = p.strings("content_kinds", Function.identity());
    Set<Visibility> visibility = new LinkedHashSet<>();
    for (String word : p.strings("visibility", Function.identity())) {
      visibility.add(p.wordValue("visibility", word, Visibility.values()));
    }
    Map<String, Rule> rules = new LinkedHashMap<>();
    if (p.has("rules")) {
      Fields ruleFields = p.object("rules");
      for (Iterator<String> it = ruleFields.node.fieldNames(); it.hasNext(); ) {
        String region = it.next();
        rules.put(region, ruleFields.word(region, Rule.values()));
      }
    }
    return new PurposePolicy(
        title, defaultRule, minAge, honorGpc, retroactive, objectable, kinds, visibility, rules);
  }

  /**
   * Encodes an event in the ledger format, with keys in a fixed order ({@code type}, {@code at},
   * then the event's fields as the spec lists them).
   */
  public static ObjectNode encode(LedgerEvent event) {
    ObjectNode o = JSON.objectNode();
    o.put("type", event.type().word());
    o.put("at", Rfc3339.format(event.at()));
    if (event instanceof PolicyPublished e) {
      o.set("policy", encodePolicy(e.policy()));
    } else if (event instanceof MemberRegistered e) {
      o.put("member", e.member()).put("country", e.country()).put("birth_date", e.birthDate().toString());
      if (e.name() != null) {
        o.put("name", e.name());
      }
      if (e.nameDigest() != null) {
        o.put("name_digest", e.nameDigest().toString());
      }
    } else if (event instanceof MemberMoved e) {
      o.put("member", e.member()).put("country", e.country());
    } else if (event instanceof MemberClosed e) {
      o.put("member", e.member());
    } else if (event instanceof NoticeSent e) {
      o.put("member", e.member()).put("policy_version", e.policyVersion());
    } else if (event instanceof ConsentSet e) {
      o.put("member", e.member())
          .put("purpose", e.purpose())
          .put("choice", e.choice().word())
          .put("source", e.source().word());
    } else if (event instanceof GpcSignal e) {
      o.put("member", e.member());
    } else if (event instanceof ObjectionFiled e) {
      o.put("objection", e.objection())
          .put("member", e.member())
          .put("purpose", e.purpose())
          .put("reason", e.reason());
    } else if (event instanceof ObjectionDecided e) {
      o.put("objection", e.objection())
          .put("outcome", e.outcome().word())
          .put("justification", e.justification());
    } else if (event instanceof ErasureRequested e) {
      o.put("member", e.member());
    } else if (event instanceof ContentPosted e) {
      o.put("content", e.content())
          .put("member", e.member())
          .put("kind", e.kind())
          .put("visibility", e.visibility().word())
          .put("text", e.text());
    } else if (event instanceof ContentDeleted e) {
      o.put("content", e.content());
    } else if (event instanceof Query e) {
      o.put("member", e.member()).put("purpose", e.purpose());
    }
    return o;
  }

  private static ObjectNode encodePolicy(Policy policy) {
    ObjectNode o = JSON.objectNode();
    o.put("version", policy.version());
    o.put("effective", Rfc3339.format(policy.effective()));
    o.put("notice_days", policy.noticeDays());
    ObjectNode regions = o.putObject("regions");
    policy.regions().forEach((name, countries) -> {
      ArrayNode list = regions.putArray(name);
      countries.stream().sorted().forEach(list::add);
    });
    ObjectNode purposes = o.putObject("purposes");
    policy.purposes().forEach((name, p) -> {
      ObjectNode po = purposes.putObject(name);
      if (p.title() != null) {
        po.put("title", p.title());
      }
      po.put("default", p.defaultRule().word());
      po.put("min_age", p.minAge());
      po.put("honor_gpc", p.honorGpc());
      po.put("retroactive_withdrawal", p.retroactiveWithdrawal());
      po.put("objectable", p.objectable());
      ArrayNode kinds = po.putArray("content_kinds");
      p.contentKinds().stream().sorted().forEach(kinds::add);
      ArrayNode vis = po.putArray("visibility");
      p.visibility().stream().sorted().forEach(v -> vis.add(v.word()));
      ObjectNode rules = po.putObject("rules");
      p.rules().forEach((region, rule) -> rules.put(region, rule.word()));
    });
    return o;
  }

  /** Typed access to the fields of one JSON object, with problems named by field path. */
  private static final class Fields {
    private final JsonNode node;
    private final String path;

    Fields(JsonNode node, String path) {
      this.node = node;
      this.path = path;
    }

    private String name(String field) {
      return "\"" + path + field + "\"";
    }

    boolean has(String field) {
      return node.has(field) && !node.get(field).isNull();
    }

    private static String wellFormed(String name, String value) throws InvalidEventException {
      String problem = UnicodeText.problem(name, value);
      if (problem != null) {
        throw new InvalidEventException(problem);
      }
      return value;
    }

    private JsonNode required(String field) throws InvalidEventException {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        throw new InvalidEventException("missing required field " + name(field));
      }
      return value;
    }

    String string(String field) throws InvalidEventException {
      JsonNode value = required(field);
      if (!value.isTextual()) {
        throw new InvalidEventException(name(field) + " must be a string");
      }
      return wellFormed(name(field), value.textValue());
    }

    String optionalString(String field) throws InvalidEventException {
      return has(field) ? string(field) : null;
    }

    /** An optional erased-name digest ({@link NameDigest}); a malformed one is an error, never ignored. */
    NameDigest nameDigest(String field) throws InvalidEventException {
      String text = optionalString(field);
      if (text == null) {
        return null;
      }
      try {
        return NameDigest.parse(text);
      } catch (IllegalArgumentException e) {
        throw new InvalidEventException(name(field) + ": " + e.getMessage());
      }
    }

    Fields object(String field) throws InvalidEventException {
      JsonNode value = required(field);
      if (!value.isObject()) {
        throw new InvalidEventException(name(field) + " must be an object");
      }
      return new Fields(value, path + field + ".");
    }

    boolean bool(String field) throws InvalidEventException {
      JsonNode value = required(field);
      if (!value.isBoolean()) {
        throw new InvalidEventException(name(field) + " must be true or false");
      }
      return value.booleanValue();
    }

    boolean optionalBool(String field, boolean absent) throws InvalidEventException {
      return has(field) ? bool(field) : absent;
    }

    long nonNegativeInteger(String field) throws InvalidEventException {
      JsonNode value = required(field);
      if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
        throw new InvalidEventException(name(field) + " must be a whole number ≥ 0");
      }
      return value.longValue();
    }

    Instant instant(String field) throws InvalidEventException {
      String text = string(field);
      try {
        return Rfc3339.parseInstant(text);
      } catch (DateTimeException e) {
        throw new InvalidEventException(name(field) + ": " + e.getMessage());
      }
    }

    LocalDate date(String field) throws InvalidEventException {
      String text = string(field);
      try {
        return Rfc3339.parseDate(text);
      } catch (DateTimeException e) {
        throw new InvalidEventException(name(field) + ": " + e.getMessage());
      }
    }

    String country(String field) throws InvalidEventException {
      return checkCountry(string(field), field);
    }

    String checkCountry(String code, String field) throws InvalidEventException {
      if (!COUNTRY.matcher(code).matches()) {
        throw new InvalidEventException(
            name(field) + ": \"" + code + "\" is not an ISO 3166-1 alpha-2 country code (two capital letters)");
      }
      if (!ISO_COUNTRIES.contains(code)) {
        throw new InvalidEventException(
            name(field) + ": \"" + code + "\" is not an assigned ISO 3166-1 alpha-2 country code");
      }
      return code;
    }

    <E extends WireWord> E word(String field, E[] words) throws InvalidEventException {
      return wordValue(field, string(field), words);
    }

    <E extends WireWord> E wordValue(String field, String text, E[] words) throws InvalidEventException {
      Optional<E> value = WireWord.lookup(words, text);
      if (value.isEmpty()) {
        StringBuilder listed = new StringBuilder();
        for (E w : words) {
          listed.append(listed.length() == 0 ? "" : ", ").append(w.word());
        }
        throw new InvalidEventException(
            name(field) + ": \"" + text + "\" is not one of " + listed);
      }
      return value.get();
    }

    <T> Set<T> strings(String field, CheckedFunction<T> check) throws InvalidEventException {
      JsonNode value = required(field);
      if (!value.isArray()) {
        throw new InvalidEventException(name(field) + " must be an array of strings");
      }
      Set<T> result = new LinkedHashSet<>();
      for (JsonNode item : value) {
        if (!item.isTextual()) {
          throw new InvalidEventException(name(field) + " must be an array of strings");
        }
        result.add(check.apply(wellFormed(name(field), item.textValue()), field));
      }
      return result;
    }

    <T> Set<T> strings(String field, Function<String, T> map) throws InvalidEventException {
      return strings(field, (text, f) -> map.apply(text));
    }
  }

  @FunctionalInterface
  private interface CheckedFunction<T> {
    T apply(String text, String field) throws InvalidEventException;
  }
}
