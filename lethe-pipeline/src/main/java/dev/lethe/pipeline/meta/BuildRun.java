package dev.lethe.pipeline.meta;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One snapshot build as lineage sees it: a run of a job that reads input datasets and writes one
 * output dataset. The same {@code BuildRun} is passed to every event of the run, so START, COMPLETE
 * and FAIL name the same run, job and datasets.
 *
 * @param runId the run's id; unique per build attempt
 * @param jobNamespace the job's namespace, e.g. {@code lethe}
 * @param jobName the job's name, e.g. {@code snapshot.genai-training}
 * @param inputs the datasets the build reads (content files, the consent ledger), in input order
 * @param output where the build publishes snapshots (the root directory): each snapshot is the
 *     dataset {@code output/<snapshot id>}, which the COMPLETE event names
 */
public record BuildRun(
    UUID runId, String jobNamespace, String jobName, List<Dataset> inputs, Dataset output) {

  /** The job namespace of snapshot builds. */
  public static final String NAMESPACE = "lethe";

  public BuildRun {
    Objects.requireNonNull(runId, "runId");
    requireText(jobNamespace, "jobNamespace");
    requireText(jobName, "jobName");
    inputs = List.copyOf(inputs);
    Objects.requireNonNull(output, "output");
  }

  /**
   * The run of {@code lethe build} for a purpose: job {@code lethe}/{@code snapshot.<purpose>},
   * local input files and a local output directory.
   */
  public static BuildRun snapshot(UUID runId, String purpose, List<Path> inputs, Path output) {
    requireText(purpose, "purpose");
    return new BuildRun(
        runId,
        NAMESPACE,
        "snapshot." + purpose,
        inputs.stream().map(Dataset::file).toList(),
        Dataset.file(output));
  }

  /** As {@link #snapshot(UUID, String, List, Path)}, with the consent ledger read as an input too. */
  public static BuildRun snapshot(UUID runId, String purpose, List<Path> inputs, Dataset ledger, Path output) {
    requireText(purpose, "purpose");
    List<Dataset> all = new java.util.ArrayList<>(inputs.stream().map(Dataset::file).toList());
    all.add(Objects.requireNonNull(ledger, "ledger"));
    return new BuildRun(runId, NAMESPACE, "snapshot." + purpose, all, Dataset.file(output));
  }

  /**
   * A dataset named as OpenLineage's naming conventions say: a namespace for the data source and a
   * name unique within it.
   *
   * @param namespace e.g. {@code file} for the local file system, {@code postgres://host:5432}
   * @param name e.g. an absolute path for {@code file}
   */
  public record Dataset(String namespace, String name) {
    public Dataset {
      requireText(namespace, "namespace");
      requireText(name, "name");
    }

    /** A local file or directory: namespace {@code file}, name its absolute normalized path. */
    public static Dataset file(Path path) {
      return new Dataset("file", path.toAbsolutePath().normalize().toString());
    }

    /**
     * The consent ledger of a store: an embedded store's database file in {@code dataDir}, or,
     * for a JDBC URL, the ledger table as OpenLineage names a PostgreSQL table ({@code
     * postgres://host:port}, {@code database.public.ledger_event}). Nothing of the URL's query
     * (a password, say) is put in the name.
     *
     * @param jdbcUrl the store's JDBC URL, or null for the embedded store in {@code dataDir}
     */
    public static Dataset ledger(String jdbcUrl, Path dataDir) {
      if (jdbcUrl == null) {
        return file(dataDir.resolve("ledger.mv.db"));
      }
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("jdbc:postgresql://([^/?#]+)/([^?#;]+).*").matcher(jdbcUrl);
      if (m.matches()) {
        String hostPort = m.group(1).contains(":") ? m.group(1) : m.group(1) + ":5432";
        return new Dataset("postgres://" + hostPort, m.group(2) + ".public.ledger_event");
      }
      int query = jdbcUrl.indexOf('?');
      return new Dataset("jdbc", (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query)) + "/ledger_event");
    }
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must be non-blank");
    }
  }
}
