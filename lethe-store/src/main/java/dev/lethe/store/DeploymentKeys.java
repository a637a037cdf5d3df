package dev.lethe.store;

import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.store.audit.Commitments;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * The deployment key where a store keeps it: {@code dataDir/deployment.key} for the embedded
 * store, {@code store_meta} row {@code deployment_key} for a database store.
 *
 * <p>Read without opening the store, because opening one creates a key when there is none, and
 * exporting a key that was made a moment ago would move nothing. Not opening it also means an
 * embedded store may be in use by another process (H2 locks the database file, not the key file).
 */
final class DeploymentKeys {

  /** What the snapshot secret commits to ({@link LedgerStore#snapshotSecret}). */
  static final String SNAPSHOT_SECRET_VALUE = "lethe/snapshot-pseudonym-key/1";

  /** SQL states of "no such table": PostgreSQL's, and H2's (a database store on H2 in tests). */
  static final Set<String> NO_TABLE = Set.of("42P01", "42S02", "42S03", "42S04");

  /** The store_meta row an embedded store records its deployment key's id in ({@link #keyId}). */
  static final String KEY_ID_META = "deployment_key_id";

  private DeploymentKeys() {}

  /** How a refusal of a key file that is not the store's own begins: which key is there, which belongs. */
  static String notOwnKey(Path keyFile, String found, String recorded) {
    return keyFile + " holds deployment key " + found + " but the store beside it was made with deployment key " + recorded;
  }

  /** The snapshot secret held by a commitment string ({@code hmac-sha256:<hex>}). */
  static byte[] secretOf(String commitment) {
    return HexFormat.of().parseHex(commitment.substring(commitment.indexOf(':') + 1));
  }

  /** The id of the erased-name key a deployment key gives: the one its name digests carry. */
  static String keyId(byte[] deploymentKey) {
    return ErasedNameKey.derive(secretOf(new Commitments(deploymentKey).commit(SNAPSHOT_SECRET_VALUE))).id();
  }

  static String export(StoreConfig config, Path out) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(out, "out");
    byte[] key = read(config);
    try {
      // Checked first so that nothing is written next to a file that is there (a dangling link
      // counts as there); the write itself fails too if the file appears meanwhile.
      if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(out.toString());
      }
      Commitments.writeNewKey(out, key);
      return keyId(key);
    } catch (FileAlreadyExistsException e) {
      throw new StoreException(out + " already exists; the deployment key is never written over a file", e);
    } catch (IOException e) {
      throw new StoreException("cannot write the deployment key to " + out + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * The store's key.
   *
   * @throws StoreException if the store has none yet, it is not a key, or it cannot be read
   */
  static byte[] read(StoreConfig config) {
    return config.embedded() ? fromFile(config.dataDir().toAbsolutePath()) : fromDatabase(config);
  }

  private static byte[] fromFile(Path dataDir) {
    Path file = dataDir.resolve(JdbcLedgerStore.DEPLOYMENT_KEY_FILE);
    if (!Files.exists(file)) {
      throw new StoreException("the embedded store in " + dataDir + " has no deployment key yet (no "
          + JdbcLedgerStore.DEPLOYMENT_KEY_FILE + "; 'lethe import' creates the store and its key)");
    }
    byte[] key;
    try {
      key = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (key.length != Commitments.KEY_LENGTH) {
      throw new StoreException(file + " does not hold a " + Commitments.KEY_LENGTH + "-byte deployment key");
    }
    requireRecordedId(dataDir, file, key);
    return key;
  }

  /**
   * Refuses a key file that is not the key the store records the id of ({@code store_meta
   * deployment_key_id}), as opening the store does: exporting it would move the deployment under
   * a wrong key. The database is read only if no other process has it open (H2 allows one); a
   * store in use was checked when that process opened it.
   */
  private static void requireRecordedId(Path dataDir, Path file, byte[] key) {
    String recorded;
    try (Connection c = DriverManager.getConnection(JdbcLedgerStore.h2Url(dataDir) + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r");
        PreparedStatement s = c.prepareStatement("SELECT meta_value FROM store_meta WHERE meta_name = ?")) {
      s.setString(1, KEY_ID_META);
      try (ResultSet rs = s.executeQuery()) {
        recorded = rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      return; // in use, or not a store yet: nothing recorded to compare with here
    }
    if (recorded != null && !recorded.equals(keyId(key))) {
      throw new StoreException(notOwnKey(file, keyId(key), recorded) + ": nothing was exported (restore the store's own key file)");
    }
  }

  private static byte[] fromDatabase(StoreConfig config) {
    String where = JdbcLedgerStore.describe(config);
    String hex;
    try (Connection c = DriverManager.getConnection(config.jdbcUrl());
        PreparedStatement s = c.prepareStatement("SELECT meta_value FROM store_meta WHERE meta_name = ?")) {
      s.setString(1, "deployment_key");
      try (ResultSet rs = s.executeQuery()) {
        hex = rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      if (!NO_TABLE.contains(e.getSQLState())) {
        throw new StoreException("cannot read the deployment key from " + where + ": " + e.getMessage(), e);
      }
      hex = null; // not a lethe store yet
    }
    if (hex == null) {
      throw new StoreException("the database " + where + " has no deployment key yet (store_meta holds none;"
          + " 'lethe import' creates the store and its key, or takes it from the "
          + JdbcLedgerStore.DEPLOYMENT_KEY_FILE + " file in --data when there is one)");
    }
    byte[] key;
    try {
      key = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length != Commitments.KEY_LENGTH) {
      throw new StoreException("the deployment key in " + where + " (store_meta deployment_key) is not "
          + Commitments.KEY_LENGTH + " bytes of hex");
    }
    return key;
  }
}
