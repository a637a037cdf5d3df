package dev.lethe.pipeline.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates Lethe's Croissant documents and OpenLineage events against the schema files shipped in
 * {@code src/test/resources/meta} (see the README there), offline: every schema IRI is answered from
 * those files, and an IRI without a local copy is an error rather than a network fetch.
 */
final class Schemas {

  private static final Pattern OPENLINEAGE_CORE =
      Pattern.compile("https://openlineage\\.io/spec/\\d+-\\d+-\\d+/OpenLineage\\.json");

  /** Which shipped schema validates a facet, by the facet's key in its facets object. */
  private static final Map<String, String> FACET_SCHEMAS =
      Map.of(
          "schema", "https://openlineage.io/spec/facets/1-0-0/SchemaDatasetFacet.json",
          "dataSource", "https://openlineage.io/spec/1-0-1/DatasourceDatasetFacet.json",
          "outputStatistics",
              "https://openlineage.io/spec/1-0-1/OutputStatisticsOutputDatasetFacet.json",
          "errorMessage", "https://openlineage.io/spec/facets/1-0-0/ErrorMessageRunFacet.json",
          "jobType", "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json",
          "lethe_consent", "https://lethe.dev/spec/facets/1-0-0/LetheConsentDatasetFacet.json");

  static final String CROISSANT =
      "https://lethe.dev/spec/croissant/1.0/croissant-1.0-rai.schema.json";

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12, b -> b.schemas(Schemas::localCopy));

  private Schemas() {}

  /** Errors of a RunEvent against the core spec and against each of its facets' schemas. */
  static List<String> runEventErrors(JsonNode event) {
    List<String> errors = new ArrayList<>(errors(OPENLINEAGE_CORE_IRI, event));
    facetErrors(event.path("run").path("facets"), errors);
    facetErrors(event.path("job").path("facets"), errors);
    for (JsonNode ds : event.path("inputs")) {
      facetErrors(ds.path("facets"), errors);
      facetErrors(ds.path("inputFacets"), errors);
    }
    for (JsonNode ds : event.path("outputs")) {
      facetErrors(ds.path("facets"), errors);
      facetErrors(ds.path("outputFacets"), errors);
    }
    return errors;
  }

  /** Errors of a Croissant document against the shipped Croissant 1.0 + RAI schema. */
  static List<String> croissantErrors(JsonNode doc) {
    return errors(CROISSANT, doc);
  }

  private static final String OPENLINEAGE_CORE_IRI = "https://openlineage.io/spec/2-0-2/OpenLineage.json";

  private static void facetErrors(JsonNode facets, List<String> errors) {
    for (Iterator<String> it = facets.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      String iri = FACET_SCHEMAS.get(key);
      if (iri == null) {
        errors.add("facet '" + key + "' has no shipped schema to validate it against");
      } else {
        errors.addAll(errors(iri, facets));
      }
    }
  }

  private static List<String> errors(String iri, JsonNode node) {
    Schema schema = REGISTRY.getSchema(SchemaLocation.of(iri));
    return schema.validate(node).stream().map(Error::toString).toList();
  }

  private static String localCopy(String iri) {
    String path;
    if (OPENLINEAGE_CORE.matcher(iri).matches()) {
      // Facet schemas of several spec versions $ref the core by their own version's IRI; the
      // definitions they use (BaseFacet, DatasetFacet, ...) are in the one shipped core file.
      path = "/meta/openlineage/OpenLineage.json";
    } else if (iri.startsWith("https://openlineage.io/spec/")) {
      path = "/meta/openlineage/facets/" + iri.substring(iri.lastIndexOf('/') + 1);
    } else if (iri.startsWith("https://lethe.dev/spec/facets/")) {
      path = "/meta/lethe/" + iri.substring(iri.lastIndexOf('/') + 1);
    } else if (iri.equals(CROISSANT)) {
      path = "/meta/croissant/croissant-1.0-rai.schema.json";
    } else if (iri.startsWith("https://json-schema.org/")) {
      return null; // the validator's built-in meta-schemas
    } else {
      throw new IllegalStateException("no local copy of schema " + iri);
    }
    try (InputStream in = Schemas.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + path + " for " + iri);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
