package dev.lethe.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.BuildChecks;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.pipeline.Hashing;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.RedactionPolicies;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.SnapshotConflictException;
import dev.lethe.pipeline.SnapshotRetiredException;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.pipeline.UnreadableReport;
import dev.lethe.pipeline.meta.BuildRun;
import dev.lethe.pipeline.meta.LineageEmitter;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreConfig;
import dev.lethe.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class dev.lethe.spark.SparkBuild lethe-spark.jar build ...}: the snapshot
 * build of {@code lethe build} on a Spark cluster, publishing the same snapshot.
 */
@Command(
    name = "lethe-spark",
    mixinStandardHelpOptions = true,
    subcommands = SparkBuild.Build.class,
    description = "Lethe's snapshot build on Apache Spark.")
public final class SparkBuild implements Callable<Integer> {

  /** Exit code for bad arguments or inputs (as {@code lethe}). */
  static final int BAD_INPUT = 2;

  /** Exit status when forgetting retired the snapshot these inputs give (the same as {@code lethe build}). */
  static final int RETIRED_BY_FORGETTING = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = new CommandLine(new SparkBuild()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return BAD_INPUT;
  }

  /** The {@code build} subcommand. */
  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description = {
        "Builds a training snapshot on Spark from a ledger file (or the store) and content exports.",
        "The snapshot is the one `lethe build` publishes for the same inputs and key: same",
        "manifest, shard files, bitmaps and croissant.json. Prints the summary as JSON."
      })
  static final class Build implements Callable<Integer> {

    /** "Now", for refusing an as-of in the future; tests set a fixed clock. */
    Clock clock = Clock.systemUTC();

    @Option(names = "--ledger", paramLabel = "FILE",
        description = "Consent ledger (JSON Lines, e.g. `lethe export` of the store); a path or Hadoop URI. With --key-file; or use --db.")
    String ledger;

    @Option(names = "--db", paramLabel = "URL",
        description = {
          "Read the ledger and the deployment's snapshot key from this store instead of --ledger and --key-file,",
          "as `lethe build --db` does (and record the build in its audit log): JDBC URL of a PostgreSQL 15+",
          "database, e.g. jdbc:postgresql://host/lethe?user=u."
        })
    String db;

    @Option(names = "--db-password-file", paramLabel = "FILE",
        description = "The database password on the file's first line (kept out of the command line and Spark's UI).")
    Path dbPasswordFile;

    @Option(names = "--data", paramLabel = "DIR",
        description = "With --db: the store's key directory (the audit signing key; default ~/.lethe), as for `lethe`. "
            + "Alone: the embedded store in DIR.")
    Path data;

    @Option(names = "--purpose", required = true, paramLabel = "P", description = "Purpose, e.g. genai-training.")
    String purpose;

    @Option(names = "--as-of", required = true, paramLabel = "T", description = "Consent as-of instant (RFC 3339 with offset).")
    String asOf;

    @Option(names = "--content", arity = "1..*", paramLabel = "SRC",
        description = {
          "Content exports: files or directories, paths or Hadoop URIs; repeatable, read in order.",
          "Files named *.parquet are Parquet (columns named like the JSON fields), others JSON Lines."
        })
    List<String> content = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "Snapshot directory: a POSIX path the driver and every executor see.")
    Path out;

    @Option(names = "--shards", paramLabel = "S", defaultValue = "4", description = "Shards per region group (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--key-file", paramLabel = "FILE",
        description = "With --ledger: the deployment key, hex (at least 32 digits) on the file's first line.")
    Path keyFile;

    @Option(names = "--format", paramLabel = "F", defaultValue = "jsonl",
        description = "Shard files: jsonl (zstd-compressed JSON Lines, the default) or parquet (ZSTD, columns content, kind, text).")
    String format;

    @Option(names = "--redaction", paramLabel = "MODE", defaultValue = "pseudonymous",
        description = "pseudonymous (people become keyed pseudonyms, other types placeholders) or placeholders.")
    String redaction;

    @Option(names = "--drop-if", paramLabel = "TYPE", split = ",", description = "Drop a record when one of these entity types is found.")
    List<String> dropIf = new ArrayList<>();

    @Option(names = "--detector", paramLabel = "NAME", defaultValue = Detectors.STANDARD,
        description = "standard (as lethe build) or patterns (no statistical name finder). Default: ${DEFAULT-VALUE}.")
    String detector;

    @Option(names = "--license", paramLabel = "TEXT", description = "Licence statement for the dataset metadata.")
    String license;

    @Option(names = "--write-partitions", paramLabel = "N", defaultValue = "0",
        description = "Shard-writing tasks (default: Spark's default parallelism, at most one per shard slot).")
    int writePartitions;

    @Option(names = "--split-mb", paramLabel = "MB", defaultValue = "0",
        description = "Largest input split in MiB (default: the file system's block size).")
    int splitMb;

    @Option(names = "--lineage", paramLabel = "FILE",
        description = "OpenLineage run events (JSON Lines, appended). Default: OUT/openlineage.jsonl.")
    Path lineage;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not started by spark-submit, e.g. local[2].")
    String master;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private ShardFormat shardFormat;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      Instant instant;
      RedactionPolicy policy;
      byte[] key;
      StoreConfig storeConfig;
      try {
        instant = Rfc3339.parseInstant(asOf);
      } catch (DateTimeException e) {
        err.println("--as-of: " + e.getMessage());
        return BAD_INPUT;
      }
      String asOfProblem = BuildChecks.asOfProblem(instant, clock.instant());
      if (asOfProblem != null) {
        err.println("--as-of: " + asOfProblem);
        return BAD_INPUT;
      }
      try {
        shardFormat = ShardFormat.named(format);
      } catch (IllegalArgumentException e) {
        err.println("--format: " + e.getMessage());
        return BAD_INPUT;
      }
      try {
        policy = redactionPolicy();
        boolean fromStore = db != null || data != null;
        if (fromStore == (ledger != null) || (ledger != null) != (keyFile != null)) {
          throw new IllegalArgumentException(
              "give either --ledger with --key-file, or the store: --db (with --data for its keys) or --data");
        }
        if (dbPasswordFile != null && db == null) {
          throw new IllegalArgumentException("--db-password-file needs --db");
        }
        key = keyFile == null ? null : readKey(keyFile);
        storeConfig = fromStore ? storeConfig() : null;
        Detectors.byName(detector);
        if (shards < 1 || shards > 4096) {
          throw new IllegalArgumentException("--shards: must be between 1 and 4096");
        }
        if (writePartitions < 0 || splitMb < 0) {
          throw new IllegalArgumentException("--write-partitions and --split-mb must not be negative");
        }
      } catch (IllegalArgumentException | IOException e) {
        err.println(e.getMessage());
        return BAD_INPUT;
      }
      SparkSession.Builder builder = SparkSession.builder().appName("lethe build " + purpose);
      if (master != null) {
        builder.master(master);
      }
      SparkSession session = builder.getOrCreate();
      try {
        if (storeConfig == null) {
          return buildFromFile(session, instant, policy, key, err);
        }
        // As `lethe build --db`: the store's ledger export and derived snapshot key, then an audit leaf.
        try (LedgerStore store = LedgerStore.open(storeConfig)) {
          StoreSnapshots.StoredLedger stored = StoreSnapshots.load(store);
          String purposeProblem = BuildChecks.purposeProblem(stored.ledger(), purpose, instant);
          if (purposeProblem != null) {
            err.println("--purpose: " + purposeProblem);
            return BAD_INPUT;
          }
          // The operators' forget requests, which only the forget queue beside the keys records.
          java.util.List<dev.lethe.pipeline.ForgetObligations.Obligation> manual;
          try {
            manual = dev.lethe.pipeline.ManualForgets.read(keyDirectory().resolve("forget"));
          } catch (IOException e) {
            err.println("lethe-spark: " + e.getMessage() + "; nothing was built");
            return CommandLine.ExitCode.SOFTWARE;
          }
          SnapshotRequest request = request(instant, policy, StoreSnapshots.deploymentKey(store), stored.sha256(),
              stored.forgottenSinceAsOf(purpose, instant, clock.instant(), manual));
          // Registered before anything is published, as by `lethe build`: a build killed after the
          // publishing rename must not leave a snapshot where `lethe where` and forgetting never look.
          boolean registered = SnapshotRoots.registerBeforePublishing(store, out);
          SnapshotResult result;
          try {
            result = build(session, stored.ledger(), request);
          } catch (IOException | RuntimeException e) {
            if (registered) {
              SnapshotRoots.unregisterIfEmpty(store, out, e);
            }
            throw e;
          }
          SnapshotRoots.record(store, out, result); // so `lethe where` and forgetting find it, and notice if it goes missing
          long leaf = StoreSnapshots.audit(store, result);
          print(summary(result).put("audit_leaf", leaf));
          return CommandLine.ExitCode.OK;
        }
      } catch (SnapshotRetiredException e) {
        // As 'lethe build': forgetting replaced this snapshot, which is neither damage nor bad input.
        err.println("lethe-spark: " + e.getMessage());
        return RETIRED_BY_FORGETTING;
      } catch (dev.lethe.pipeline.ForeignSnapshotsException e) {
        err.println("lethe-spark: --out " + e.getMessage());
        return BAD_INPUT;
      } catch (SnapshotConflictException e) {
        err.println("lethe-spark: " + e.getMessage());
        return CommandLine.ExitCode.SOFTWARE;
      } catch (StoreException e) {
        err.println("lethe-spark: " + e.getMessage());
        return CommandLine.ExitCode.SOFTWARE;
      } finally {
        session.stop();
      }
    }

    private int buildFromFile(SparkSession session, Instant instant, RedactionPolicy policy, byte[] key, PrintWriter err)
        throws IOException {
      Configuration hadoop = session.sparkContext().hadoopConfiguration();
      ConsentLedger consent;
      java.util.Set<String> forgottenSinceAsOf;
      String ledgerSha;
      try {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(ledger);
        MessageDigest digest = Hashing.sha256();
        try (InputStream in = new DigestInputStream(path.getFileSystem(hadoop).open(path), digest)) {
          LedgerReader.LoadedEvents loaded = LedgerReader.loadEvents(in);
          consent = loaded.ledger();
          forgottenSinceAsOf = dev.lethe.pipeline.ForgetObligations.membersForgottenSince(
              loaded.events(), consent, clock.instant(), purpose, instant);
          // Hash to the end even if the reader stopped early, so the digest names the whole file.
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        ledgerSha = HexFormat.of().formatHex(digest.digest());
      } catch (LedgerFormatException e) {
        err.println("--ledger: " + e.getMessage());
        return BAD_INPUT;
      } catch (IOException e) {
        err.println("--ledger: cannot read " + ledger + ": " + e.getMessage());
        return BAD_INPUT;
      }
      String purposeProblem = BuildChecks.purposeProblem(consent, purpose, instant);
      if (purposeProblem != null) {
        err.println("--purpose: " + purposeProblem);
        return BAD_INPUT;
      }
      print(summary(build(session, consent, request(instant, policy, key, ledgerSha, forgottenSinceAsOf))));
      return CommandLine.ExitCode.OK;
    }

    /**
     * @param forgottenSinceAsOf the members forgetting obliges us to leave out although the decision
     *     at the as-of instant may allow them ({@link dev.lethe.pipeline.ForgetObligations})
     */
    private SnapshotRequest request(
        Instant instant, RedactionPolicy policy, byte[] key, String ledgerSha, java.util.Set<String> forgottenSinceAsOf) {
      return SnapshotRequest.builder(purpose, instant).outDir(out.toAbsolutePath()).shardsPerGroup(shards)
          .redaction(policy).deploymentKey(key).ledger("ledger", ledgerSha).license(license).format(shardFormat)
          .forgottenSinceAsOf(forgottenSinceAsOf).build();
    }

    /** Runs the build on Spark between OpenLineage START and COMPLETE (or FAIL) events. */
    private SnapshotResult build(SparkSession session, ConsentLedger consent, SnapshotRequest request) throws IOException {
      SparkEngine engine = new SparkEngine(session, detector, writePartitions, (long) splitMb << 20);
      SnapshotResult result;
      Path events = lineage != null ? lineage : out.resolve("openlineage.jsonl");
      Files.createDirectories(events.toAbsolutePath().getParent());
      try (LineageEmitter emitter = LineageEmitter.toFile(events, Clock.systemUTC())) {
        List<BuildRun.Dataset> inputs = new java.util.ArrayList<>(content.stream().map(Build::dataset).toList());
        // The consent ledger is read too: the file given, or the store's ledger table.
        inputs.add(ledger != null ? dataset(ledger) : BuildRun.Dataset.ledger(db, keyDirectory()));
        BuildRun run = new BuildRun(UUID.randomUUID(), BuildRun.NAMESPACE, "snapshot." + purpose, inputs, BuildRun.Dataset.file(out));
        emitter.start(run);
        UnreadableReport unreadable = new UnreadableReport("lethe-spark", spec.commandLine().getErr(), ProgressListener.NONE);
        try {
          result = engine.build(consent, request, content, unreadable);
        } catch (IOException | RuntimeException e) {
          emitter.fail(run, e);
          throw e;
        } finally {
          unreadable.finished();
        }
        emitter.complete(run, result.metadata());
      }
      return result;
    }

    private void print(ObjectNode summary) {
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println(summary.toString());
      stdout.flush();
    }

    /**
     * The store as {@code lethe --db URL --data DIR} names it; a password file's first line is
     * added to the URL as its {@code password} parameter.
     */
    /** The store's key directory: {@code --data}, or {@code ~/.lethe} as for {@code lethe}. */
    private Path keyDirectory() {
      return data != null ? data : Path.of(System.getProperty("user.home"), ".lethe");
    }

    private StoreConfig storeConfig() throws IOException {
      Path dir = keyDirectory();
      if (db == null) {
        return StoreConfig.embedded(dir);
      }
      String url = db;
      if (dbPasswordFile != null) {
        if (url.matches("(?s).*[?&;]password=.*")) {
          throw new IllegalArgumentException("--db-password-file: the --db URL already has a password");
        }
        String password = Files.readString(dbPasswordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        if (password.isEmpty()) {
          throw new IllegalArgumentException("--db-password-file: " + dbPasswordFile + " has no password on its first line");
        }
        url += (url.contains("?") ? "&" : "?") + "password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
      }
      return StoreConfig.database(url, dir);
    }

    private RedactionPolicy redactionPolicy() {
      return RedactionPolicies.fromOptions(redaction, dropIf);
    }

    /** An OpenLineage dataset for a source: {@code file} + absolute path, or scheme://authority + path. */
    private static BuildRun.Dataset dataset(String source) {
      URI uri = new org.apache.hadoop.fs.Path(source).toUri();
      if (uri.getScheme() == null || uri.getScheme().equals("file")) {
        return BuildRun.Dataset.file(Path.of(uri.getPath()));
      }
      String authority = uri.getAuthority() == null ? "" : uri.getAuthority();
      return new BuildRun.Dataset(uri.getScheme() + "://" + authority, uri.getPath());
    }

    private static ObjectNode summary(SnapshotResult result) {
      return result.summaryJson().put("manifest_sha256", result.manifestSha256());
    }
  }

  /**
   * The deployment key from a key file: hex digits on the first line (at least 16 bytes).
   *
   * @throws IllegalArgumentException if the file does not hold such a key
   */
  static byte[] readKey(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String first = text.lines().findFirst().orElse("").trim();
    byte[] key;
    try {
      key = HexFormat.of().parseHex(first);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--key-file: " + file + " does not hold a hex key on its first line");
    }
    if (key.length < 16) {
      throw new IllegalArgumentException("--key-file: the key must have at least 16 bytes (32 hex digits)");
    }
    return key;
  }
}
