package dev.lethe.server;

import dev.lethe.pipeline.DetectionCache;
import dev.lethe.redact.Detector;
import dev.lethe.store.LedgerStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Everything a {@link LetheServer} is built from. Build one with {@link #builder}; every part
 * but the store, the tokens and the data directory has a default.
 *
 * <p>Forgetting uses lethe-unlearn's layout of the data directory, as the {@code lethe} commands
 * do: models under {@code models/}, the forget queue under {@code forget/}, planted canaries in
 * {@code canaries.json}, snapshots under {@code snapshots/}.
 */
public final class ServerConfig {

  /** Receipts and notices name the data controller; a deployment sets its own. */
  public record Controller(String name, String contact, String email, String address, String phone, String policyUrl, String jurisdiction) {
    public Controller {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(policyUrl, "policyUrl");
      Objects.requireNonNull(jurisdiction, "jurisdiction");
    }

    /** A placeholder for development deployments. */
    public static Controller example() {
      return new Controller(
          "Example Platform Ltd", "Data Protection Officer", "privacy@example.org", "1 Example Street, Dublin, Ireland",
          "+353 1 000 0000", "https://example.org/privacy", "IE");
    }
  }

  final LedgerStore store;
  final Tokens tokens;
  final Path dataDir;
  final Clock clock;
  final Path snapshotsDir;
  final NoticeSender noticeSender;
  final Path modelsDir;
  final Path forgetDir;
  final Path canariesFile;
  final Duration forgetEvery;
  final ScheduledExecutorService forgetExecutor;
  final Supplier<Detector> snapshotDetector;
  final int forgetThreads;
  final String verifyCommand;
  final Controller controller;
  final String host;
  final int port;
  final long maxBodyBytes;
  final String aiPurpose;

  private ServerConfig(Builder b) {
    store = Objects.requireNonNull(b.store, "store");
    tokens = Objects.requireNonNull(b.tokens, "tokens");
    dataDir = Objects.requireNonNull(b.dataDir, "dataDir");
    clock = b.clock;
    snapshotsDir = b.snapshotsDir != null ? b.snapshotsDir : dataDir.resolve("snapshots");
    noticeSender = b.noticeSender != null ? b.noticeSender : new FileNoticeSender(dataDir.resolve("outbox").resolve("notices.jsonl"));
    modelsDir = b.modelsDir != null ? b.modelsDir : dataDir.resolve("models");
    forgetDir = b.forgetDir != null ? b.forgetDir : dataDir.resolve("forget");
    canariesFile = dataDir.resolve("canaries.json");
    forgetEvery = b.forgetEvery;
    forgetExecutor = b.forgetExecutor;
    snapshotDetector = b.snapshotDetector != null ? b.snapshotDetector : standardDetector();
    forgetThreads = b.forgetThreads;
    verifyCommand = b.verifyCommand != null ? b.verifyCommand
        : "lethe audit export --data " + dataDir + " --out audit-bundle && java -jar lethe-verify.jar audit-bundle";
    controller = b.controller;
    host = b.host;
    port = b.port;
    maxBodyBytes = b.maxBodyBytes;
    aiPurpose = b.aiPurpose;
  }

  /**
   * The detector {@code lethe build} uses, made on first use (building its name lists takes a
   * while, and a server that never forgets need not pay for it), then kept so its cache of
   * detections carries over from one forget run to the next.
   */
  private static Supplier<Detector> standardDetector() {
    return new Supplier<>() {
      private Detector detector;

      @Override
      public synchronized Detector get() {
        if (detector == null) {
          detector = DetectionCache.of(Detector.standard(), 2_000_000);
        }
        return detector;
      }
    };
  }

  /**
   * @param store the ledger the server reads and appends to; the server does not close it
   * @param tokens how bearer tokens are verified
   * @param dataDir where the server keeps its own files (default snapshot, model and forget queue
   *     directories, notice outbox)
   */
  public static Builder builder(LedgerStore store, Tokens tokens, Path dataDir) {
    return new Builder(store, tokens, dataDir);
  }

  /** Builds a {@link ServerConfig}. */
  public static final class Builder {
    private final LedgerStore store;
    private final Tokens tokens;
    private final Path dataDir;
    private Clock clock = Clock.systemUTC();
    private Path snapshotsDir;
    private NoticeSender noticeSender;
    private Path modelsDir;
    private Path forgetDir;
    private Duration forgetEvery = Duration.ofHours(1);
    private ScheduledExecutorService forgetExecutor;
    private Supplier<Detector> snapshotDetector;
    private int forgetThreads = Runtime.getRuntime().availableProcessors();
    private String verifyCommand;
    private Controller controller = Controller.example();
    private String host = "127.0.0.1";
    private int port = 8080;
    private long maxBodyBytes = 64 * 1024;
    private String aiPurpose = "genai-training";

    private Builder(LedgerStore store, Tokens tokens, Path dataDir) {
      this.store = store;
      this.tokens = tokens;
      this.dataDir = dataDir;
    }

    /** Source of "now" for every event the server appends (default: the system UTC clock). */
    public Builder clock(Clock c) {
      clock = Objects.requireNonNull(c);
      return this;
    }

    /** Where published snapshots live (default: {@code snapshots/} under the data directory). */
    public Builder snapshotsDir(Path dir) {
      snapshotsDir = Objects.requireNonNull(dir);
      return this;
    }

    /** How notices are delivered (default: a {@link FileNoticeSender} under {@code outbox/}). */
    public Builder noticeSender(NoticeSender s) {
      noticeSender = Objects.requireNonNull(s);
      return this;
    }

    /** Where trained models live (default: {@code models/} under the data directory). */
    public Builder modelsDir(Path dir) {
      modelsDir = Objects.requireNonNull(dir);
      return this;
    }

    /** Where the forget queue lives (default: {@code forget/} under the data directory). */
    public Builder forgetDir(Path dir) {
      forgetDir = Objects.requireNonNull(dir);
      return this;
    }

    /**
     * How long after a forget run the next one starts (default one hour); {@link Duration#ZERO}
     * disables periodic runs (an admin can still start one).
     */
    public Builder forgetEvery(Duration every) {
      if (every.isNegative()) {
        throw new IllegalArgumentException("the forget period must not be negative: " + every);
      }
      forgetEvery = every;
      return this;
    }

    /**
     * Where periodic forget runs execute (default: a daemon thread of the server's own, shut down
     * on {@link LetheServer#close}). An injected executor stays the caller's to shut down.
     */
    public Builder forgetExecutor(ScheduledExecutorService executor) {
      forgetExecutor = Objects.requireNonNull(executor);
      return this;
    }

    /**
     * The detector the deployment's snapshots were built with (default: the standard detector with
     * a detection cache, as {@code lethe build} uses). Rebuilds must redact exactly as the original
     * builds did, so a deployment building with another detector must name it here.
     */
    public Builder snapshotDetector(Detector detector) {
      Objects.requireNonNull(detector);
      snapshotDetector = () -> detector;
      return this;
    }

    /** Worker threads of a forget run (default: the available processors). */
    public Builder forgetThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("a forget run needs at least one thread");
      }
      forgetThreads = threads;
      return this;
    }

    /**
     * The command the compliance report tells an auditor to run to check the audit log
     * independently (default: export a bundle from the data directory, run lethe-verify on it).
     */
    public Builder verifyCommand(String command) {
      verifyCommand = Objects.requireNonNull(command);
      return this;
    }

    /** The data controller named in receipts. */
    public Builder controller(Controller c) {
      controller = Objects.requireNonNull(c);
      return this;
    }

    /** Interface to bind (default 127.0.0.1). */
    public Builder host(String h) {
      host = Objects.requireNonNull(h);
      return this;
    }

    /** Port to listen on; 0 picks a free one (default 8080). */
    public Builder port(int p) {
      if (p < 0 || p > 65535) {
        throw new IllegalArgumentException("port out of range: " + p);
      }
      port = p;
      return this;
    }

    /** Largest accepted request body (default 64 KiB); larger ones get a 413 problem. */
    public Builder maxBodyBytes(long n) {
      if (n < 1024) {
        throw new IllegalArgumentException("a body limit below 1 KiB leaves no room for a policy");
      }
      maxBodyBytes = n;
      return this;
    }

    /** The purpose whose decision drives the AI-use signals (default {@code genai-training}). */
    public Builder aiPurpose(String p) {
      aiPurpose = Objects.requireNonNull(p);
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(this);
    }
  }
}
