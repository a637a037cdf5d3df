package dev.lethe.cli;

import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.SnapshotConflictException;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.pipeline.meta.BuildRun;
import dev.lethe.pipeline.meta.LineageEmitter;
import dev.lethe.redact.Detector;
import dev.lethe.pipeline.RedactionPolicies;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe build}: a consent-gated, redacted, member-sharded training snapshot. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Builds a training snapshot from the stored ledger and content exports.",
      "Every record is gated by the content-eligibility rule at --as-of, redacted, and written",
      "to its member's shard; the snapshot appears atomically as OUT/<snapshot id>/ with",
      "manifest.json, croissant.json, shard-NNNNN.jsonl.zst (or, with --format parquet,",
      "shard-NNNNN.parquet) and members-NNNNN.roaring files.",
      "The same inputs give a byte-identical snapshot. Prints the manifest summary as JSON."
    })
final class BuildCommand implements Callable<Integer> {

  @Option(names = "--purpose", required = true, paramLabel = "P", description = "Purpose, e.g. genai-training.")
  String purpose;

  @Option(names = "--as-of", required = true, paramLabel = "T", description = "Consent as-of instant (RFC 3339 with offset).")
  String asOf;

  @Option(names = "--content", paramLabel = "SRC", description = "Content export (JSON Lines); repeatable. The ledger's own content.posted events are always included.")
  List<Path> content = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "Snapshot directory (default: DATA/snapshots).")
  Path out;

  @Option(names = "--shards", paramLabel = "S", defaultValue = "4", description = "Shards per region group (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--format", paramLabel = "F", defaultValue = "jsonl", description = "Shard files: jsonl (zstd-compressed JSON Lines, the default) or parquet (ZSTD, columns content, kind, text).")
  String format;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
  Integer threads;

  @Option(names = "--redaction", paramLabel = "MODE", defaultValue = "pseudonymous",
      description = "pseudonymous (people become keyed pseudonyms, other types placeholders) or placeholders.")
  String redaction;

  @Option(names = "--drop-if", paramLabel = "TYPE", split = ",", description = "Drop a record when one of these entity types is found, e.g. CREDIT_CARD,US_SSN.")
  List<String> dropIf = new ArrayList<>();

  @Option(names = "--license", paramLabel = "TEXT", description = "Licence statement for the dataset metadata.")
  String license;

  @Option(names = "--lineage", paramLabel = "TARGET",
      description = "Where OpenLineage run events go: a file (JSON Lines, appended) or an http(s) URL of a "
          + "Marquez-compatible server (POST /api/v1/lineage). Default: OUT/openlineage.jsonl.")
  String lineage;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  BuildCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    Instant instant;
    try {
      instant = Rfc3339.parseInstant(asOf);
    } catch (DateTimeException e) {
      err.println("--as-of: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    ShardFormat shardFormat;
    try {
      shardFormat = ShardFormat.named(format);
    } catch (IllegalArgumentException e) {
      err.println("--format: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    for (Path file : content) {
      if (!Files.isRegularFile(file)) {
        err.println("--content: no such file: " + file);
        return Lethe.BAD_INPUT;
      }
    }
    RedactionPolicy policy;
    try {
      policy = redactionPolicy();
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return Lethe.BAD_INPUT;
    }
    if (shards < 1 || shards > 4096) {
      err.println("--shards: must be between 1 and 4096");
      return Lethe.BAD_INPUT;
    }
    int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (workers < 1) {
      err.println("--threads: must be at least 1");
      return Lethe.BAD_INPUT;
    }
    try (LedgerStore ledgerStore = store.open(clock)) {
      Path outDir = out != null ? out : SnapshotDirs.defaultDir(store);
      StoreSnapshots.StoredLedger stored = StoreSnapshots.load(ledgerStore);
      SnapshotRequest request = SnapshotRequest.builder(purpose, instant).content(content).outDir(outDir)
          .shardsPerGroup(shards).redaction(policy).deploymentKey(StoreSnapshots.deploymentKey(ledgerStore))
          .threads(workers).ledger("ledger", stored.sha256()).license(license).format(shardFormat).build();
      SnapshotResult result;
      try (LineageEmitter emitter = lineageEmitter(outDir)) {
        BuildRun run = BuildRun.snapshot(UUID.randomUUID(), purpose, content, outDir);
        emitter.start(run);
        try {
          result = SnapshotEngine.embedded(Detector.standard())
              .build(stored.ledger(), request, ProgressBars.forBuild("snapshot", quiet));
        } catch (IOException | RuntimeException e) {
          emitter.fail(run, e);
          throw e;
        }
        emitter.complete(run, result.metadata());
      }
      SnapshotDirs.register(ledgerStore, outDir); // where/forgetting must find snapshots outside DATA/snapshots
      long leaf = StoreSnapshots.audit(ledgerStore, result);
      PrintWriter outWriter = spec.commandLine().getOut();
      outWriter.println(summary(result, leaf));
      outWriter.flush();
      return CommandLine.ExitCode.OK;
    } catch (SnapshotConflictException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }

  private LineageEmitter lineageEmitter(Path outDir) throws IOException {
    if (lineage != null && (lineage.startsWith("http://") || lineage.startsWith("https://"))) {
      return LineageEmitter.toHttp(URI.create(lineage), Duration.ofSeconds(10), clock);
    }
    Path file = lineage != null ? Path.of(lineage) : outDir.resolve("openlineage.jsonl");
    Files.createDirectories(file.toAbsolutePath().getParent());
    return LineageEmitter.toFile(file, clock);
  }

  private RedactionPolicy redactionPolicy() {
    return RedactionPolicies.fromOptions(redaction, dropIf);
  }

  private static String summary(SnapshotResult result, long leaf) {
    return result.summaryJson().put("audit_leaf", leaf).toString();
  }
}
