package dev.lethe.cli;

import dev.lethe.store.LedgerStore;
import dev.lethe.store.NoStoreException;
import dev.lethe.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * {@code --data DIR} and {@code --db URL}: which store a command works on.
 *
 * <p>Only the commands that start a deployment create a store ({@link #openOrCreate}: import and
 * serve; demo makes its own); every other command refuses a directory or database that holds none
 * ({@link #open}, {@link #requireStore}), so that a mistyped {@code --data} is an error instead of
 * a new, empty store answering "unknown member" with fresh keys. A {@code --data} that names a file
 * is refused by every command.
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

  /**
   * The store's configuration.
   *
   * @throws BadInput if {@code --data} names something that is not a directory
   */
  StoreConfig config(Clock clock) {
    Path dir = dataDir();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new BadInput("--data: " + dir + " is a file, not a directory");
    }
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

  /**
   * Opens the store, creating it (database, deployment key, audit signing key) on first use: for
   * the commands that start a deployment. A command that may fail after creating it removes it
   * again with {@link NewStore#discard}.
   */
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

  /**
   * Notes what the data directory holds before {@link #openOrCreate}, so that a command that fails
   * after creating a store can take it back ({@link NewStore#discard}): bad input must leave no new
   * store with fresh keys behind, which would also block restoring the deployment's own key there.
   */
  NewStore beforeCreating(Clock clock) throws IOException {
    StoreConfig config = config(clock);
    Path dir = dataDir();
    if (LedgerStore.exists(config)) {
      return new NewStore(dir, false, false, Set.of(), config.embedded());
    }
    Set<Path> held = new HashSet<>();
    boolean existed = Files.isDirectory(dir);
    if (existed) {
      try (Stream<Path> list = Files.list(dir)) {
        list.forEach(held::add);
      }
    }
    return new NewStore(dir, true, existed, held, config.embedded());
  }

  /** The files a new embedded store makes in its data directory, and nothing else is ever removed. */
  private static final List<String> STORE_FILES = List.of(LedgerStore.EMBEDDED_DATABASE_FILE, "ledger.trace.db",
      "deployment.key", "audit-signing.key", "audit-checkpoint.note", "audit-checkpoint.note.lock");

  /**
   * A store {@link #openOrCreate} may be about to create.
   *
   * @param created whether there was no store before, so that one opened now may be new
   * @param dirExisted whether the data directory existed before
   * @param held what the data directory held before (a deployment key put there to import under
   *     it stays)
   * @param embedded whether the database lives in the data directory (no {@code --db})
   */
  record NewStore(Path dir, boolean created, boolean dirExisted, Set<Path> held, boolean embedded) {

    /**
     * Removes what a new embedded store made under the data directory since: its database and key
     * files (those only, and only the ones that were not there before), and the directory itself
     * if it is new and empty. Nothing if a store was there before, and nothing with {@code --db}:
     * that database keeps the tables and the audit key it recorded, whose key file must then stay.
     * The store must be closed.
     */
    void discard() throws IOException {
      if (!created || !embedded || !Files.isDirectory(dir)) {
        return;
      }
      for (String name : STORE_FILES) {
        Path p = dir.resolve(name);
        if (!held.contains(p)) {
          Files.deleteIfExists(p);
        }
      }
      if (!dirExisted) {
        try (Stream<Path> list = Files.list(dir)) {
          if (list.findAny().isEmpty()) {
            Files.delete(dir);
          }
        }
      }
    }
  }

  private BadInput noStore(NoStoreException e) {
    return new BadInput(e.getMessage() + ": check " + (db != null ? "--db" : "--data")
        + "; 'lethe import' creates a store from a ledger file");
  }
}
