package dev.lethe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reading request bodies and writing responses as JSON, with problems for bad input. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    MAPPER.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // Bodies are already capped in bytes; this also caps nesting so a small body cannot recurse deeply.
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
  }

  /**
   * Reads request bodies: a key given twice is refused rather than letting the last one win
   * (a body saying both "grant" and "withdraw" has no one meaning).
   */
  private static final ObjectReader REQUEST_READER = MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

  /** Jackson's words for a repeated key (2.18+: 'Duplicate Object property "k"', before: "Duplicate field 'k'"). */
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:Object property|field) [\"'](.*)[\"']", Pattern.DOTALL);

  private Json() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /**
   * The request body as a JSON object with exactly the given fields (every field of an API body
   * is required): 415 unless the body is {@code application/json} in UTF-8, 400 for a body that
   * is not one JSON object or repeats a key, 422 naming each unknown and each missing field.
   */
  static ObjectNode body(Context ctx, String... fields) {
    requireJsonType(ctx);
    byte[] bytes = ctx.bodyAsBytes();
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw ProblemException.badRequest("malformed-json", "the request needs a JSON object body");
    }
    JsonNode node;
    try {
      node = REQUEST_READER.readTree(bytes);
    } catch (JsonProcessingException e) {
      Matcher duplicate = DUPLICATE.matcher(e.getOriginalMessage());
      if (duplicate.lookingAt()) {
        throw ProblemException.badRequest("duplicate-key", "the body gives the key \"" + duplicate.group(1) + "\" more than once");
      }
      // Constraint violations (nesting too deep) carry no location.
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw ProblemException.badRequest("malformed-json", "the body is not valid JSON" + where);
    } catch (java.io.IOException e) {
      throw ProblemException.badRequest("malformed-json", "the body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw ProblemException.badRequest("malformed-json", "the body must be a JSON object");
    }
    ObjectNode body = (ObjectNode) node;
    List<String> expected = Arrays.asList(fields);
    List<String> unknown = unknownFields(body, expected);
    List<String> missing = expected.stream().filter(f -> !body.has(f)).toList();
    if (!unknown.isEmpty() || !missing.isEmpty()) {
      List<String> parts = new ArrayList<>();
      if (!unknown.isEmpty()) {
        parts.add((unknown.size() == 1 ? "unknown field " : "unknown fields ") + quoted(unknown)
            + " (this request takes " + quoted(expected) + ")");
      }
      if (!missing.isEmpty()) {
        parts.add((missing.size() == 1 ? "field " : "fields ") + quoted(missing) + (missing.size() == 1 ? " is missing" : " are missing"));
      }
      throw ProblemException.unprocessable(unknown.isEmpty() ? "missing-field" : "unknown-field", String.join("; ", parts));
    }
    return body;
  }

  /**
   * Refuses (400) a body sent to an API request that takes none, so that nothing a caller meant
   * to say in it (say {@code {"confirm":false}}) is silently dropped.
   */
  static void noBody(Context ctx) {
    if (ctx.bodyAsBytes().length > 0) {
      throw ProblemException.badRequest("unexpected-body", "this request takes no body; send it without one");
    }
  }

  /** 415 unless the request says its body is JSON, in UTF-8 (the only encoding JSON allows between systems, RFC 8259). */
  private static void requireJsonType(Context ctx) {
    String type = ctx.header("Content-Type");
    if (type == null || type.isBlank()) {
      throw unsupported("the request has no Content-Type; send the body as application/json");
    }
    String[] parts = type.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      throw unsupported("the body is sent as " + parts[0].trim() + "; send it as application/json");
    }
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim();
      int eq = param.indexOf('=');
      String name = (eq < 0 ? param : param.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : param.substring(eq + 1).trim().replace("\"", "");
      if (name.equals("charset") && !value.equalsIgnoreCase("utf-8")) {
        throw unsupported("the body is sent in " + value + "; send it in utf-8");
      }
    }
  }

  private static ProblemException unsupported(String detail) {
    return new ProblemException(415, "unsupported-media-type", "Unsupported media type", detail);
  }

  /** The names of {@code object}'s fields that {@code allowed} does not hold, in the order given. */
  static List<String> unknownFields(JsonNode object, List<String> allowed) {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  static String quoted(List<String> names) {
    return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
  }

  /** A required string field of a body, or a 422 problem. */
  static String text(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null) {
      throw ProblemException.unprocessable("missing-field", "field \"" + field + "\" is missing");
    }
    if (!v.isTextual()) {
      throw ProblemException.unprocessable("invalid-field", "field \"" + field + "\" must be a string");
    }
    return v.asText();
  }

  static void write(Context ctx, int status, JsonNode node) {
    // Bytes, so the body is UTF-8 whatever the container assumes for the media type.
    ctx.status(status).contentType("application/json").result(node.toString().getBytes(StandardCharsets.UTF_8));
  }

  static void write(Context ctx, JsonNode node) {
    write(ctx, 200, node);
  }
}
