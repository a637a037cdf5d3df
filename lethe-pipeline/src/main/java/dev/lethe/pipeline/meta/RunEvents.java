package dev.lethe.pipeline.meta;

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/**
 * Builds the RunEvents of a snapshot build with the OpenLineage client's builders. Pure: the event
 * time is an argument, so tests can build events without a transport or a clock.
 */
final class RunEvents {

  /** Producer URI of every event and facet Lethe emits. */
  static final URI PRODUCER = URI.create("https://lethe.dev/lethe/" + version());

  private static final Map<String, String> FIELD_DESCRIPTIONS =
      Map.of(
          "content", "The content id from the platform export.",
          "kind", "The content kind, e.g. post or comment.",
          "text", "The content text with personal data redacted.");

  private final OpenLineage ol = new OpenLineage(PRODUCER);

  RunEvent start(BuildRun run, ZonedDateTime eventTime) {
    // No output yet: the snapshot's dataset is named by its id, which only the finished build knows.
    return event(run, EventType.START, eventTime, ol.newRunFacetsBuilder().build(), null);
  }

  RunEvent complete(BuildRun run, SnapshotMetadata m, ZonedDateTime eventTime) {
    long bytes = m.shards().stream().mapToLong(SnapshotMetadata.Shard::bytes).sum();
    OpenLineage.DatasetFacets facets =
        ol.newDatasetFacetsBuilder()
            .schema(schema())
            .dataSource(ol.newDatasourceDatasetFacet(run.output().namespace(), dataSourceUri(run)))
            .put(LineageEmitter.CONSENT_FACET, new ConsentDatasetFacet(PRODUCER, m))
            .build();
    OpenLineage.OutputDatasetOutputFacets outputFacets =
        ol.newOutputDatasetOutputFacetsBuilder()
            .outputStatistics(
                ol.newOutputStatisticsOutputDatasetFacet(
                    m.included(), bytes, (long) m.shards().size()))
            .build();
    OpenLineage.OutputDataset output =
        ol.newOutputDatasetBuilder()
            .namespace(run.output().namespace())
            .name(snapshotName(run, m))
            .facets(facets)
            .outputFacets(outputFacets)
            .build();
    return event(run, EventType.COMPLETE, eventTime, ol.newRunFacetsBuilder().build(), output);
  }

  RunEvent fail(BuildRun run, Throwable cause, ZonedDateTime eventTime) {
    StringWriter trace = new StringWriter();
    cause.printStackTrace(new PrintWriter(trace));
    OpenLineage.RunFacets facets =
        ol.newRunFacetsBuilder()
            .errorMessage(ol.newErrorMessageRunFacet(cause.toString(), "JAVA", trace.toString()))
            .build();
    return event(run, EventType.FAIL, eventTime, facets, null);
  }

  private RunEvent event(
      BuildRun run,
      EventType type,
      ZonedDateTime eventTime,
      OpenLineage.RunFacets runFacets,
      OpenLineage.OutputDataset output) {
    List<OpenLineage.InputDataset> inputs =
        run.inputs().stream()
            .map(d -> ol.newInputDatasetBuilder().namespace(d.namespace()).name(d.name()).build())
            .toList();
    return ol.newRunEventBuilder()
        .eventType(type)
        .eventTime(eventTime)
        .run(ol.newRunBuilder().runId(run.runId()).facets(runFacets).build())
        .job(
            ol.newJobBuilder()
                .namespace(run.jobNamespace())
                .name(run.jobName())
                .facets(
                    ol.newJobFacetsBuilder()
                        .jobType(ol.newJobTypeJobFacet("BATCH", "LETHE", "SNAPSHOT", null))
                        .build())
                .build())
        .inputs(inputs)
        .outputs(output == null ? List.of() : List.of(output))
        .build();
  }

  /**
   * The published snapshot as a dataset: its directory under the output root, so that each
   * snapshot is a dataset of its own (a lineage graph of one dataset per root would merge them).
   */
  static String snapshotName(BuildRun run, SnapshotMetadata m) {
    String root = run.output().name();
    return (root.endsWith("/") ? root : root + "/") + m.snapshot();
  }

  private OpenLineage.SchemaDatasetFacet schema() {
    return ol.newSchemaDatasetFacet(
        CroissantMetadata.COLUMNS.stream()
            .map(
                c ->
                    ol.newSchemaDatasetFacetFieldsBuilder()
                        .name(c)
                        .type("string")
                        .description(FIELD_DESCRIPTIONS.get(c))
                        .build())
            .toList());
  }

  private static URI dataSourceUri(BuildRun run) {
    BuildRun.Dataset out = run.output();
    // A file dataset's source is the directory itself; other namespaces are URIs already.
    return "file".equals(out.namespace()) ? Path.of(out.name()).toUri() : URI.create(out.namespace());
  }

  private static String version() {
    // Set from the jar manifest when packaged; classes run from a build directory have none.
    String v = RunEvents.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "dev" : v;
  }
}
