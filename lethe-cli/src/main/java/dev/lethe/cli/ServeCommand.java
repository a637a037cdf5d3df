package dev.lethe.cli;

import dev.lethe.server.LetheServer;
import dev.lethe.server.ServerConfig;
import dev.lethe.server.Tokens;
import dev.lethe.store.LedgerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
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
    description = "Serves the REST API (/v1, /openapi.json), the member, admin and auditor pages, /health and /metrics.")
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

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  ServeCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    Path data = TokenCommand.dataDir(store);
    Tokens tokens = Tokens.of(clock, Tokens.loadOrCreateSecret(data), edKey == null ? null : readEdKey(edKey), null);
    try (LedgerStore ledger = store.open(clock)) {
      ServerConfig.Builder config = ServerConfig.builder(ledger, tokens, data).clock(clock).host(host).port(port);
      if (snapshots != null) {
        config.snapshotsDir(snapshots);
      }
      CountDownLatch stopped = new CountDownLatch(1);
      try (LetheServer server = LetheServer.start(config.build())) {
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

  private static PublicKey readEdKey(Path file) throws IOException {
    String text = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(file + " is not an Ed25519 public key: " + e.getMessage(), e);
    }
  }
}
