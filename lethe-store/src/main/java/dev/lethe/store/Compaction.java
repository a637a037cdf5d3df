package dev.lethe.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * Rewrites the database so that bytes a purge replaced no longer sit in its files.
 *
 * <p>Why: a purge updates rows in place, but neither database overwrites the old row version. H2
 * runs with {@code REUSE_SPACE=FALSE} (crash safety), so old chunks stay in the file until it is
 * compacted; PostgreSQL keeps dead tuples until a vacuum, and a plain {@code VACUUM} only marks
 * their space free. {@code SHUTDOWN COMPACT} (H2) copies the live data into a new file that
 * replaces the old one; {@code VACUUM FULL} (PostgreSQL) rewrites the table, its TOAST table and
 * indexes into new files and deletes the old ones.
 */
final class Compaction {

  private Compaction() {}

  static Compacted run(StoreConfig config) {
    Objects.requireNonNull(config, "config");
    if (config.embedded()) {
      if (!LedgerStore.exists(config)) {
        throw NoStoreException.of(config);
      }
      return h2(config.dataDir().toAbsolutePath());
    }
    // Migrates the schema first, so a database of an older version is compacted as it will be used.
    LedgerStore.openExisting(config).close();
    return postgres(config);
  }

  private static Compacted h2(Path dataDir) {
    Path file = dataDir.resolve("ledger.mv.db");
    if (!Files.isRegularFile(file)) {
      throw new StoreException("there is no embedded store in " + dataDir + " (no ledger.mv.db)");
    }
    long before = size(file);
    try (Connection c = DriverManager.getConnection(JdbcLedgerStore.h2Url(dataDir));
        Statement s = c.createStatement()) {
      // Closes the database: it must not be open in this process, and H2's file lock keeps other
      // processes out (they get the error below).
      s.execute("SHUTDOWN COMPACT");
    } catch (SQLException e) {
      if (JdbcLedgerStore.lockedByAnotherProcess(e)) {
        throw new StoreInUseException("the data directory " + dataDir + " is in use by another lethe process; stop it first", e);
      }
      throw new StoreException("cannot compact the embedded database in " + dataDir + ": " + e.getMessage(), e);
    }
    return new Compacted("H2 " + file, before, size(file));
  }

  private static Compacted postgres(StoreConfig config) {
    try (Connection c = DriverManager.getConnection(config.jdbcUrl());
        Statement s = c.createStatement()) {
      c.setAutoCommit(true); // VACUUM cannot run inside a transaction
      long before = relationSize(s);
      s.execute("VACUUM FULL ledger_event");
      return new Compacted("PostgreSQL table ledger_event", before, relationSize(s));
    } catch (SQLException e) {
      throw new StoreException("cannot compact " + JdbcLedgerStore.describe(config) + ": " + e.getMessage(), e);
    }
  }

  private static long relationSize(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT pg_total_relation_size('ledger_event')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new StoreException("cannot read the size of " + file + ": " + e.getMessage(), e);
    }
  }
}
