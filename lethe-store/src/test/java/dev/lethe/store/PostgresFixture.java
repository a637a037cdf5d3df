package dev.lethe.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server (io.zonky embedded binaries), started once per JVM; every store gets a
 * database of its own. If the server cannot start, every test using it fails: never a skip.
 */
final class PostgresFixture implements StoreFixture {

  private static EmbeddedPostgres server;
  private static final AtomicInteger NEXT = new AtomicInteger();

  private final Path keys;

  PostgresFixture(Path keys) {
    this.keys = keys;
  }

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new IllegalStateException("embedded PostgreSQL did not start", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException e) {
          // The JVM is exiting; the server's temporary directory goes with it.
        }
      }));
    }
    return server;
  }

  static String url(String database) {
    return server().getJdbcUrl("postgres", database);
  }

  @Override
  public StoreConfig freshConfig() {
    String db = "lethe_" + NEXT.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
      return StoreConfig.database(url(db), Files.createDirectories(keys.resolve(db)));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + db, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Connection raw(StoreConfig config) throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl());
  }
}
