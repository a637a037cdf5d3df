package dev.lethe.cli;

import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.pipeline.BuildChecks;
import dev.lethe.pipeline.SnapshotBuilds;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.Deployments;
import dev.lethe.pipeline.ForeignSnapshotsException;
import dev.lethe.pipeline.ForgetObligations;
import dev.lethe.pipeline.ManualForgets;
import dev.lethe.pipeline.SnapshotConflictException;
import dev.lethe.pipeline.SnapshotRetiredException;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.pipeline.UnreadableReport;
import dev.lethe.pipeline.meta.BuildRun;
import dev.lethe.pipeline.meta.LineageEmitter;
import dev.lethe.pipeline.RedactionPolicies;
import dev.lethe.redact.Detector;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import io.openlineage.client.OpenLineageClientException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
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
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Builds a training snapshot from the stored ledger and content exports.",
      "",
      "Every record is gated by the content-eligibility rule at --as-of, redacted, and written to its member's"
          + " shard; the snapshot appears atomically as OUT/<snapshot id>/ with manifest.json, croissant.json,"
          + " shard-NNNNN.jsonl.zst (or, with --format parquet, shard-NNNNN.parquet) and members-NNNNN.roaring."
          + " The same inputs give a byte-identical snapshot. Prints the summary as JSON.",
      "",
      "Exit status 2, with nothing built, for a bad option: --as-of after now, a --purpose the policy in force"
          + " does not define, an --out or --content that is not a directory or a file. Exit status 1 when the"
          + " environment fails: the store is in use or unreachable, or the lineage target refuses, or the"
          + " published snapshot of the same id is damaged. Exit status 4 when the same inputs give a snapshot"
          + " that forgetting retired (FORGOTTEN.json): the message names the snapshot that replaces it."
    })
final class BuildCommand implements Callable<Integer> {

  /**
   * Exit status of a build whose snapshot forgetting retired and replaced: not damage (1) and
   * not bad input (2), so that a script re-running a fixed build can tell it apart.
   */
  static final int RETIRED_BY_FORGETTING = 4;

  /** The manifest's name for the stored ledger's export among the inputs. */
  private static final String LEDGER_INPUT = "ledger";


  @Option(names = "--purpose", required = true, paramLabel = "P",
      description = "Purpose, e.g. genai-training. The policy in force at --as-of must define it; before any policy is in "
          + "force, some policy in the ledger must, and nothing is then eligible. Otherwise exit 2.")
  String purpose;

  @Option(names = "--as-of", required = true, paramLabel = "T", description = "Consent as-of instant (RFC 3339 with offset), not after now.")
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

