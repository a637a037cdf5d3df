package dev.lethe.store.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server for tests, from zonky's embedded binaries (no installation): the one
 * way the modules' tests start one (lethe-store's test-jar; take it with {@code <type>test-jar</type>}
 * and test scope).
 *
 * <p>If the server cannot start, {@link #start} throws, so every test that uses it fails: a
 * missing PostgreSQL is never a skip. {@link #close} stops the server and deletes its data
 * directory, and waits for both; a test class that starts a server closes it when it is done
 * (JUnit's {@code @AfterAll}), before the test JVM exits, so that the JVM's exit never waits on
 * PostgreSQL.
 */
public final class PostgresServer implements AutoCloseable {

  /** Database and role names the helper creates: plain identifiers, never quoted. */
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final EmbeddedPostgres server;
  private boolean closed;

  private PostgresServer(EmbeddedPostgres server) {
    this.server = server;
  }

  /**
   * Starts a new server (about 2.5 s).
   *
   * @throws IllegalStateException if it does not start
   */
  public static PostgresServer start() {
    try {
      return new PostgresServer(EmbeddedPostgres.builder().start());
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("embedded PostgreSQL did not start: " + e.getMessage(), e);
    }
  }

  /** The port the server listens on (localhost). */
  public int port() {
    return server.getPort();
  }

  /** The JDBC URL of {@code database} as the superuser {@code postgres}, who needs no password. */
  public String jdbcUrl(String database) {
    return server.getJdbcUrl("postgres", database);
  }

  /** A new connection to the {@code postgres} database as the superuser. */
  public Connection connect() throws SQLException {
    return server.getPostgresDatabase().getConnection();
  }

  /**
   * Creates an empty database owned by the superuser.
   *
   * @return its {@link #jdbcUrl}
   */
  public String createDatabase(String name) {
    execute("CREATE DATABASE " + checked(name));
    return jdbcUrl(name);
  }

  /**
   * Creates a login role with a password and an empty database of the same name that it owns.
   *
   * @return the database's JDBC URL with {@code user} set and no password, which the caller adds
   *     (or passes separately) as the test needs
   */
  public String createOwnedDatabase(String name, String password) {
    execute("CREATE ROLE " + checked(name) + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
    execute("CREATE DATABASE " + name + " OWNER " + name);
    return "jdbc:postgresql://localhost:" + port() + "/" + name + "?user=" + name;
  }

  private static String checked(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a plain lower-case PostgreSQL identifier: " + name);
    }
    return name;
  }

  private void execute(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("embedded PostgreSQL: " + sql.replaceAll("PASSWORD '.*'", "PASSWORD ***")
          + " failed: " + e.getMessage(), e);
    }
  }

  /** Stops the server and deletes its data directory; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
