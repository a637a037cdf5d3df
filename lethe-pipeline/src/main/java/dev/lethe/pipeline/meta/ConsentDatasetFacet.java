package dev.lethe.pipeline.meta;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.openlineage.client.OpenLineage;
import java.net.URI;
import java.util.SortedMap;

/**
 * Lethe's custom dataset facet {@code lethe_consent}: what consent state and redaction produced the
 * snapshot. OpenLineage requires custom facets to carry {@code _producer} and a {@code _schemaURL}
 * naming their schema; the schema is Lethe's {@code LetheConsentDatasetFacet.json}.
 */
@JsonPropertyOrder({
  "_producer",
  "_schemaURL",
  "snapshot",
  "purpose",
  "policyVersion",
  "asOf",
  "included",
  "excluded",
  "redactions"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
final class ConsentDatasetFacet extends OpenLineage.DefaultDatasetFacet {

  static final URI SCHEMA_URL =
      URI.create(
          "https://lethe.dev/spec/facets/1-0-0/LetheConsentDatasetFacet.json"
              + "#/$defs/LetheConsentDatasetFacet");

  private final SnapshotMetadata m;

  ConsentDatasetFacet(URI producer, SnapshotMetadata m) {
    super(producer, null);
    this.m = m;
  }

  @Override
  @JsonProperty("_schemaURL")
  public URI get_schemaURL() {
    return SCHEMA_URL;
  }

  @JsonProperty("snapshot")
  public String getSnapshot() {
    return m.snapshot();
  }

  @JsonProperty("purpose")
  public String getPurpose() {
    return m.purpose();
  }

  /** Null (and so absent) when no policy was in force at the as-of instant. */
  @JsonProperty("policyVersion")
  public String getPolicyVersion() {
    return m.policyVersion();
  }

  @JsonProperty("asOf")
  public String getAsOf() {
    return m.asOf().toString();
  }

  @JsonProperty("included")
  public long getIncluded() {
    return m.included();
  }

  @JsonProperty("excluded")
  public SortedMap<String, Long> getExcluded() {
    return m.excluded();
  }

  @JsonProperty("redactions")
  public SortedMap<String, Long> getRedactions() {
    return m.redactions();
  }
}
