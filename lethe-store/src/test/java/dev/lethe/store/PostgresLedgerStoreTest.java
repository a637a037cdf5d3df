package dev.lethe.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real PostgreSQL 16 server (embedded binaries, one server for the class). */
class PostgresLedgerStoreTest extends LedgerStoreContract {

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
}
