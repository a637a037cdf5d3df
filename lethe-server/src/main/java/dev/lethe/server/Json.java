package dev.lethe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** Reading request bodies and writing responses as JSON, with problems for bad input. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    MAPPER.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // Bodies are already capped in bytes; this also caps nesting so a small body cannot recurse deeply.
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
  }

  private Json() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** The request body as a JSON object, or a 400 problem. */
  static ObjectNode body(Context ctx) {
    String text = ctx.body();
    if (text.isBlank()) {
      throw ProblemException.badRequest("malformed-json", "the request needs a JSON object body");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      // Constraint violations (nesting too deep) carry no location.
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw ProblemException.badRequest("malformed-json", "the body is not valid JSON" + where);
    }
    if (node == null || !node.isObject()) {
      throw ProblemException.badRequest("malformed-json", "the body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** A required string field of a body, or a 422 problem. */
  static String text(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual()) {
      throw ProblemException.unprocessable("invalid-field", "field \"" + field + "\" must be a string");
    }
    return v.asText();
  }

  static void write(Context ctx, int status, JsonNode node) {
    ctx.status(status).contentType("application/json").result(node.toString());
  }

  static void write(Context ctx, JsonNode node) {
    write(ctx, 200, node);
  }
}