  @Option(names = "--quiet", description = "No progress bar (it is drawn on stderr, and only when stderr is a terminal).")
  boolean quiet;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final Duration LINEAGE_TIMEOUT = Duration.ofSeconds(10);

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
      err.println("lethe: --as-of: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    String asOfProblem = BuildChecks.asOfProblem(instant, clock.instant());
    if (asOfProblem != null) {
      err.println("lethe: --as-of: " + asOfProblem);
      return Lethe.BAD_INPUT;
    }
    ShardFormat shardFormat;
    try {
      shardFormat = ShardFormat.named(format);
    } catch (IllegalArgumentException e) {
      err.println("lethe: --format: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    for (Path file : content) {
      String problem = contentProblem(file);
      if (problem != null) {
        err.println("lethe: --content " + file + ": " + problem);
        return Lethe.BAD_INPUT;
      }
    }
    String names = SnapshotBuilds.inputNameProblem(LEDGER_INPUT, content.stream().map(f -> f.getFileName().toString()).toList());
    if (names != null) {
      err.println("lethe: --content: " + names);
      return Lethe.BAD_INPUT;
    }
    RedactionPolicy policy;
    try {
      policy = redactionPolicy();
    } catch (IllegalArgumentException e) {
      err.println("lethe: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    if (shards < 1 || shards > 4096) {
      err.println("lethe: --shards: must be between 1 and 4096");
      return Lethe.BAD_INPUT;
    }
    int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (workers < 1) {
      err.println("lethe: --threads: must be at least 1");
      return Lethe.BAD_INPUT;
    }
    Path outDir = out != null ? out : SnapshotDirs.defaultDir(store);
    String outProblem = directoryProblem(outDir);
    if (outProblem != null) {
      err.println("lethe: --out " + outDir + ": " + outProblem);
      return Lethe.BAD_INPUT;
    }
    URI lineageUrl = null;
    if (isUrl(lineage)) {
      try {
        lineageUrl = new URI(lineage);
      } catch (URISyntaxException e) {
        err.println("lethe: --lineage " + lineage + ": not a URL: " + e.getReason());
        return Lethe.BAD_INPUT;
      }
      if (lineageUrl.getHost() == null) {
        err.println("lethe: --lineage " + lineage + ": the URL names no host");
        return Lethe.BAD_INPUT;
      }
    } else if (lineage != null && lineage.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      // "ftp://x/" would otherwise become the file ./ftp:/x, and the events go nowhere anyone looks.
      err.println("lethe: --lineage " + lineage + ": only http:// and https:// endpoints or a file path are supported");
      return Lethe.BAD_INPUT;
    } else if (lineage != null) {
      Path file = Path.of(lineage);
      String problem = Files.isDirectory(file) ? "is a directory, not a file" : directoryProblem(file.toAbsolutePath().getParent());
      if (problem != null) {
        err.println("lethe: --lineage " + lineage + ": " + problem);
        return Lethe.BAD_INPUT;
      }
    }
    try (LedgerStore ledgerStore = store.open(clock)) {
      StoreSnapshots.StoredLedger stored = StoreSnapshots.load(ledgerStore);
      String purposeProblem = BuildChecks.purposeProblem(stored.ledger(), purpose, instant);
      if (purposeProblem != null) {
        err.println("lethe: --purpose: " + purposeProblem);
        return Lethe.BAD_INPUT;
      }
      List<ForgetObligations.Obligation> manual;
      try {
        manual = ManualForgets.read(Forgetting.queueDir(store));
      } catch (IOException e) {
        // Unreadable, the queue might hold a request to leave a member out: nothing is built.
        err.println("lethe: " + e.getMessage() + "; nothing was built");
        return CommandLine.ExitCode.SOFTWARE;
      }
      // Before the lineage START event: another deployment's snapshots in --out refuse the build.
      String foreignProblem = Deployments.outDirProblem(outDir, Deployments.of(ledgerStore));
      if (foreignProblem != null) {
        err.println("lethe: --out " + foreignProblem + "; nothing was built");
        return Lethe.BAD_INPUT;
      }
      SnapshotRequest request = SnapshotRequest.builder(purpose, instant).content(content).outDir(outDir)
          .shardsPerGroup(shards).redaction(policy).deploymentKey(StoreSnapshots.deploymentKey(ledgerStore))
          .threads(workers).ledger(LEDGER_INPUT, stored.sha256()).license(license).format(shardFormat)
          // Members forgetting obliges us to remove since --as-of stay out: as the ledger knows now,
          // and as operators asked ('lethe forget'), which only the forget queue records.
          .forgottenSinceAsOf(stored.forgottenSinceAsOf(purpose, instant, clock.instant(), manual)).build();
      SnapshotResult result;
      String undelivered = null;
      Path lineageFile = lineageUrl != null ? null : lineage != null ? Path.of(lineage) : outDir.resolve("openlineage.jsonl");
      // Registered before anything is published (and before the lineage START, so that a store
      // refusing it emits nothing): a build killed (or a store write failing) after the publishing
      // rename would otherwise leave a snapshot in a directory that where, snapshots and
      // forgetting never look in, and a forget request "verified" beside it.
      boolean registered = SnapshotRoots.registerBeforePublishing(ledgerStore, outDir);
      try (LineageEmitter emitter = lineageEmitter(lineageUrl, lineageFile)) {
        BuildRun run = BuildRun.snapshot(UUID.randomUUID(), purpose, content,
            BuildRun.Dataset.ledger(store.db, store.dataDir()), outDir);
        try {
          emitter.start(run);
        } catch (OpenLineageClientException e) {
          if (registered) {
            SnapshotRoots.unregisterIfEmpty(ledgerStore, outDir, e);
          }
          err.println("lethe: " + lineageProblem(lineageUrl, lineageFile, e) + "; nothing was built");
          return CommandLine.ExitCode.SOFTWARE;
        }
        try {
          result = SnapshotEngine.embedded(Detector.standard())
              .build(stored.ledger(), request, new UnreadableReport("lethe", err, ProgressBars.forBuild("snapshot", quiet)));
        } catch (IOException | RuntimeException e) {
          if (registered) {
            SnapshotRoots.unregisterIfEmpty(ledgerStore, outDir, e);
          }
          try {
            emitter.fail(run, e);
          } catch (OpenLineageClientException lost) {
            e.addSuppressed(lost);
          }
          if (e.getClass() == IOException.class) {
            // The operating system's reason alone ("No space left on device") names no file.
            throw new IOException("building the snapshot in " + outDir.toAbsolutePath().normalize() + " failed, nothing was"
                + " published: " + e.getMessage(), e);
          }
          throw e;
        }
        try {
          emitter.complete(run, result.metadata());
        } catch (OpenLineageClientException e) {
          // The snapshot is published: it still goes into the audit log and the summary is still
          // printed, so that the one lost event is the only thing missing.
          undelivered = lineageProblem(lineageUrl, lineageFile, e);
        }
      }
      // where/forgetting must find snapshots outside DATA/snapshots, and notice one that goes missing.
      SnapshotDirs.record(ledgerStore, outDir, result);
      long leaf = StoreSnapshots.audit(ledgerStore, result);
      PrintWriter outWriter = spec.commandLine().getOut();
      outWriter.println(summary(result, leaf));
      outWriter.flush();
      if (undelivered != null) {
        err.println("lethe: " + undelivered + "; snapshot " + result.metadata().snapshot()
            + " is published and audited, but its COMPLETE event was not delivered");
        return CommandLine.ExitCode.SOFTWARE;
      }
      return CommandLine.ExitCode.OK;
    } catch (SnapshotRetiredException e) {
      err.println("lethe: " + e.getMessage());
      return RETIRED_BY_FORGETTING;
    } catch (ForeignSnapshotsException e) {
      err.println("lethe: --out " + e.getMessage() + "; nothing was built");
      return Lethe.BAD_INPUT;
    } catch (SnapshotConflictException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }

  /** Why a content file cannot be read as an export, or null if it can. */
  private static String contentProblem(Path file) {
    if (Files.isDirectory(file)) {
      return "is a directory, not a file";
    }
    if (!Files.exists(file)) {
      return "no such file";
    }
    if (!Files.isRegularFile(file)) {
      return "not a regular file";
    }
    if (!Files.isReadable(file)) {
      return "permission denied";
    }
    return null;
  }

  /**
   * Why a directory cannot be used or created, or null if it can: it exists and is not a directory,
   * or its nearest existing ancestor is not a directory.
   */
  static String directoryProblem(Path dir) {
    if (Files.exists(dir)) {
      return Files.isDirectory(dir) ? null : "not a directory";
    }
    for (Path up = dir.toAbsolutePath().getParent(); up != null; up = up.getParent()) {
      if (Files.exists(up)) {
        return Files.isDirectory(up) ? null : up + " is not a directory";
      }
    }
    return null;
  }

  private static boolean isUrl(String target) {
    return target != null && (target.startsWith("http://") || target.startsWith("https://"));
  }

  /** One line for an event the lineage target did not take: the endpoint and what went wrong. */
  private static String lineageProblem(URI url, Path file, OpenLineageClientException e) {
    if (url == null) {
      Throwable io = e;
      while (io != null && !(io instanceof IOException)) {
        io = io.getCause();
      }
      return "lineage file " + file + ": " + (io != null ? Lethe.describe(io) : e.getMessage());
    }
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "lineage endpoint " + url + " refused the connection";
      }
      if (t instanceof UnknownHostException) {
        return "lineage endpoint " + url + ": unknown host " + url.getHost();
      }
      if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
        return "lineage endpoint " + url + " did not answer within " + LINEAGE_TIMEOUT.toSeconds() + " s";
      }
      root = t;
    }
    return "lineage endpoint " + url + ": " + (root.getMessage() != null ? root.getMessage() : root.toString());
  }

  private LineageEmitter lineageEmitter(URI url, Path file) throws IOException {
    if (url != null) {
      return LineageEmitter.toHttp(url, LINEAGE_TIMEOUT, clock);
    }
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
