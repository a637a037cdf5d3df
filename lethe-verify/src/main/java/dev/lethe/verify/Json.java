package dev.lethe.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson configuration of the verifier: strict reading, one JSON value per text. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private Json() {}

  /** Parses one JSON object, naming {@code where} in the failure. */
  static JsonNode object(String text, String where) throws VerificationFailure {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new VerificationFailure(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new VerificationFailure(where + ": not a JSON object");
    }
    return node;
  }

  /** A required non-negative integer field. */
  static long count(JsonNode object, String field, String where) throws VerificationFailure {
    JsonNode value = object.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
        || value.longValue() < 0) {
      throw new VerificationFailure(where + ": \"" + field + "\" must be a non-negative integer");
    }
    return value.longValue();
  }

  /** A required non-empty string field. */
  static String text(JsonNode object, String field, String where) throws VerificationFailure {
    JsonNode value = object.get(field);
    if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
      throw new VerificationFailure(where + ": \"" + field + "\" must be a non-empty string");
    }
    return value.textValue();
  }
}
