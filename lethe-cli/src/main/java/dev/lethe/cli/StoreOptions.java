package dev.lethe.cli;

import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/** {@code --data DIR} and {@code --db URL}: which store a command works on. */
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

  StoreConfig config(Clock clock) {
    Path dir = data != null ? data : Path.of(System.getProperty("user.home"), ".lethe");
    StoreConfig config = db == null ? StoreConfig.embedded(dir) : StoreConfig.database(db, dir);
    return config.withClock(clock);
  }

  LedgerStore open(Clock clock) {
    return LedgerStore.open(config(clock));
  }
}
