package dev.lethe.store;

import dev.lethe.store.testing.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stores on a real PostgreSQL server ({@link PostgresServer}), each in a database of its own. The
 * test class that makes the fixture in {@code @BeforeAll} closes it in {@code @AfterAll}, which
 * stops the server.
 */
final class PostgresFixture implements StoreFixture, AutoCloseable {

  private final PostgresServer server;
  private final Path keys;
  private final AtomicInteger next = new AtomicInteger();

  private PostgresFixture(PostgresServer server, Path keys) {
    this.server = server;
    this.keys = keys;
  }

  /**
   * Starts a server for stores whose key directories are under {@code keys}.
   *
   * @throws IllegalStateException if PostgreSQL does not start: the class fails, never skips
   */
  static PostgresFixture start(Path keys) {
    return new PostgresFixture(PostgresServer.start(), keys);
  }

  @Override
  public StoreConfig freshConfig() {
    String db = "lethe_" + next.incrementAndGet();
    String url = server.createDatabase(db);
    try {
      return StoreConfig.database(url, Files.createDirectories(keys.resolve(db)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Connection raw(StoreConfig config) throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl());
  }

  @Override
  public void close() {
    server.close();
  }
}
