package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.store.audit.Commitments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real PostgreSQL 16 server (embedded binaries, one server for the class). */
class PostgresLedgerStoreTest extends LedgerStoreContract {

  private static final String POLICY =
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
          + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{},"
          + "\"purposes\":{\"genai-training\":{\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{}}}}}";

  @TempDir static Path keys;

  private static PostgresFixture fixture;

  @BeforeAll
  static void startServer() {
    fixture = PostgresFixture.start(keys);
  }

  @AfterAll
  static void stopServer() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Override
  protected StoreFixture fixture() {
    return fixture;
  }

  /** Everything a refused open could have changed: store_meta, the Flyway history, the row counts. */
  private static List<String> databaseState(StoreConfig config) throws Exception {
    List<String> state = new ArrayList<>();
    try (Connection c = fixture.raw(config);
        Statement s = c.createStatement()) {
      for (String query : List.of(
          "SELECT meta_name || '=' || meta_value FROM store_meta ORDER BY meta_name",
          "SELECT version || ':' || checksum FROM lethe_schema_history ORDER BY installed_rank",
          "SELECT 'events=' || count(*) FROM ledger_event",
          "SELECT 'leaves=' || count(*) FROM audit_leaf")) {
        try (ResultSet rs = s.executeQuery(query)) {
          while (rs.next()) {
            state.add(rs.getString(1));
          }
        }
      }
    }
    return state;
  }

  @Test
  void aDeploymentKeyFileThatIsNotTheDatabasesKeyIsRefusedAndChangesNothing() throws Exception {
    StoreConfig config = fixture.freshConfig();
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, null);
    }
    Path keyFile = config.dataDir().resolve(JdbcLedgerStore.DEPLOYMENT_KEY_FILE);
    assertThat(keyFile).as("a database store keeps its key in store_meta").doesNotExist();
    byte[] other = Commitments.newKey();
    Files.write(keyFile, other);
    List<String> before = databaseState(config);
    String recordedId = DeploymentKeys.keyId(DeploymentKeys.read(config));

    // Refused to write and to read alike, as the embedded store refuses a database without its key file.
    for (boolean create : List.of(true, false)) {
      assertThatThrownBy(() -> {
        try (LedgerStore store = create ? LedgerStore.open(config) : LedgerStore.openExisting(config)) {
          store.eventCount();
        }
      })
          .as(create ? "open" : "openExisting")
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith(keyFile + " holds deployment key " + DeploymentKeys.keyId(other))
          .hasMessageContaining("the database " + JdbcLedgerStore.describe(config) + " records deployment key "
              + recordedId + " in store_meta")
          .hasMessageContaining("nothing was changed")
          .hasMessageContaining("remove or move the file")
          .hasMessageContaining("'lethe store export-key'");
      assertThat(databaseState(config)).isEqualTo(before);
      assertThat(Files.readAllBytes(keyFile)).isEqualTo(other);
    }

    // The database's own key in the file is no conflict; neither is no file at all.
    Files.delete(keyFile);
    assertThat(LedgerStore.exportDeploymentKey(config, keyFile)).isEqualTo(recordedId);
    try (LedgerStore store = LedgerStore.openExisting(config)) {
      assertThat(store.eventCount()).isEqualTo(1);
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
    Files.delete(keyFile);
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.eventCount()).isEqualTo(1);
    }
  }
}
