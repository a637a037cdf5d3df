package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Erasure on a real PostgreSQL 16 server (embedded binaries, one server for the class). */
class PostgresErasureTest extends ErasureContract {

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

  /**
   * The files of the store's database (base/OID: tables, TOAST, indexes), after a checkpoint wrote
   * every dirty page, that hold the text. WAL is left out: it is the log of what happened.
   */
  private static List<Path> databaseFilesHolding(StoreConfig config, String text) throws Exception {
    Path dir;
    try (Connection c = fixture.raw(config);
        Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
      try (ResultSet rs = s.executeQuery(
          "SELECT current_setting('data_directory'), oid FROM pg_database WHERE datname = current_database()")) {
        rs.next();
        dir = Path.of(rs.getString(1), "base", Long.toString(rs.getLong(2)));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      return PurgedBytes.holding(files, text);
    }
  }

  @Test
  void afterPurgeAndVacuumFullThePurgedTextIsInNoFileOfTheDatabase() throws Exception {
    StoreConfig config = fixture.freshConfig();
    try (LedgerStore store = LedgerStore.open(config)) {
      PurgedBytes.fill(store);
      // The test can fail: before the erasure the text is in the table's file.
      assertThat(databaseFilesHolding(config, PurgedBytes.SECRET)).isNotEmpty();
      PurgedBytes.erase(store);
    }
    Compacted compacted = LedgerStore.compact(config);
    assertThat(compacted.what()).isEqualTo("PostgreSQL table ledger_event");
    assertThat(databaseFilesHolding(config, PurgedBytes.SECRET)).isEmpty();
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.eventCount()).isEqualTo(53);
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }
}
