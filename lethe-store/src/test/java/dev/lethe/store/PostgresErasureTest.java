package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Erasure on a real PostgreSQL 16 server (embedded binaries, started once per JVM). */
class PostgresErasureTest extends ErasureContract {

  @TempDir static Path keys;

  private static PostgresFixture fixture;

  @BeforeAll
  static void startServer() {
    PostgresFixture.server(); // fails the class, never skips it, if PostgreSQL cannot start
    fixture = new PostgresFixture(keys);
  }

  @Override
  protected StoreFixture fixture() {
    return fixture;
  }

  private static final String SECRET = "call me on 07700 900461, my pin is 50913";

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
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        byte[] hay = Files.readAllBytes(p);
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
          for (int j = 0; j < needle.length; j++) {
            if (hay[i + j] != needle[j]) {
              continue outer;
            }
          }
          found.add(p);
          break;
        }
      }
    }
    return found;
  }

  @Test
  void afterPurgeAndVacuumFullThePurgedTextIsInNoFileOfTheDatabase() throws Exception {
    StoreConfig config = fixture.freshConfig();
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
          + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{},\"purposes\":{}}}", null);
      store.append("{\"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"m1\",\"country\":\"US\","
          + "\"birth_date\":\"1990-01-01\",\"name\":\"Jane Quillfeather\"}", null);
      for (int i = 0; i < 50; i++) {
        store.append("{\"type\":\"content.posted\",\"at\":\"2024-02-02T00:00:00Z\",\"content\":\"c" + i + "\",\"member\":\"m1\","
            + "\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"" + SECRET + " #" + i + "\"}", null);
      }
      // The test can fail: before the erasure the text is in the table's file.
      assertThat(databaseFilesHolding(config, SECRET)).isNotEmpty();
      store.append("{\"type\":\"erasure.requested\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"m1\"}", null);
    }
    Compacted compacted = LedgerStore.compact(config);
    assertThat(compacted.what()).isEqualTo("PostgreSQL table ledger_event");
    assertThat(databaseFilesHolding(config, SECRET)).isEmpty();
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.eventCount()).isEqualTo(53);
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }
}
