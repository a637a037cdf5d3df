package dev.lethe.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Embedded H2 stores in temporary directories. */
final class H2Fixture implements StoreFixture {

  private final Path base;
  private int next;

  H2Fixture(Path base) {
    this.base = base;
  }

  @Override
  public StoreConfig freshConfig() {
    try {
      return StoreConfig.embedded(Files.createDirectories(base.resolve("store-" + next++)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Connection raw(StoreConfig config) throws SQLException {
    // The same URL in the same JVM joins the database the store has open.
    return DriverManager.getConnection(
        "jdbc:h2:file:" + config.dataDir().toAbsolutePath().resolve("ledger")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;REUSE_SPACE=FALSE");
  }
}
