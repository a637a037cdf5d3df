package dev.lethe.cli;

import dev.lethe.store.LedgerStore;
import dev.lethe.store.NoStoreException;
import dev.lethe.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * {@code --data DIR} and {@code --db URL}: which store a command works on.
 *
 * <p>Only the commands that put data into a store create one ({@link #openOrCreate}: import,
 * build, serve); every other command refuses a directory or database that holds none ({@link
 * #open}, {@link #requireStore}), so that a mistyped {@code --data} is an error instead of a new,
 * empty store answering "unknown member" with fresh keys.
 */
final class StoreOptions {

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory: the embedded database and the key files (default ~/.lethe).")
  Path data;

  @Option(
      names = "--db",
      paramLabel = "URL",
      description = "JDBC URL of a PostgreSQL 15+ database, e.g. jdbc:postgresql://host/lethe?user=u&password=p;"
          + " the audit signing key then stays under --data.")
  String db;

  /** The data directory: {@code --data}, or {@code ~/.lethe}; the key files live there even with --db. */
  Path dataDir() {
    return data != null ? data : Path.of(System.getProperty("user.home"), ".lethe");
  }

  StoreConfig config(Clock clock) {
    Path dir = dataDir();
    StoreConfig config = db == null ? StoreConfig.embedded(dir) : StoreConfig.database(db, dir);
    return config.withClock(clock);
  }

  /**
   * Opens the store, which must exist.
   *
   * @throws BadInput if there is none where the options point; nothing was created
   */
  LedgerStore open(Clock clock) {
    try {
      return LedgerStore.openExisting(config(clock));
    } catch (NoStoreException e) {
      throw noStore(e);
    }
  }

  /** Opens the store, creating it (database, deployment key, audit signing key) on first use. */
  LedgerStore openOrCreate(Clock clock) {
    return LedgerStore.open(config(clock));
  }

  /**
   * Refuses, without opening the store, when there is none where the options point: for commands
   * that read only files under the data directory (models), so that a mistyped directory is not
   * taken for an empty one.
   *
   * @throws BadInput if there is no store
   */
  void requireStore() {
    StoreConfig config = config(Clock.systemUTC());
    if (!LedgerStore.exists(config)) {
      throw noStore(NoStoreException.of(config));
    }
  }

  private BadInput noStore(NoStoreException e) {
    return new BadInput(e.getMessage() + ": check " + (db != null ? "--db" : "--data")
        + "; 'lethe import' creates a store from a ledger file");
  }
}
