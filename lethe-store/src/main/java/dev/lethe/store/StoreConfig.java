package dev.lethe.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Where a store keeps its data and keys.
 *
 * <p>Embedded: an H2 database in file mode under {@code dataDir}, next to the deployment key and
 * the audit signing key. Database: any JDBC URL (PostgreSQL 15 or newer in production); the
 * deployment key then lives in the database, so every instance commits member ids alike (taken,
 * when the database has none yet, from {@code dataDir/deployment.key} if that file exists, so a
 * deployment moving its ledger to a new database keeps its key), and the audit signing key under
 * {@code dataDir}.
 *
 * @param dataDir directory for the embedded database and the key files
 * @param jdbcUrl the database, or {@code null} for the embedded one under {@code dataDir}
 * @param clock source of "now" for audit records
 */
public record StoreConfig(Path dataDir, String jdbcUrl, Clock clock) {

  public StoreConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(clock, "clock");
  }

  /** The embedded H2 store under {@code dataDir}, with the system UTC clock. */
  public static StoreConfig embedded(Path dataDir) {
    return new StoreConfig(dataDir, null, Clock.systemUTC());
  }

  /** A store in the database at {@code jdbcUrl}, with its signing key under {@code keyDir}. */
  public static StoreConfig database(String jdbcUrl, Path keyDir) {
    return new StoreConfig(keyDir, Objects.requireNonNull(jdbcUrl, "jdbcUrl"), Clock.systemUTC());
  }

  /** The same configuration with another clock. */
  public StoreConfig withClock(Clock newClock) {
    return new StoreConfig(dataDir, jdbcUrl, newClock);
  }

  /** Whether this is the embedded H2 store. */
  public boolean embedded() {
    return jdbcUrl == null;
  }
}
