package dev.lethe.server;

import dev.lethe.store.LedgerStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Everything a {@link LetheServer} is built from. Build one with {@link #builder}; every part
 * but the store, the tokens and the data directory has a default.
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
  final ModelLineage lineage;
  final ForgetQueueView forgetQueue;
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
    lineage = b.lineage;
    forgetQueue = b.forgetQueue;
    controller = b.controller;
    host = b.host;
    port = b.port;
    maxBodyBytes = b.maxBodyBytes;
    aiPurpose = b.aiPurpose;
  }

  /**
   * @param store the ledger the server reads and appends to; the server does not close it
   * @param tokens how bearer tokens are verified
   * @param dataDir where the server keeps its own files (default snapshot directory, notice outbox)
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
    private ModelLineage lineage = NoUnlearn.INSTANCE;
    private ForgetQueueView forgetQueue = NoUnlearn.INSTANCE;
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

    /** Which models used whose data (default: none tracked). */
    public Builder lineage(ModelLineage l) {
      lineage = Objects.requireNonNull(l);
      return this;
    }

    /** The forget requests (default: none tracked). */
    public Builder forgetQueue(ForgetQueueView q) {
      forgetQueue = Objects.requireNonNull(q);
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
