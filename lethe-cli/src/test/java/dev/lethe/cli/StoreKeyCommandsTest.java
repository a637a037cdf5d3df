package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.store.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lethe store export-key}: a deployment on PostgreSQL, one of whose members asked for
 * erasure, moves to an embedded store with its key, through the commands, on a real PostgreSQL
 * server (embedded binaries); without the key the embedded store refuses the export.
 */
class StoreKeyCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-24T08:00:00Z"), ZoneOffset.UTC);
  private static final String NAME = ErasureStory.NAME;

  private static final String LEDGER =
      String.join("\n", ErasureStory.BEFORE_ERASURE) + "\n" + ErasureStory.erasure("e8") + "\n";

  private static PostgresServer server;
  private static final AtomicInteger NEXT = new AtomicInteger();

  @TempDir Path dir;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start(); // fails the class, never skips it, if PostgreSQL cannot start
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** A new, empty database on the server. */
  private static String freshDatabase() {
    return server.createDatabase("lethe_key_" + NEXT.incrementAndGet());
  }

  @Test
  void aPostgresDeploymentMovesToAnEmbeddedStoreWithItsKeyAndStillRedactsTheErasedName() throws Exception {
    String db = freshDatabase();
    String pgKeys = dir.resolve("pg-keys").toString(); // the audit signing key of the PostgreSQL store
    Path newData = dir.resolve("new-data");
    Path keyFile = newData.resolve("deployment.key");

    // Before a store was ever created there it has no key, and the command does not make one up.
    CliRun none = CliRun.run("store", "export-key", "--db", db, "--data", pgKeys, "--out", keyFile.toString());
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).startsWith("lethe: the database ").contains("holds no store", "'lethe import' creates a store");
    assertThat(keyFile).doesNotExist();

    Path ledger = dir.resolve("ledger.jsonl");
    Files.writeString(ledger, LEDGER);
    CliRun imported = CliRun.run("import", "--db", db, "--data", pgKeys, ledger.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    CliRun exported = CliRun.run("export", "--db", db, "--data", pgKeys);
    assertThat(exported.status()).as(exported.err()).isZero();
    assertThat(exported.out()).contains("\"name_digest\":\"sip24:").doesNotContain(NAME);
    Path exportFile = dir.resolve("exported.jsonl");
    Files.writeString(exportFile, exported.out());

    CliRun written = CliRun.run("store", "export-key", "--db", db, "--data", pgKeys, "--out", keyFile.toString());
    assertThat(written.status()).as(written.err()).isZero();
    byte[] key = Files.readAllBytes(keyFile);
    assertThat(key).hasSize(32);
    assertThat(HexFormat.of().formatHex(key)).isEqualTo(storedKeyHex(db));
    // The printed id is the one the deployment's name digests carry; the key itself is not printed.
    String keyId = JSON.readTree(exported.out().lines().filter(l -> l.contains("name_digest")).findFirst().orElseThrow())
        .get("name_digest").textValue().split(":")[1];
    assertThat(written.out()).isEqualTo("wrote the deployment key to " + keyFile + " (key id " + keyId
        + "; keep the file as secret as the store)\n");
    assertThat(written.out() + written.err()).doesNotContain(HexFormat.of().formatHex(key));
    if (Files.getFileStore(keyFile).supportsFileAttributeView("posix")) {
      assertThat(Files.getPosixFilePermissions(keyFile))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
    CliRun again = CliRun.run("store", "export-key", "--db", db, "--data", pgKeys, "--out", keyFile.toString());
    assertThat(again.status()).isEqualTo(2);
    assertThat(again.err()).contains(keyFile.toString(), "already exists");
    assertThat(Files.readAllBytes(keyFile)).isEqualTo(key);

    // The embedded store opened on that key takes the export whole, erased member's digest included.
    String data = newData.toString();
    CliRun moved = CliRun.run("import", "--data", data, exportFile.toString());
    assertThat(moved.status()).as(moved.err()).isZero();
    assertThat(moved.out()).startsWith("imported 8 events (0 already stored)");
    CliRun reexported = CliRun.run("export", "--data", data);
    assertThat(reexported.out()).isEqualTo(exported.out());
    assertThat(LedgerReader.load(ledgerLines(reexported.out())).ledger().erasedNameDigests())
        .isEqualTo(LedgerReader.load(ledgerLines(exported.out())).ledger().erasedNameDigests())
        .hasSize(1);
    assertThat(CliRun.run("audit", "checkpoint", "--data", data).status()).isZero();
    assertThat(CliRun.run("audit", "verify", "--data", data).out()).startsWith("ok: ");
    // So can the key file be exported again from the embedded store, with the same id.
    CliRun fromH2 = CliRun.run("store", "export-key", "--data", data, "--out", dir.resolve("copy.key").toString());
    assertThat(fromH2.out()).contains("(key id " + keyId + ";");
    assertThat(Files.readAllBytes(dir.resolve("copy.key"))).isEqualTo(key);

    // A build in the new store still finds her name in omar's post by its digest.
    CliRun build = CliRun.runAt(NOW, "build", "--data", data, "--purpose", "genai-training", "--as-of", "2024-04-01T00:00:00Z",
        "--quiet", "--threads", "1");
    assertThat(build.status()).as(build.err()).isZero();
    JsonNode summary = JSON.readTree(build.out());
    assertThat(summary.get("included").asLong()).isEqualTo(1);
    String shards = ShardText.of(newData.resolve("snapshots").resolve(summary.get("snapshot").asText()));
    assertThat(shards).contains("omar likes trains");
    assertThat(shards.toLowerCase(Locale.ROOT)).doesNotContain("quillfeather");
  }

  @Test
  void withoutTheKeyTheEmbeddedStoreRefusesTheExportAndSaysToBringDeploymentKey() throws Exception {
    String db = freshDatabase();
    String pgKeys = dir.resolve("pg-keys").toString();
    Path ledger = dir.resolve("ledger.jsonl");
    Files.writeString(ledger, LEDGER);
    assertThat(CliRun.run("import", "--db", db, "--data", pgKeys, ledger.toString()).status()).isZero();
    Path exportFile = dir.resolve("exported.jsonl");
    Files.writeString(exportFile, CliRun.run("export", "--db", db, "--data", pgKeys).out());

    String elsewhere = dir.resolve("elsewhere").toString();
    CliRun refused = CliRun.run("import", "--data", elsewhere, exportFile.toString());
    assertThat(refused.status()).isNotZero();
    assertThat(refused.err()).contains("line 2", "name_digest", "another deployment", "deployment.key");
    assertThat(CliRun.run("export", "--data", elsewhere).out()).isEmpty();

    // An embedded data directory without a store has no key to export either.
    CliRun none = CliRun.run("store", "export-key", "--data", dir.resolve("empty").toString(),
        "--out", dir.resolve("k").toString());
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).contains("holds no store (no ledger.mv.db)", "'lethe import' creates a store");
    assertThat(dir.resolve("k")).doesNotExist();
  }

  private static String storedKeyHex(String db) throws Exception {
    try (Connection c = java.sql.DriverManager.getConnection(db);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT meta_value FROM store_meta WHERE meta_name = 'deployment_key'")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  private static java.util.List<dev.lethe.core.ledger.LedgerLine> ledgerLines(String text) throws Exception {
    return LedgerReader.read(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }
}
