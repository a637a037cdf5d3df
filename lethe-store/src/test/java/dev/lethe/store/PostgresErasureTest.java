package dev.lethe.store;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
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
}
