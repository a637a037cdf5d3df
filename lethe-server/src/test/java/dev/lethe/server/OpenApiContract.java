package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks live responses against the server's own {@code /openapi.json}: the status must be
 * documented for the operation, the media type must match, and the body must validate against
 * the documented JSON Schema (draft 2020-12, as OpenAPI 3.1 uses).
 */
final class OpenApiContract {

  private static final String BASE = "https://lethe.test/openapi.json";

  private final JsonNode doc;
  private final SchemaRegistry registry;
  private final List<Map.Entry<Pattern, String>> templates = new ArrayList<>();

  OpenApiContract(String openapiJson) throws Exception {
    doc = Json.MAPPER.readTree(openapiJson);
    assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
    registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b.schemas(Map.of(BASE, openapiJson)));
    for (Iterator<String> it = doc.get("paths").fieldNames(); it.hasNext(); ) {
      String template = it.next();
      templates.add(Map.entry(Pattern.compile(template.replaceAll("\\{[^}]+}", "[^/]+")), template));
    }
  }

  /** Asserts that the response conforms; returns the documented path template. */
  String check(String method, String path, int status, String contentType, String body) {
    String template = templates.stream().filter(e -> e.getKey().matcher(path).matches()).map(Map.Entry::getValue)
        .findFirst().orElse(null);
    if (template == null) {
      // Undocumented paths may only answer with problems.
      assertThat(status).as("status of undocumented %s %s", method, path).isGreaterThanOrEqualTo(400);
      assertProblem(contentType, body, status);
      return null;
    }
    JsonNode operation = doc.get("paths").get(template).get(method.toLowerCase());
    if (operation == null) {
      assertThat(status).as("%s on %s is not documented", method, template).isEqualTo(405);
      assertProblem(contentType, body, status);
      return template;
    }
    JsonNode response = operation.get("responses").get(Integer.toString(status));
    assertThat(response).as("status %d of %s %s is documented", status, method, template).isNotNull();
    if (response.has("$ref")) {
      response = resolve(response.get("$ref").asText());
    }
    String media = contentType == null ? "" : contentType.split(";")[0].trim();
    JsonNode content = response.path("content").get(media);
    assertThat(content).as("media type %s of %s %s %d is documented", media, method, template, status).isNotNull();
    if (media.endsWith("json")) {
      String ref = content.get("schema").get("$ref").asText();
      validate(ref, body, method + " " + path + " " + status);
    }
    return template;
  }

  private void assertProblem(String contentType, String body, int status) {
    assertThat(contentType).startsWith("application/problem+json");
    validate("#/components/schemas/Problem", body, "problem " + status);
  }

  private void validate(String ref, String body, String what) {
    Schema schema = registry.getSchema(SchemaLocation.of(BASE + ref));
    List<Error> errors = schema.validate(body, InputFormat.JSON);
    assertThat(errors).as("%s body %s against %s", what, body, ref).isEmpty();
  }

  private JsonNode resolve(String ref) {
    return doc.at(ref.substring(1));
  }

  /** Every (method, template) pair the document describes. */
  List<String> operations() {
    List<String> ops = new ArrayList<>();
    doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> ops.add(m.toUpperCase() + " " + p.getKey())));
    return ops;
  }
}
