package dev.lethe.cli;

import dev.lethe.server.LetheServer;
import dev.lethe.server.ServerConfig;
import dev.lethe.server.Tokens;
import dev.lethe.store.LedgerStore;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe serve}: the REST API and web pages over the store, until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Serves the REST API (/v1, /openapi.json), the member, admin and auditor pages, /health and /metrics,"
        + " and runs forgetting on a schedule (as 'lethe forget-run' does) over DATA/snapshots, DATA/models and"
        + " DATA/forget.")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "Port to listen on (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "Interface to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--eddsa-public-key",
      paramLabel = "FILE",
      description = "Also accept EdDSA tokens signed by this Ed25519 key (X.509 SubjectPublicKeyInfo, PEM or base64 DER).")
  Path edKey;

  @Option(names = "--snapshots", paramLabel = "DIR", description = "Snapshot directory (default: DATA/snapshots).")
  Path snapshots;

  @Option(
      names = "--forget-every",
      defaultValue = "PT1H",
      converter = PeriodConverter.class,
      paramLabel = "PERIOD",
      description = "Time between forget runs, ISO-8601 (default ${DEFAULT-VALUE}); 0 disables them (admins can still start one).")
  Duration forgetEvery;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  ServeCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    // Checked before the store is opened (or created): a typo in an option leaves nothing behind.
    if (port < 0 || port > MAX_PORT) {
      throw new BadInput("--port " + port + ": not a port number (0 to " + MAX_PORT + "; 0 picks a free port)");
    }
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new BadInput("--host " + host + ": no such host (the name does not resolve to an address)");
    }
    Path data = store.dataDir();
    Tokens tokens = Tokens.of(clock, Tokens.loadOrCreateSecret(data), edKey == null ? null : readEdKey(edKey), null);
    try (LedgerStore ledger = store.openOrCreate(clock)) {
      ServerConfig.Builder config = ServerConfig.builder(ledger, tokens, data).clock(clock).host(host).port(port);
      if (snapshots != null) {
        config.snapshotsDir(snapshots);
      }
      config.forgetEvery(forgetEvery).verifyCommand(verifyCommand(data));
      CountDownLatch stopped = new CountDownLatch(1);
      LetheServer started;
      try {
        started = LetheServer.start(config.build());
      } catch (RuntimeException e) {
        BindException bind = bindFailure(e);
        if (bind == null) {
          throw e;
        }
        spec.commandLine().getErr().println("lethe: cannot listen on " + host + ":" + port + ": " + because(bind));
        return CommandLine.ExitCode.SOFTWARE;
      }
      try (LetheServer server = started) {
        Thread hook = new Thread(() -> {
          server.close();
          stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getOut().println("lethe: serving on http://" + host + ":" + server.port() + "/");
        spec.commandLine().getOut().flush();
        stopped.await();
      }
    }
    return CommandLine.ExitCode.OK;
  }

  private static final int MAX_PORT = 65_535;

  /**
   * The operating system's refusal to bind, if that is why the server did not start. Javalin
   * reports every bind failure as "Port already in use", also when the address is not one of this
   * machine's; the socket's own exception says which it was.
   */
  private static BindException bindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException b) {
        return b;
      }
    }
    return null;
  }

  private String because(BindException e) {
    String reason = e.getMessage() == null ? "" : e.getMessage();
    if (reason.contains("Address already in use")) {
      return "the port is in use by another process (choose another --port)";
    }
    if (reason.contains("Cannot assign requested address")) {
      return "--host " + host + " is not an address of this machine";
    }
    if (reason.contains("Permission denied")) {
      return "permission denied (ports below 1024 need privileges)";
    }
    return reason.isEmpty() ? "the operating system refused" : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
  }

  /**
   * The command the compliance report gives auditors: export a bundle from this store, verify it
   * with the independent verifier. The database URL is left as a placeholder, since it may hold a
   * password and the report is shown to auditors.
   */
  private String verifyCommand(Path data) {
    String source = store.db != null ? "--db JDBC-URL --data " + data : "--data " + data;
    return "lethe audit export " + source + " --out audit-bundle && java -jar lethe-verify.jar audit-bundle";
  }

  /** An ISO-8601 duration such as {@code PT1H}, or {@code 0} for none. */
  static final class PeriodConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      if (value.equals("0")) {
        return Duration.ZERO;
      }
      try {
        Duration d = Duration.parse(value);
        if (d.isNegative()) {
          throw new CommandLine.TypeConversionException("the period must not be negative: " + value);
        }
        return d;
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("not an ISO-8601 duration such as PT1H or PT30M, nor 0: " + value);
      }
    }
  }

  private static PublicKey readEdKey(Path file) throws IOException {
    String text = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(file + " is not an Ed25519 public key: " + e.getMessage(), e);
    }
  }
}
