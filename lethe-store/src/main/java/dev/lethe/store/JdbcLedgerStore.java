package dev.lethe.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.Erasure;
import dev.lethe.core.event.EventCodec;
import dev.lethe.core.event.InvalidEventException;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ContentDeleted;
import dev.lethe.core.event.LedgerEvent.ContentPosted;
import dev.lethe.core.event.LedgerEvent.ErasureRequested;
import dev.lethe.core.event.LedgerEvent.MemberRegistered;
import dev.lethe.core.event.LedgerEvent.ObjectionDecided;
import dev.lethe.core.event.LedgerEvent.ObjectionFiled;
import dev.lethe.core.event.LedgerEvent.PolicyPublished;
import dev.lethe.core.event.LedgerEvent.Query;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerException;
import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.store.audit.AuditKey;
import dev.lethe.store.audit.AuditLeaves;
import dev.lethe.store.audit.AuditReport;
import dev.lethe.store.audit.Checkpoint;
import dev.lethe.store.audit.Commitments;
import dev.lethe.store.audit.Frontier;
import dev.lethe.store.audit.InclusionProof;
import dev.lethe.store.audit.KeptCheckpoint;
import dev.lethe.store.audit.KeyRotation;
import dev.lethe.store.audit.Merkle;
import dev.lethe.store.audit.NoteKey;
import dev.lethe.store.audit.SignedCheckpoint;
import dev.lethe.store.audit.SigningKeyFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.roaringbitmap.RoaringBitmap;

/** The JDBC implementation of {@link LedgerStore}; see there for the contract. */
final class JdbcLedgerStore implements LedgerStore {

  private static final ObjectMapper MAPPER = LedgerReader.mapper();
  private static final int IN_LIST_CHUNK = 500;
  private static final String ORIGIN_PREFIX = "lethe.dev/audit/";
  /** store_meta names of rotated keys: audit_key.1, audit_key.2, ... */
  private static final String KEY_META = "audit_key.";

  /** Event types that never bear on a member's decision: skipped when deciding. */
  private static final String NOT_CONTENT = "event_type NOT IN ('content.posted', 'content.deleted')";

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final StoreConfig config;
  private final AuditLeaves auditLeaves;
  /** The key erasure digests a member's name under ({@link Erasure#purge}); derived from the deployment key. */
  private final ErasedNameKey nameKey;
  private final String origin;
  /** The log's first signing key (store_meta audit_public_key); later ones come from rotations. */
  private final NoteKey firstKey;
  private final SigningKeyFiles keyFiles;
  /** The latest signed checkpoint kept in the data directory, out of a database-only writer's reach. */
  private final KeptCheckpoint kept;
  /**
   * The private key last found to be the log's current key. Another process may rotate the key
   * at any time, so every signature first checks it against the current key in the database.
   */
  private volatile NoteKey signer;

  private final ReentrantLock writeLock = new ReentrantLock();
  /** Started on the first append; see {@link GroupWriter}. */
  private volatile GroupWriter writer;
  private volatile boolean closed;
  /** The audit tree's right edge as of the last commit of this process; guarded by writeLock. */
  private Frontier frontier;

  private final AtomicReference<Policies> policies = new AtomicReference<>(Policies.NONE);

  /** Flyway's history table: its presence is what makes a database a store. */
  private static final String SCHEMA_HISTORY = "lethe_schema_history";

  /** The embedded store's deployment key, or a database store's first key when present. */
  static final String DEPLOYMENT_KEY_FILE = "deployment.key";

  private JdbcLedgerStore(
      HikariDataSource dataSource,
      Jdbi jdbi,
      StoreConfig config,
      AuditLeaves auditLeaves,
      String origin,
      NoteKey firstKey,
      SigningKeyFiles keyFiles) {
    this.dataSource = dataSource;
    this.jdbi = jdbi;
    this.config = config;
    this.auditLeaves = auditLeaves;
    this.nameKey = erasedNameKey();
    this.origin = origin;
    this.firstKey = firstKey;
    this.keyFiles = keyFiles;
    this.kept = new KeptCheckpoint(config.dataDir().toAbsolutePath());
  }

  // ---------------------------------------------------------------- opening

  static JdbcLedgerStore open(StoreConfig config, boolean create) {
    Objects.requireNonNull(config, "config");
    Path dataDir = config.dataDir().toAbsolutePath();
    Path keyFile = dataDir.resolve(DEPLOYMENT_KEY_FILE);
    // Checked before anything is created: H2 would create the database file on connecting, and a
    // new store gets new keys, so a mistyped directory must be refused before either happens.
    if (config.embedded()) {
      boolean exists = embeddedExists(dataDir);
      if (!create && !exists) {
        throw noStore(config);
      }
      // A database whose key file is gone (copied without it, or deleted) must not be given a new
      // key, by any command: its audit leaves commit under the old one, so a new key would make
      // every leaf fail verification and take the place of the one that is to be restored.
      if (exists && !Files.exists(keyFile)) {
        throw new StoreException("the data directory " + dataDir + " holds " + LedgerStore.EMBEDDED_DATABASE_FILE
            + " but not its " + DEPLOYMENT_KEY_FILE + ": restore the key file (it was not created; 'lethe store"
            + " export-key' writes a copy of a store's key)");
      }
    }
    String url = config.embedded() ? h2Url(dataDir) : config.jdbcUrl();
    HikariDataSource ds = config.embedded() ? null : pool(url, false, dataDir);
    byte[] embeddedKey;
    try {
      if (ds != null) {
        checkDatabase(ds);
        if (!create && !hasSchema(ds)) {
          throw noStore(config);
        }
        if (Files.exists(keyFile)) {
          // Before migrating, so that a refusal changes nothing in the database.
          Optional<byte[]> recorded = recordedDeploymentKey(ds, config);
          if (recorded.isPresent()) {
            requireSameKey(keyFile, Commitments.loadKey(keyFile), recorded.get(), config);
          }
        }
      }
      if (create) {
        Files.createDirectories(dataDir);
      }
      // A new embedded store's key is written before H2 creates the database file, so that a
      // process dying in between never leaves a database without its key (which is refused above).
      embeddedKey = !config.embedded() ? null : create ? Commitments.loadOrCreateKey(keyFile) : Commitments.loadKey(keyFile);
    } catch (IOException | RuntimeException e) {
      if (ds != null) {
        ds.close();
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new StoreException("cannot create the data directory or read its deployment key in " + dataDir + ": " + e.getMessage(), e);
    }
    if (ds == null) {
      ds = pool(url, true, dataDir);
    }
    try {
      if (config.embedded()) {
        checkDatabase(ds);
      }
      migrate(ds, config);
      Jdbi jdbi = Jdbi.create(ds);
      String deploymentId = create ? metaOnce(jdbi, "deployment_id", () -> randomHex(16)) : requiredMeta(jdbi, "deployment_id", config);
      byte[] key;
      if (config.embedded()) {
        key = embeddedKey;
        requireOwnKeyFile(jdbi, keyFile, key);
      } else if (create) {
        // A database store takes its first key from a deployment.key file in the key directory
        // when there is one: how a store moved from another deployment keeps its key (erased
        // members' name digests in an export only match under the key they were made with).
        byte[] fileKey = Files.exists(keyFile) ? Commitments.loadKey(keyFile) : null;
        byte[] seed = fileKey != null ? fileKey : Commitments.newKey();
        key = HexFormat.of().parseHex(metaOnce(jdbi, "deployment_key", () -> Merkle.hex(seed)));
        if (fileKey != null) {
          // Another process created the store with its own key between the check above and now.
          requireSameKey(keyFile, fileKey, key, config);
        }
      } else {
        key = HexFormat.of().parseHex(requiredMeta(jdbi, "deployment_key", config));
      }
      String origin = ORIGIN_PREFIX + deploymentId;
      SigningKeyFiles keyFiles = new SigningKeyFiles(dataDir);
      // The signing key file is made only with the log's first key. Once the log has a key, a
      // fresh file could never sign for it (see signerFor) and would only hide that the real one
      // is missing; reading needs no private key at all.
      Optional<String> logKey = jdbi.withHandle(h -> readMeta(h, "audit_public_key"));
      String recorded;
      if (logKey.isPresent()) {
        recorded = logKey.get();
      } else if (create) {
        NoteKey local = NoteKey.of(origin, keyFiles.loadOrCreateActive());
        recorded = metaOnce(jdbi, "audit_public_key", () -> Merkle.hex(local.rawPublicKey()));
      } else {
        recorded = requiredMeta(jdbi, "audit_public_key", config);
      }
      NoteKey firstKey = NoteKey.verifier(origin, HexFormat.of().parseHex(recorded));
      JdbcLedgerStore store =
          new JdbcLedgerStore(ds, jdbi, config, new AuditLeaves(new Commitments(key)), origin, firstKey, keyFiles);
      store.purgeLeftovers();
      // Finds this machine's copy of the current key now, completing a rotation cut short after
      // its commit; a machine without it still reads, and fails only when asked to sign.
      List<AuditKey> history = jdbi.withHandle(store::readKeys);
      keyFiles.find(history.get(history.size() - 1).key().rawPublicKey())
          .ifPresent(pair -> store.signer = NoteKey.of(origin, pair));
      return store;
    } catch (IOException e) {
      ds.close();
      throw new StoreException("cannot read or create a key: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      ds.close();
      if (e instanceof StoreException) {
        throw e;
      }
      throw new StoreException("cannot open the store at " + describe(config) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Migrations that a store may lack while holding later ones, and that are applied out of order
   * when it does. Main held V4 (erased rows) without V3 (snapshot records) for a while, because V4
   * landed before V3 was rebased on top of it, so a store made or opened by a build of that window
   * has V1, V2 and V4. V3 only creates {@code snapshot_record}, which references V2's
   * {@code snapshot_root}; V4 only adds a column to V1's {@code ledger_event}. Neither reads what
   * the other writes, so V3 after V4 gives the schema V3 before V4 gives. A missing migration not
   * listed here may depend on its order and is refused ({@link #migrate}).
   */
  static final Set<String> ORDER_INDEPENDENT = Set.of("3");

  /**
   * Brings the schema up to this build's migrations. A store that lacks a migration below its
   * newest applied one (Flyway's "ignored" state, which Flyway itself only reports as a failed
   * validation) gets it applied out of order if it is in {@link #ORDER_INDEPENDENT}, and is
   * otherwise refused before anything is migrated.
   */
  private static void migrate(HikariDataSource ds, StoreConfig config) {
    Flyway inOrder = flyway(ds, false);
    MigrationInfoService info = inOrder.info();
    List<MigrationInfo> missing = Arrays.stream(info.all()).filter(m -> m.getState() == MigrationState.IGNORED).toList();
    if (missing.isEmpty()) {
      inOrder.migrate();
      return;
    }
    List<String> unsafe = missing.stream()
        .filter(m -> !ORDER_INDEPENDENT.contains(m.getVersion().getVersion()))
        .map(m -> "V" + m.getVersion().getVersion() + " (" + m.getDescription() + ")")
        .toList();
    if (!unsafe.isEmpty()) {
      throw new StoreException("the store at " + describe(config) + " has schema migrations up to V"
          + info.current().getVersion().getVersion() + " applied but not " + String.join(", ", unsafe)
          + ", which cannot safely be applied after later ones: the store was not opened and nothing was changed"
          + " (it was written by a build whose migrations differ from this one's: open it with that build, 'lethe"
          + " export' its ledger and 'lethe import' it into a new store, with the deployment.key 'lethe store"
          + " export-key' writes)");
    }
    flyway(ds, true).migrate();
  }

  private static Flyway flyway(HikariDataSource ds, boolean outOfOrder) {
    return Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/lethe")
        .table(SCHEMA_HISTORY)
        .outOfOrder(outOfOrder)
        .load();
  }

  /**
   * The deployment key a database store records in {@code store_meta}, if it has one yet.
   *
   * @throws StoreException if it cannot be read or is not a key
   */
  private static Optional<byte[]> recordedDeploymentKey(HikariDataSource ds, StoreConfig config) {
    String hex;
    try (Connection c = ds.getConnection();
        java.sql.PreparedStatement s = c.prepareStatement("SELECT meta_value FROM store_meta WHERE meta_name = ?")) {
      s.setString(1, "deployment_key");
      try (ResultSet rs = s.executeQuery()) {
        hex = rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      if (DeploymentKeys.NO_TABLE.contains(e.getSQLState())) {
        return Optional.empty(); // not a store yet (or one whose creation stopped before V1)
      }
      throw new StoreException("cannot read the deployment key from " + describe(config) + ": " + e.getMessage(), e);
    }
    if (hex == null) {
      return Optional.empty();
    }
    try {
      byte[] key = HexFormat.of().parseHex(hex);
      if (key.length == Commitments.KEY_LENGTH) {
        return Optional.of(key);
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new StoreException("the deployment key in " + describe(config) + " (store_meta deployment_key) is not "
        + Commitments.KEY_LENGTH + " bytes of hex");
  }

  /**
   * Refuses an embedded store whose {@code deployment.key} is not the key it was made with. The
   * database holds the key's id ({@code store_meta deployment_key_id}, recorded when the store
   * first opens with it), not the key: a key file replaced by another one (a restore from the
   * wrong backup, another deployment's key copied over it) would otherwise give every new audit
   * leaf commitments that fail verification, new pseudonym keys, and a deployment fingerprint
   * under which the store's own snapshots read as another deployment's.
   */
  private static void requireOwnKeyFile(Jdbi jdbi, Path keyFile, byte[] key) {
    String found = DeploymentKeys.keyId(key);
    Optional<String> known = jdbi.withHandle(h -> readMeta(h, DeploymentKeys.KEY_ID_META));
    if (known.isEmpty()) {
      // First opened by a version that records the id: a key file replaced before then must not
      // be recorded as the store's own, so the key is first checked against the log itself.
      String mismatch = leafMismatch(jdbi, key);
      if (mismatch != null) {
        throw new StoreException(keyFile + " holds deployment key " + found + ", which is not the key the store beside it"
            + " was made with (" + mismatch + "): the store was not opened and nothing was changed (restore the store's"
            + " own key file, from the backup the database came from)");
      }
    }
    String recorded = known.orElseGet(() -> metaOnce(jdbi, DeploymentKeys.KEY_ID_META, () -> found));
    if (!recorded.equals(found)) {
      throw new StoreException(DeploymentKeys.notOwnKey(keyFile, found, recorded) + ": the store was not opened and nothing was"
          + " changed (restore the store's own key file, from the backup the database came from, or 'lethe store export-key'"
          + " of a copy that has it)");
    }
  }

  /**
   * Why {@code key} is not the one the log's leaves commit under, or null if it is (or nothing
   * shows: no ledger event about a member whose leaf still holds its commitments). The leaf of
   * the first such event is made again under the key and compared with the stored one.
   */
  private static String leafMismatch(Jdbi jdbi, byte[] key) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT e.seq, e.body, l.leaf_bytes FROM ledger_event e JOIN audit_leaf l ON l.leaf_index = e.leaf_index"
                + " WHERE e.purged_by IS NULL AND e.member_no IS NOT NULL ORDER BY e.seq LIMIT 1")
        .map((rs, ctx) -> {
          long seq = rs.getLong(1);
          try {
            ObjectNode body = (ObjectNode) MAPPER.readTree(rs.getString(2));
            byte[] want = new AuditLeaves(new Commitments(key)).eventLeaf(seq, body);
            return java.util.Arrays.equals(want, rs.getBytes(3)) ? ""
                : "the audit leaf of ledger event " + seq + " does not commit under it";
          } catch (JsonProcessingException | ClassCastException e) {
            return ""; // a damaged row is the audit check's to report, not a key mismatch
          }
        })
        .findFirst()
        .filter(m -> !m.isEmpty())
        .orElse(null));
  }

  /**
   * Refuses a {@code deployment.key} file beside a database store that records another key. The
   * database's key is the one its audit leaves commit under, so the file cannot be used; ignoring
   * it would leave whoever put it there believing the store runs on it (an import of another
   * deployment's export, a key meant for a different database, a {@code --data} of another
   * deployment). The embedded store refuses a database without its key file the same way: both
   * open and openExisting, before anything is created or migrated.
   */
  private static void requireSameKey(Path keyFile, byte[] fileKey, byte[] recorded, StoreConfig config) {
    if (!java.security.MessageDigest.isEqual(fileKey, recorded)) {
      throw new StoreException(keyFile + " holds deployment key " + DeploymentKeys.keyId(fileKey) + " but the database "
          + describe(config) + " records deployment key " + DeploymentKeys.keyId(recorded) + " in store_meta: the store"
          + " was not opened and nothing was changed (a database store keeps its own key; remove or move the file if"
          + " it is stale, or use the --data directory of this database's deployment; 'lethe store export-key' writes"
          + " the database's key to a file)");
    }
  }

  /**
   * A meta value that {@link #open} with {@code create} made; its absence means the store's
   * creation was cut short, which only opening it to write completes.
   */
  private static String requiredMeta(Jdbi jdbi, String name, StoreConfig config) {
    return jdbi.withHandle(h -> readMeta(h, name))
        .orElseThrow(() -> new StoreException("the store at " + describe(config) + " is incomplete: store_meta holds no "
            + name + " (its creation was cut short; a command that creates stores, such as 'lethe import', completes it)"));
  }

  static boolean exists(StoreConfig config) {
    Objects.requireNonNull(config, "config");
    if (config.embedded()) {
      return embeddedExists(config.dataDir().toAbsolutePath());
    }
    try (Connection c = DriverManager.getConnection(config.jdbcUrl())) {
      return hasSchema(c);
    } catch (SQLException e) {
      throw new StoreException("cannot connect to " + describe(config) + ": " + e.getMessage(), e);
    }
  }

  private static boolean embeddedExists(Path dataDir) {
    return Files.isRegularFile(dataDir.resolve(LedgerStore.EMBEDDED_DATABASE_FILE));
  }

  private static NoStoreException noStore(StoreConfig config) {
    return NoStoreException.of(config);
  }

  private static boolean hasSchema(HikariDataSource ds) {
    try (Connection c = ds.getConnection()) {
      return hasSchema(c);
    } catch (SQLException e) {
      throw new StoreException("cannot connect: " + e.getMessage(), e);
    }
  }

  /**
   * Whether the connection's schema holds the store's Flyway history table, which Flyway creates
   * with the first migration in the schema it migrates, the one the store then uses. Looked up in
   * the catalog, ignoring case: Flyway quotes the lower-case name, while an unquoted name in a query
   * would be folded to upper case by H2 (without {@code DATABASE_TO_LOWER}) and not be found.
   */
  private static boolean hasSchema(Connection c) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    String schema = c.getSchema();
    String pattern = schema == null ? null : escapePattern(schema, md.getSearchStringEscape());
    try (ResultSet rs = md.getTables(c.getCatalog(), pattern, "%", null)) {
      while (rs.next()) {
        if (SCHEMA_HISTORY.equalsIgnoreCase(rs.getString("TABLE_NAME"))
            && (schema == null || schema.equals(rs.getString("TABLE_SCHEM")))) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code name} as a catalog search pattern matching itself only. */
  private static String escapePattern(String name, String escape) {
    if (escape == null || escape.isEmpty()) {
      return name;
    }
    return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
  }

  static String describe(StoreConfig config) {
    return config.embedded() ? config.dataDir().toString() : config.jdbcUrl().replaceAll("password=[^&;]*", "password=***");
  }

  static String h2Url(Path dataDir) {
    // WRITE_DELAY=0: a commit writes its changes before returning (H2's default lets 500 ms of
    // commits sit in memory). REUSE_SPACE=FALSE: new chunks never overwrite freed space; with
    // reuse on, the SIGKILL crash test saw whole rounds of acknowledged, synced commits vanish
    // when the next process recovered the file. The file is compacted when the store closes.
    return "jdbc:h2:file:" + dataDir.resolve("ledger")
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;REUSE_SPACE=FALSE";
  }

  private static HikariDataSource pool(String url, boolean embedded, Path dataDir) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setPoolName("lethe-store");
    hc.setMaximumPoolSize(embedded ? 4 : 8);
    hc.setMinimumIdle(1);
    hc.setAutoCommit(true);
    try {
      return new HikariDataSource(hc);
    } catch (RuntimeException e) {
      if (embedded && lockedByAnotherProcess(e)) {
        throw new StoreInUseException("the data directory " + dataDir + " is in use by another lethe process (the embedded"
            + " database allows one process; use PostgreSQL for concurrent access)", e);
      }
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StoreException("cannot connect to " + url.replaceAll("password=[^&;]*", "password=***") + ": " + cause.getMessage(), e);
    }
  }

  /** H2's DATABASE_ALREADY_OPEN_1: another process holds the file lock of the database file. */
  static boolean lockedByAnotherProcess(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == 90020) {
        return true;
      }
    }
    return false;
  }

  private static void checkDatabase(HikariDataSource ds) {
    try (Connection c = ds.getConnection()) {
      DatabaseMetaData md = c.getMetaData();
      String product = md.getDatabaseProductName();
      if (product.equalsIgnoreCase("PostgreSQL") && md.getDatabaseMajorVersion() < 15) {
        throw new StoreException(
            "PostgreSQL 15 or newer is required (the store uses MERGE); this server is " + md.getDatabaseProductVersion());
      }
      if (!product.equalsIgnoreCase("PostgreSQL") && !product.equalsIgnoreCase("H2")) {
        throw new StoreException("the store runs on PostgreSQL or H2, not " + product);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot connect: " + e.getMessage(), e);
    }
  }

  /** Reads a meta value, creating it with {@code create} if absent; concurrent creators agree. */
  private static String metaOnce(Jdbi jdbi, String name, java.util.function.Supplier<String> create) {
    for (int attempt = 0; ; attempt++) {
      Optional<String> value = jdbi.withHandle(h -> readMeta(h, name));
      if (value.isPresent()) {
        return value.get();
      }
      String fresh = create.get();
      try {
        jdbi.useHandle(
            h ->
                h.createUpdate(
                        "MERGE INTO store_meta m USING (VALUES (CAST(:name AS VARCHAR(64)), CAST(:value AS VARCHAR(4000))))"
                            + " AS s(meta_name, meta_value) ON m.meta_name = s.meta_name"
                            + " WHEN NOT MATCHED THEN INSERT (meta_name, meta_value) VALUES (s.meta_name, s.meta_value)")
                    .bind("name", name)
                    .bind("value", fresh)
                    .execute());
      } catch (JdbiException e) {
        // Two processes created it at once and this one lost the race on the primary key: read theirs.
        if (attempt >= 2) {
          throw e;
        }
      }
    }
  }

  private static Optional<String> readMeta(Handle h, String name) {
    return h.createQuery("SELECT meta_value FROM store_meta WHERE meta_name = :name")
        .bind("name", name)
        .mapTo(String.class)
        .findOne();
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return Merkle.hex(b);
  }

  // ---------------------------------------------------------------- appending

  /**
   * One event of a call to append, decoded before any lock is taken. It keeps the typed event
   * (validation needs it) and the body as stored, but not the JSON tree: a tree takes several
   * times the memory of its text, and an import holds every event of its file at once. The tree
   * is parsed again from the body when the event is staged (its audit leaf, a purge) or compared
   * under a client id.
   */
  private static final class Item {
    final int index;
    final LedgerEvent event;
    final String body;
    final String clientId;
    String canonical;

    Item(int index, LedgerEvent event, String body, String clientId) {
      this.index = index;
      this.event = event;
      this.body = body;
      this.clientId = clientId;
    }

    /** The event's JSON object, parsed from its body (which is what was parsed, re-written compactly). */
    ObjectNode json() {
      try {
        return (ObjectNode) MAPPER.readTree(body);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a body written from a parsed JSON object is always readable", e);
      }
    }

    String canonical() {
      if (canonical == null) {
        canonical = AuditLeaves.canonicalString(json());
      }
      return canonical;
    }
  }

  @Override
  public AppendResult append(String json, String clientId) throws EventRejectedException {
    return appendBatch(List.of(new Append(json, clientId))).get(0);
  }

  @Override
  public AppendResult append(LedgerEvent event, String clientId) throws EventRejectedException {
    return appendBatch(List.of(Append.of(event, clientId))).get(0);
  }

  @Override
  public List<AppendResult> appendBatch(List<Append> events) throws EventRejectedException {
    List<Item> items = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      items.add(decode(i, events.get(i)));
    }
    if (items.isEmpty()) {
      return List.of();
    }
    Pending pending = new Pending(items);
    GroupWriter w = writer();
    w.queue.add(pending);
    if (closed && w.queue.remove(pending)) {
      throw new StoreException("the store is closed");
    }
    try {
      return pending.done.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof EventRejectedException r) {
        throw new EventRejectedException(r.index(), r.problem());
      }
      if (cause instanceof StoreException s) {
        throw new StoreException(s.getMessage(), s);
      }
      throw new StoreException("the write failed: " + cause, cause);
    }
  }

  private Item decode(int index, Append append) throws EventRejectedException {
    Objects.requireNonNull(append, "append");
    LedgerLine line;
    try {
      line = LedgerReader.parseLine(index + 1, append.json());
    } catch (LedgerFormatException e) {
      throw new EventRejectedException(index, e.problem());
    }
    if (line == null) {
      throw new EventRejectedException(index, "an event must be a JSON object");
    }
    if (line.event() instanceof Query) {
      throw new EventRejectedException(index, "a query asks for a decision and is never stored");
    }
    if (line.event() instanceof MemberRegistered r && r.nameDigest() != null) {
      // An erased member's registration from an export: its digest is only honoured under the
      // key it was made with, so one from another deployment would leave the name unprotected.
      try {
        nameKey.check(r.nameDigest());
      } catch (IllegalArgumentException e) {
        throw new EventRejectedException(index, "\"name_digest\": " + e.getMessage()
            + " (to move a deployment to a new store, put its deployment.key, which 'lethe store export-key' writes,"
            + " in the new data directory before the first open)");
      }
    }
    try {
      String body = MAPPER.writeValueAsString(line.json());
      // Usually the caller's text is already compact (an import re-writes each line so): share it.
      return new Item(index, line.event(), body.equals(append.json()) ? append.json() : body, append.clientId());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON object is always writable", e);
    }
  }

  // ---------------------------------------------------------------- group commit

  /** Rows of a batch staged in memory before they are written, within its transaction. */
  static final int WRITE_CHUNK = 10_000;

  /** {@link #WRITE_CHUNK}, smaller in tests to cross chunk boundaries with small batches. */
  private volatile int writeChunk = WRITE_CHUNK;

  /** Sets how many event rows are staged before they are written (tests). */
  void writeChunk(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("a write chunk holds at least one row");
    }
    writeChunk = rows;
  }

  /** Most calls to {@link #appendBatch} committed together in one transaction. */
  private static final int MAX_GROUP = 256;

  /** One caller's {@link #appendBatch}, waiting for the writer thread. */
  private static final class Pending {
    static final Pending STOP = new Pending(List.of());

    final List<Item> items;
    final CompletableFuture<List<AppendResult>> done = new CompletableFuture<>();

    Pending(List<Item> items) {
      this.items = items;
    }
  }

  /**
   * The single thread that commits appends. Concurrent callers queue their batches; the writer
   * takes whatever has queued up while the previous transaction ran (up to {@link #MAX_GROUP}),
   * validates each batch in queue order against the stored ledger plus the batches accepted
   * before it, writes every accepted one in one transaction, commits once, and only then
   * completes the callers. A rejected batch fails alone; a database failure fails the group. Why:
   * the commit (and, on H2, the sync) is the expensive part of an append, and it is paid once per
   * group instead of once per caller, while the validation and seq order stay exactly those of
   * appending the batches one after another.
   */
  private final class GroupWriter implements Runnable {
    final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    final Thread thread;

    GroupWriter() {
      thread = new Thread(this, "lethe-store-writer");
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      List<Pending> group = new ArrayList<>();
      while (true) {
        group.clear();
        try {
          group.add(queue.take());
        } catch (InterruptedException e) {
          return; // only close() interrupts, after the queue was stopped
        }
        queue.drainTo(group, MAX_GROUP - 1);
        int stop = group.indexOf(Pending.STOP);
        if (stop >= 0) {
          List<Pending> last = new ArrayList<>(group.subList(0, stop));
          List<Pending> after = new ArrayList<>(group.subList(stop + 1, group.size()));
          if (!last.isEmpty()) {
            commitGroup(last);
          }
          after.forEach(p -> p.done.completeExceptionally(new StoreException("the store is closed")));
          return;
        }
        commitGroup(group);
      }
    }
  }

  private GroupWriter writer() {
    GroupWriter w = writer;
    if (w == null) {
      synchronized (this) {
        if (closed) {
          throw new StoreException("the store is closed");
        }
        if (writer == null) {
          GroupWriter fresh = new GroupWriter();
          fresh.thread.start();
          writer = fresh;
        }
        w = writer;
      }
    }
    return w;
  }

  private void commitGroup(List<Pending> group) {
    GroupResult[] outcome = new GroupResult[1];
    try {
      write(tx -> {
        outcome[0] = appendGroup(tx, group);
        return null;
      });
    } catch (RuntimeException | EventRejectedException | Error e) {
      Throwable failure = e instanceof StoreException ? e : new StoreException("the write failed: " + rootMessage(e), e);
      group.forEach(p -> p.done.completeExceptionally(failure));
      return;
    }
    for (int i = 0; i < group.size(); i++) {
      Object r = outcome[0].results.get(i);
      if (r instanceof EventRejectedException rejected) {
        group.get(i).done.completeExceptionally(rejected);
      } else {
        @SuppressWarnings("unchecked")
        List<AppendResult> ok = (List<AppendResult>) r;
        group.get(i).done.complete(ok);
      }
    }
  }

  /** Per batch of a group, in group order: its results, or the rejection that failed it alone. */
  private record GroupResult(List<Object> results) {}

  /** A new event accepted earlier in the same group, with the member it belongs to. */
  private record Accepted(LedgerEvent event, Integer memberNo) {}

  /** What one group's validation reads once and updates as batches are accepted. */
  private final class GroupState {
    final Tx tx;
    final Map<String, StoredRow> storedByClientId;
    final Map<String, Integer> numbersById;
    final Map<String, Integer> objectionOwner;
    final Map<String, Integer> contentOwner;
    final Map<Integer, List<Row>> rowsByMember = new HashMap<>();
    final List<Row> policyRows;
    final List<Accepted> accepted = new ArrayList<>();
    /** Client ids accepted earlier in this group: canonical event and result. */
    final Map<String, Map.Entry<String, AppendResult>> groupClientIds = new HashMap<>();
    /** Per member who asked for erasure (stored or accepted in this group): the first erasure's seq. */
    final Map<Integer, Long> erasedBy = new HashMap<>();
    /** Members whose erasure this group accepted: their rows stored before it are purged at the end. */
    final Set<Integer> newlyErased = new LinkedHashSet<>();
    final PreparedBatch events;
    final PreparedBatch members;
    final PreparedBatch objections;
    final PreparedBatch contents;

    GroupState(Tx tx, List<Item> all) {
      this.tx = tx;
      Handle h = tx.h;
      storedByClientId = storedClientIds(h, all);
      Set<String> memberIds = new LinkedHashSet<>();
      Set<String> objectionIds = new LinkedHashSet<>();
      Set<String> contentIds = new LinkedHashSet<>();
      for (Item item : all) {
        LedgerEvent e = item.event;
        if (e.member() != null) {
          memberIds.add(e.member());
        }
        if (e instanceof ObjectionDecided d) {
          objectionIds.add(d.objection());
        } else if (e instanceof ObjectionFiled f) {
          objectionIds.add(f.objection());
        } else if (e instanceof ContentDeleted d) {
          contentIds.add(d.content());
        } else if (e instanceof ContentPosted p) {
          contentIds.add(p.content());
        }
      }
      numbersById = lookup(h, "SELECT member_id, member_no FROM ledger_member WHERE member_id IN (<ids>)", memberIds);
      objectionOwner = lookup(h, "SELECT objection_id, member_no FROM ledger_objection WHERE objection_id IN (<ids>)", objectionIds);
      contentOwner = lookup(h, "SELECT content_id, member_no FROM ledger_content WHERE content_id IN (<ids>)", contentIds);
      // The stored events these can interact with: every policy, and every event of each member
      // they name or whose objection or content they name (that includes registrations, filings
      // and postings their ids might duplicate). Each member's subset is a valid ledger on its own.
      Set<Integer> numbers = new HashSet<>(numbersById.values());
      numbers.addAll(objectionOwner.values());
      numbers.addAll(contentOwner.values());
      for (List<Integer> chunk : chunks(numbers)) {
        h.createQuery("SELECT seq, body, member_no FROM ledger_event WHERE member_no IN (<nos>) ORDER BY seq")
            .bindList("nos", chunk)
            .map((rs, ctx) -> Map.entry(rs.getInt(3), Row.decode(rs.getLong(1), rs.getString(2))))
            .forEach(en -> rowsByMember.computeIfAbsent(en.getKey(), k -> new ArrayList<>()).add(en.getValue()));
      }
      rowsByMember.forEach((n, rows) -> rows.stream()
          .filter(r -> r.event instanceof ErasureRequested)
          .findFirst()
          .ifPresent(r -> erasedBy.put(n, r.seq)));
      policyRows = refreshPolicies(h, policies.get()).rows;
      events =
          h.prepareBatch(
              "INSERT INTO ledger_event (seq, event_type, at_second, at_nano, member_no, client_id, leaf_index, body, purged_by)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      members = h.prepareBatch("INSERT INTO ledger_member (member_no, member_id, registered_seq) VALUES (?, ?, ?)");
      objections = h.prepareBatch("INSERT INTO ledger_objection (objection_id, member_no, filed_seq) VALUES (?, ?, ?)");
      contents = h.prepareBatch("INSERT INTO ledger_content (content_id, member_no, posted_seq) VALUES (?, ?, ?)");
    }

    /** The member an event belongs to, as far as known now; null for policies and unknown ids. */
    Integer ownerOf(LedgerEvent e) {
      if (e instanceof PolicyPublished) {
        return null;
      } else if (e instanceof ObjectionDecided d) {
        return objectionOwner.get(d.objection());
      } else if (e instanceof ContentDeleted d) {
        return contentOwner.get(d.content());
      }
      return numbersById.get(e.member());
    }

    void flush() {
      for (PreparedBatch batch : List.of(events, members, objections, contents)) {
        if (batch.size() > 0) {
          batch.execute();
        }
      }
    }
  }

  private GroupResult appendGroup(Tx tx, List<Pending> group) {
    List<Item> all = new ArrayList<>();
    group.forEach(p -> all.addAll(p.items));
    GroupState state = new GroupState(tx, all);
    List<Object> results = new ArrayList<>(group.size());
    for (Pending p : group) {
      try {
        results.add(appendItems(state, p.items));
      } catch (EventRejectedException e) {
        results.add(e);
      }
    }
    state.flush();
    purgeStored(state);
    return new GroupResult(results);
  }

  /**
   * Purges, in the group's transaction, the rows written before the erasure of each member this
   * group erased: rows stored earlier and rows of batches that came before it in the group. Rows
   * written after an erasure was accepted were purged before they were written.
   */
  private void purgeStored(GroupState state) {
    for (int n : state.newlyErased) {
      purgeMember(state.tx, n, state.erasedBy.get(n));
    }
  }

  /** Purges every row of member {@code n} not purged yet, marking it with the erasure's seq. */
  private void purgeMember(Tx tx, int n, long by) {
    Handle h = tx.h;
    List<Map.Entry<Long, String>> rows =
        h.createQuery("SELECT seq, body FROM ledger_event WHERE member_no = ? AND purged_by IS NULL ORDER BY seq")
            .bind(0, n)
            .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
            .list();
    if (rows.isEmpty()) {
      return;
    }
    PreparedBatch update = h.prepareBatch("UPDATE ledger_event SET body = ?, purged_by = ? WHERE seq = ?");
    for (Map.Entry<Long, String> row : rows) {
      update.add(purgedBody(tx, row.getKey(), decodeBody(row.getKey(), row.getValue()).json()), by, row.getKey());
    }
    update.execute();
  }

  /** Audit record kind: the name digest a purge put in place of a registration's name. */
  static final String NAME_DIGEST_KIND = "erasure.name-digest";

  /**
   * The purged body of row {@code seq}. When the purge turns a registration's name into its
   * digest, an {@value #NAME_DIGEST_KIND} audit record commits to the digest, in the same
   * transaction: the event's own leaf commits to the name, which is gone, so without it nothing
   * would show a digest changed afterwards — and a changed digest silently stops protecting an
   * erased member's name.
   */
  private String purgedBody(Tx tx, long seq, ObjectNode json) {
    ObjectNode purged = Erasure.purge(json, nameKey);
    JsonNode digest = purged.get(Erasure.NAME_DIGEST);
    if (digest != null && json.has("name")) {
      ObjectNode record = JsonNodeFactory.instance.objectNode();
      record.put("seq", seq);
      record.put(Erasure.NAME_DIGEST, auditLeaves.commitments().commit(digest.textValue()));
      tx.appendLeaf(NAME_DIGEST_KIND, auditLeaves.recordLeaf(NAME_DIGEST_KIND, Rfc3339.format(config.clock().instant()), record));
    }
    try {
      return MAPPER.writeValueAsString(purged);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a purged JSON object is always writable", e);
    }
  }

  /**
   * Purges what a store written by an earlier version still holds of members who asked for
   * erasure, once, when such a store is first opened; no-op queries afterwards. A store from before
   * erasure purged rows (schema V4) has unpurged rows of erased members; one from before erasure
   * replaced names by digests has purged registrations that still hold the plain name.
   */
  private void purgeLeftovers() {
    List<Map.Entry<Integer, Long>> pending = guard(() -> jdbi.withHandle(h -> h.createQuery(
            "SELECT e.member_no, MIN(e.seq) FROM ledger_event e WHERE e.event_type = 'erasure.requested' AND EXISTS"
                + " (SELECT 1 FROM ledger_event u WHERE u.member_no = e.member_no AND u.purged_by IS NULL)"
                + " GROUP BY e.member_no ORDER BY e.member_no")
        .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getLong(2)))
        .list()));
    // A purged body with a digest holds "name_digest":, never "name": (bodies are compact JSON).
    List<Map.Entry<Long, String>> named = guard(() -> jdbi.withHandle(h -> h.createQuery(
            "SELECT seq, body FROM ledger_event WHERE event_type = 'member.registered' AND purged_by IS NOT NULL"
                + " AND body LIKE '%\"name\":%' ORDER BY seq")
        .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
        .list()));
    if (pending.isEmpty() && named.isEmpty()) {
      return;
    }
    try {
      write(tx -> {
        pending.forEach(en -> purgeMember(tx, en.getKey(), en.getValue()));
        if (!named.isEmpty()) {
          PreparedBatch update = tx.h.prepareBatch("UPDATE ledger_event SET body = ? WHERE seq = ?");
          for (Map.Entry<Long, String> row : named) {
            update.add(purgedBody(tx, row.getKey(), decodeBody(row.getKey(), row.getValue()).json()), row.getKey());
          }
          update.execute();
        }
        return null;
      });
    } catch (EventRejectedException e) {
      throw new IllegalStateException("a purge appends no event", e);
    }
  }

  /** Validates and stages one caller's batch: all of it or (by throwing) none of it. */
  private List<AppendResult> appendItems(GroupState state, List<Item> items) throws EventRejectedException {
    AppendResult[] results = new AppendResult[items.size()];
    List<Item> fresh = new ArrayList<>(items.size());
    Map<String, Item> byClientId = new HashMap<>();
    for (Item item : items) {
      if (item.clientId == null) {
        fresh.add(item);
        continue;
      }
      StoredRow stored = state.storedByClientId.get(item.clientId);
      Map.Entry<String, AppendResult> earlier = state.groupClientIds.get(item.clientId);
      if (stored != null || earlier != null) {
        String canonical = stored != null ? stored.canonical() : earlier.getKey();
        long seq = stored != null ? stored.seq : earlier.getValue().seq();
        boolean same = stored != null ? sameEvent(stored, item) : canonical.equals(item.canonical());
        if (!same) {
          throw new EventRejectedException(
              item.index, "client id \"" + item.clientId + "\" was already used for a different event (seq " + seq + ")");
        }
        results[item.index] = stored != null ? new AppendResult(stored.seq, stored.leafIndex, true) : earlier.getValue().asRepeat();
        continue;
      }
      Item first = byClientId.putIfAbsent(item.clientId, item);
      if (first != null) {
        if (!first.canonical().equals(item.canonical())) {
          throw new EventRejectedException(
              item.index, "client id \"" + item.clientId + "\" is used for two different events of this batch");
        }
        continue;
      }
      fresh.add(item);
    }
    if (!fresh.isEmpty()) {
      storeFresh(state, fresh, results);
    }
    for (Item item : items) {
      if (results[item.index] == null) {
        // A repeat of an earlier event of this same batch.
        results[item.index] = results[byClientId.get(item.clientId).index].asRepeat();
      }
    }
    return List.of(results);
  }

  private Map<String, StoredRow> storedClientIds(Handle h, List<Item> items) {
    Set<String> ids = new LinkedHashSet<>();
    for (Item item : items) {
      if (item.clientId != null) {
        ids.add(item.clientId);
      }
    }
    Map<String, StoredRow> found = new HashMap<>();
    for (List<String> chunk : chunks(ids)) {
      h.createQuery(
              "SELECT e.seq, e.body, e.client_id, e.leaf_index, e.purged_by, l.leaf_bytes FROM ledger_event e"
                  + " LEFT JOIN audit_leaf l ON l.leaf_index = e.leaf_index WHERE e.client_id IN (<ids>)")
          .bindList("ids", chunk)
          .map((rs, ctx) -> new StoredRow(
              rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getObject(5) != null, rs.getBytes(6)))
          .forEach(r -> found.put(r.clientId, r));
    }
    return found;
  }

  /**
   * Whether a retried event is the one stored under its client id. A purged row no longer holds
   * the original values, but its audit leaf commits to them: the original event is recognised by
   * giving the same leaf (and the purged form by equalling the row).
   */
  private boolean sameEvent(StoredRow stored, Item item) {
    if (stored.canonical().equals(item.canonical())) {
      return true;
    }
    return stored.purged && java.util.Arrays.equals(auditLeaves.eventLeaf(stored.seq, item.json()), stored.leafBytes);
  }

  /**
   * Validates new events against the ledger as it stands (stored, plus the batches accepted
   * earlier in the group), then stages them and their leaves.
   */
  private void storeFresh(GroupState state, List<Item> fresh, AppendResult[] results) throws EventRejectedException {
    Set<Integer> relevant = new HashSet<>();
    for (Item item : fresh) {
      LedgerEvent e = item.event;
      Integer owner = state.ownerOf(e);
      if (owner != null) {
        relevant.add(owner);
      }
      if (e.member() != null && state.numbersById.containsKey(e.member())) {
        relevant.add(state.numbersById.get(e.member()));
      }
      if (e instanceof ObjectionFiled f && state.objectionOwner.containsKey(f.objection())) {
        relevant.add(state.objectionOwner.get(f.objection()));
      } else if (e instanceof ContentPosted p && state.contentOwner.containsKey(p.content())) {
        relevant.add(state.contentOwner.get(p.content()));
      }
    }
    List<Row> memberRows = new ArrayList<>();
    for (Integer n : relevant) {
      memberRows.addAll(state.rowsByMember.getOrDefault(n, List.of()));
    }
    memberRows.sort((a, b) -> Long.compare(a.seq, b.seq));
    List<LedgerEvent> before = new ArrayList<>();
    merge(state.policyRows, memberRows, null).forEach(r -> before.add(r.event));
    for (Accepted a : state.accepted) {
      if (a.event instanceof PolicyPublished || (a.memberNo != null && relevant.contains(a.memberNo))) {
        before.add(a.event);
      }
    }
    List<LedgerEvent> all = new ArrayList<>(before.size() + fresh.size());
    all.addAll(before);
    fresh.forEach(i -> all.add(i.event));
    try {
      ConsentLedger.of(all);
    } catch (LedgerException e) {
      throw rejection(e, before, fresh);
    }

    // Accepted: from here nothing can fail this batch alone.
    Tx tx = state.tx;
    for (Item item : fresh) {
      if (item.event instanceof MemberRegistered r) {
        state.numbersById.put(r.member(), tx.members++);
      }
    }
    for (Item item : fresh) {
      if (item.event instanceof ObjectionFiled f) {
        state.objectionOwner.put(f.objection(), state.numbersById.get(f.member()));
      } else if (item.event instanceof ContentPosted p) {
        state.contentOwner.put(p.content(), state.numbersById.get(p.member()));
      }
    }
    // An erasure purges every event of its member, those of this batch before it included, so
    // the member's personal values are never written once the erasure is accepted.
    for (int k = 0; k < fresh.size(); k++) {
      if (fresh.get(k).event instanceof ErasureRequested r) {
        int n = state.numbersById.get(r.member());
        if (!state.erasedBy.containsKey(n)) {
          state.erasedBy.put(n, tx.events + 1 + k);
          state.newlyErased.add(n);
        }
      }
    }
    for (Item item : fresh) {
      long seq = ++tx.events;
      LedgerEvent e = item.event;
      Integer memberNo = state.ownerOf(e);
      Long purgedBy = memberNo == null ? null : state.erasedBy.get(memberNo);
      if (e instanceof MemberRegistered r) {
        state.members.add(memberNo, r.member(), seq);
      } else if (e instanceof ObjectionFiled f) {
        state.objections.add(f.objection(), memberNo, seq);
      } else if (e instanceof ContentPosted p) {
        state.contents.add(p.content(), memberNo, seq);
      }
      // The leaf commits to the event as appended, whether or not the row is purged.
      ObjectNode json = item.json();
      long leaf = tx.appendLeaf(AuditLeaves.EVENT_KIND, auditLeaves.eventLeaf(seq, json));
      String body = purgedBy == null ? item.body : purgedBody(tx, seq, json);
      state.events.add(seq, e.type().word(), e.at().getEpochSecond(), e.at().getNano(), memberNo, item.clientId, leaf, body, purgedBy);
      if (state.events.size() >= writeChunk) {
        // Rows go to the database every writeChunk events, still inside the one transaction, so
        // a big batch (a whole imported file) never holds all its rows' parameters at once and
        // stays all or nothing: a later failure rolls the written chunks back with the rest.
        state.flush();
        tx.flushLeaves();
      }
      AppendResult result = new AppendResult(seq, leaf, false);
      results[item.index] = result;
      state.accepted.add(new Accepted(e, memberNo));
      if (item.clientId != null) {
        state.groupClientIds.put(item.clientId, Map.entry(item.canonical(), result));
      }
    }
  }

  /** Names the new event to blame for a problem the ledger found in applied order. */
  private static EventRejectedException rejection(LedgerException e, List<LedgerEvent> stored, List<Item> fresh) {
    if (e.index() >= stored.size()) {
      return new EventRejectedException(fresh.get(e.index() - stored.size()).index, e.problem());
    }
    // A stored event failed: only a new event that registers, files or posts the same id (with
    // an earlier instant) can cause that. Blame it, with the ledger's own words.
    LedgerEvent victim = stored.get(e.index());
    for (Item item : fresh) {
      if (sameId(victim, item.event)) {
        return new EventRejectedException(item.index, e.problem());
      }
    }
    throw new StoreException("the stored ledger is inconsistent: " + e.problem());
  }

  private static boolean sameId(LedgerEvent stored, LedgerEvent fresh) {
    if (stored instanceof MemberRegistered a && fresh instanceof MemberRegistered b) {
      return a.member().equals(b.member());
    }
    if (stored instanceof ObjectionFiled a && fresh instanceof ObjectionFiled b) {
      return a.objection().equals(b.objection());
    }
    if (stored instanceof ContentPosted a && fresh instanceof ContentPosted b) {
      return a.content().equals(b.content());
    }
    return false;
  }

  private static Map<String, Integer> lookup(Handle h, String sql, Collection<String> ids) {
    Map<String, Integer> found = new HashMap<>();
    for (List<String> chunk : chunks(ids)) {
      h.createQuery(sql)
          .bindList("ids", chunk)
          .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
          .forEach(en -> found.put(en.getKey(), en.getValue()));
    }
    return found;
  }

  private static <T> List<List<T>> chunks(Collection<T> values) {
    List<List<T>> out = new ArrayList<>();
    List<T> all = new ArrayList<>(values);
    for (int i = 0; i < all.size(); i += IN_LIST_CHUNK) {
      out.add(all.subList(i, Math.min(all.size(), i + IN_LIST_CHUNK)));
    }
    return out;
  }

  @Override
  public long appendAuditRecord(String kind, ObjectNode payload) {
    AuditLeaves.checkKind(kind);
    Objects.requireNonNull(payload, "payload");
    byte[] leaf = auditLeaves.recordLeaf(kind, Rfc3339.format(config.clock().instant()), payload.deepCopy());
    try {
      return write(tx -> tx.appendLeaf(kind, leaf));
    } catch (EventRejectedException e) {
      throw new IllegalStateException("an audit record is never an event", e);
    }
  }

  // ---------------------------------------------------------------- write transactions

  @FunctionalInterface
  private interface TxBody<T> {
    T run(Tx tx) throws EventRejectedException;
  }

  /** One write transaction: the locked head counters, the audit edge and pending leaf rows. */
  private final class Tx {
    final Handle h;
    long events;
    long leaves;
    int members;
    long checkpoints;
    final Frontier edge;
    final PreparedBatch leafRows;
    final PreparedBatch nodeRows;

    Tx(Handle h) {
      this.h = h;
      Map<String, Object> head =
          h.createQuery("SELECT events, leaves, members, checkpoints FROM store_head WHERE id = 1 FOR UPDATE")
              .mapToMap()
              .one();
      events = ((Number) head.get("events")).longValue();
      leaves = ((Number) head.get("leaves")).longValue();
      members = ((Number) head.get("members")).intValue();
      checkpoints = ((Number) head.get("checkpoints")).longValue();
      Frontier known = frontier;
      edge = known != null && known.size() == leaves ? known.copy() : Frontier.load(subtrees(h), leaves);
      leafRows = h.prepareBatch("INSERT INTO audit_leaf (leaf_index, kind, leaf_bytes, leaf_hash) VALUES (?, ?, ?, ?)");
      nodeRows = h.prepareBatch("INSERT INTO audit_node (node_level, node_index, hash) VALUES (?, ?, ?)");
    }

    long appendLeaf(String kind, byte[] bytes) {
      long index = leaves++;
      byte[] hash = Merkle.leafHash(bytes);
      leafRows.add(index, kind, bytes, hash);
      for (Frontier.Node n : edge.append(hash)) {
        nodeRows.add(n.level(), n.index(), n.hash());
      }
      return index;
    }

    /** Writes the staged leaf and tree-node rows, in this transaction. */
    void flushLeaves() {
      if (leafRows.size() > 0) {
        leafRows.execute();
      }
      if (nodeRows.size() > 0) {
        nodeRows.execute();
      }
    }

    void finish() {
      flushLeaves();
      h.createUpdate("UPDATE store_head SET events = ?, leaves = ?, members = ?, checkpoints = ? WHERE id = 1")
          .bind(0, events)
          .bind(1, leaves)
          .bind(2, members)
          .bind(3, checkpoints)
          .execute();
    }
  }

  private <T> T write(TxBody<T> body) throws EventRejectedException {
    writeLock.lock();
    try {
      Frontier[] committed = new Frontier[1];
      T result;
      try {
        result =
            jdbi.inTransaction(
                TransactionIsolationLevel.READ_COMMITTED,
                h -> {
                  Tx tx = new Tx(h);
                  T r = body.run(tx);
                  tx.finish();
                  committed[0] = tx.edge;
                  return r;
                });
      } catch (JdbiException e) {
        frontier = null;
        throw new StoreException("the database refused the write: " + rootMessage(e), e);
      }
      frontier = committed[0];
      if (config.embedded()) {
        syncEmbedded();
      }
      return result;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * H2 hands a committed chunk to background threads and returns before it is written, so a
   * process killed right after an acknowledgement lost committed events in the crash test even
   * with WRITE_DELAY=0. CHECKPOINT SYNC writes and fsyncs before the append is acknowledged.
   */
  private void syncEmbedded() {
    try {
      jdbi.useHandle(h -> h.execute("CHECKPOINT SYNC"));
    } catch (JdbiException e) {
      throw new StoreException("the embedded database could not sync a committed write to disk: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  // ---------------------------------------------------------------- member index

  /** Most member histories kept in memory; beyond it a tenth of them are dropped. */
  private static final int CACHED_MEMBERS = 100_000;

  /** Most new events one read applies from the tail; after a bigger import the index restarts. */
  private static final int TAIL_LIMIT = 5_000;

  /** Guards applying the tail and installing histories, so both happen in seq order. */
  private final ReentrantLock tailLock = new ReentrantLock();
  /** Every event up to this seq is reflected in {@link #histories} and the policies; -1: not started. */
  private volatile long tailSeq = -1;
  /** Histories of recently read members by member number, each current to {@link #tailSeq}. */
  private final ConcurrentHashMap<Integer, List<StoredEvent>> histories = new ConcurrentHashMap<>();
  /** Member numbers never change once assigned, so they are cached without expiry. */
  private final ConcurrentHashMap<String, Integer> numbers = new ConcurrentHashMap<>();

  private record TailRow(long seq, Integer memberNo, String type, String body, String clientId, long leafIndex) {}

  /**
   * Brings the index up to every event committed before this call: one indexed query for the
   * events after {@link #tailSeq} (usually none). Appends of any process are seen, because seqs
   * are given out under the head row lock and committed in seq order, so the committed events
   * always form a prefix of the seq order.
   *
   * @return a seq such that every event committed before the call is at or below it and the
   *     index reflects at least every event up to it
   */
  private long catchUp() {
    long need;
    synchronized (rounds) {
      // Any round that starts after this call began sees everything committed before it.
      need = rounds.started + 1;
      while (rounds.done < need) {
        if (!rounds.running) {
          rounds.running = true;
          rounds.started++;
          break;
        }
        try {
          rounds.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while reading the ledger", e);
        }
      }
      if (rounds.done >= need) {
        return tailSeq;
      }
    }
    long round = need;
    boolean ok = false;
    try {
      jdbi.useHandle(this::catchUpOnce);
      ok = true;
    } finally {
      synchronized (rounds) {
        rounds.running = false;
        if (ok) {
          rounds.done = Math.max(rounds.done, round);
        }
        rounds.notifyAll();
      }
    }
    return tailSeq;
  }

  /**
   * Concurrent reads share one tail query: a read waits for a round that started after it
   * began (at most the one in flight plus the next), instead of each taking a connection.
   */
  private static final class Rounds {
    long started;
    long done;
    boolean running;
  }

  private final Rounds rounds = new Rounds();

  private void catchUpOnce(Handle h) {
    long from = tailSeq;
    if (from < 0) {
      tailLock.lock();
      try {
        if (tailSeq < 0) {
          restartIndex(h);
        }
        return;
      } finally {
        tailLock.unlock();
      }
    }
    List<TailRow> rows =
        h.createQuery(
                "SELECT seq, member_no, event_type, body, client_id, leaf_index FROM ledger_event WHERE seq > ? ORDER BY seq")
            .bind(0, from)
            .setMaxRows(TAIL_LIMIT)
            .map((rs, ctx) -> new TailRow(rs.getLong(1), (Integer) rs.getObject(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6)))
            .list();
    if (rows.isEmpty()) {
      return;
    }
    tailLock.lock();
    try {
      if (rows.size() >= TAIL_LIMIT) {
        restartIndex(h);
        return;
      }
      long current = tailSeq;
      for (TailRow r : rows) {
        if (r.seq <= current) {
          continue; // another reader applied it already
        }
        if (r.type.equals("policy.published")) {
          Policies known = policies.get();
          if (r.seq > known.lastSeq) {
            publish(known.with(List.of(Row.decode(r.seq, r.body))));
          }
        } else if (r.memberNo != null && r.type.equals("erasure.requested")) {
          // Its append purged the member's earlier rows in place: a cached history holds them as
          // they were, so it is dropped and the next read loads the purged rows.
          histories.remove(r.memberNo);
        } else if (r.memberNo != null) {
          histories.computeIfPresent(r.memberNo, (n, list) -> {
            List<StoredEvent> longer = new ArrayList<>(list.size() + 1);
            longer.addAll(list);
            longer.add(storedEvent(r.seq, r.body, r.clientId, r.leafIndex));
            return List.copyOf(longer);
          });
        }
      }
      long last = rows.get(rows.size() - 1).seq;
      if (last > current) {
        tailSeq = last;
      }
    } finally {
      tailLock.unlock();
    }
  }

  /** Forgets every cached history and starts following the tail from the head; holds tailLock. */
  private void restartIndex(Handle h) {
    histories.clear();
    long head = h.createQuery("SELECT events FROM store_head WHERE id = 1").mapTo(Long.class).one();
    // Read after the head, so the policies cover at least every event up to it.
    refreshPolicies(h, policies.get());
    tailSeq = head;
  }

  /** The member's events in append order, current to every event committed before the call. */
  private List<StoredEvent> history(String member) {
    // Waiting for the shared tail query holds no connection: only a miss takes one.
    long seen = catchUp();
    Integer number = numbers.get(member);
    if (number != null) {
      List<StoredEvent> cached = histories.get(number);
      if (cached != null) {
        return cached;
      }
    }
    return jdbi.withHandle(h -> load(h, member, seen));
  }

  private List<StoredEvent> load(Handle h, String member, long seen) {
    List<Integer> memberNo = new ArrayList<>(1);
    List<StoredEvent> loaded =
        h.createQuery(
                "SELECT e.seq, e.body, e.client_id, e.leaf_index, e.member_no FROM ledger_event e"
                    + " JOIN ledger_member m ON m.member_no = e.member_no WHERE m.member_id = ? AND e.seq <= ? ORDER BY e.seq")
            .bind(0, member)
            .bind(1, seen)
            .map((rs, ctx) -> {
              if (memberNo.isEmpty()) {
                memberNo.add(rs.getInt(5));
              }
              return storedEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4));
            })
            .list();
    if (memberNo.isEmpty()) {
      return List.of();
    }
    List<StoredEvent> history = List.copyOf(loaded);
    int n = memberNo.get(0);
    numbers.putIfAbsent(member, n);
    tailLock.lock();
    try {
      // Only a history as current as the index may join it; otherwise the next read loads again.
      if (tailSeq == seen) {
        if (histories.size() >= CACHED_MEMBERS) {
          evictSome();
        }
        histories.put(n, history);
      }
    } finally {
      tailLock.unlock();
    }
    return history;
  }

  private void evictSome() {
    int drop = CACHED_MEMBERS / 10;
    var it = histories.keySet().iterator();
    while (drop-- > 0 && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  // ---------------------------------------------------------------- reading the ledger

  /** A stored event decoded for the decision engine. */
  private record Row(long seq, LedgerEvent event) {
    static Row decode(long seq, String body) {
      return new Row(seq, decodeBody(seq, body).event());
    }
  }

  private record StoredRow(long seq, String body, String clientId, long leafIndex, boolean purged, byte[] leafBytes) {
    String canonical() {
      return AuditLeaves.canonicalString(decodeBody(seq, body).json());
    }
  }

  private static LedgerLine decodeBody(long seq, String body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      return new LedgerLine(1, EventCodec.decode(node), (ObjectNode) node);
    } catch (JsonProcessingException | InvalidEventException | ClassCastException e) {
      throw new StoreException("stored event seq " + seq + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Every policy event stored up to {@link #lastSeq}, decoded once and shared by all readers. */
  private record Policies(long lastSeq, List<Row> rows) {
    static final Policies NONE = new Policies(0, List.of());

    Policies with(List<Row> newer) {
      if (newer.isEmpty()) {
        return this;
      }
      List<Row> all = new ArrayList<>(rows.size() + newer.size());
      all.addAll(rows);
      all.addAll(newer);
      return new Policies(newer.get(newer.size() - 1).seq, List.copyOf(all));
    }
  }

  @Override
  public java.util.SortedSet<String> definedPurposes() {
    Policies now = jdbi.withHandle(h -> refreshPolicies(h, policies.get()));
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    for (Row r : now.rows) {
      if (r.event instanceof LedgerEvent.PolicyPublished p) {
        out.addAll(p.policy().purposes().keySet());
      }
    }
    return java.util.Collections.unmodifiableSortedSet(out);
  }

  private Policies refreshPolicies(Handle h, Policies known) {
    List<Row> newer =
        h.createQuery("SELECT seq, body FROM ledger_event WHERE event_type = 'policy.published' AND seq > ? ORDER BY seq")
            .bind(0, known.lastSeq)
            .map((rs, ctx) -> Row.decode(rs.getLong(1), rs.getString(2)))
            .list();
    return publish(known.with(newer));
  }

  private Policies publish(Policies fresher) {
    policies.accumulateAndGet(fresher, (cur, next) -> next.lastSeq > cur.lastSeq ? next : cur);
    return fresher;
  }

  /** Merges two seq-ordered lists, keeping only events at or before {@code at} (if given). */
  private static List<Row> merge(List<Row> a, List<Row> b, Instant at) {
    List<Row> out = new ArrayList<>(a.size() + b.size());
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      Row next = j >= b.size() || (i < a.size() && a.get(i).seq < b.get(j).seq) ? a.get(i++) : b.get(j++);
      if (at == null || !next.event.at().isAfter(at)) {
        out.add(next);
      }
    }
    return out;
  }

  private static Decision decideFrom(List<Row> rows, String member, String purpose, Instant at) {
    List<LedgerEvent> events = new ArrayList<>(rows.size());
    rows.forEach(r -> events.add(r.event));
    try {
      return ConsentLedger.of(events).decide(member, purpose, at);
    } catch (LedgerException e) {
      throw new StoreException("the stored ledger is inconsistent: " + e.problem(), e);
    }
  }

  @Override
  public long eventCount() {
    return guard(() -> jdbi.withHandle(h -> h.createQuery("SELECT events FROM store_head WHERE id = 1").mapTo(Long.class).one()));
  }

  @Override
  public Optional<StoredEvent> eventByClientId(String clientId) {
    Objects.requireNonNull(clientId, "clientId");
    return guard(
        () ->
            jdbi.withHandle(
                h ->
                    h.createQuery("SELECT seq, body, client_id, leaf_index FROM ledger_event WHERE client_id = ?")
                        .bind(0, clientId)
                        .map((rs, ctx) -> storedEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                        .findOne()));
  }

  private static StoredEvent storedEvent(long seq, String body, String clientId, long leafIndex) {
    LedgerLine line = decodeBody(seq, body);
    return new StoredEvent(seq, line.event(), line.json(), clientId, leafIndex);
  }

  @Override
  public Decision decide(String member, String purpose, Instant at) {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(at, "at");
    // The index follows every committed event, policies included, so the member's history and
    // the policies read after catching up describe a state the ledger really was in.
    return decide(member, purpose, at, memberHistory(member));
  }

  @Override
  public Decision decide(String member, String purpose, Instant at, List<StoredEvent> history) {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(history, "history");
    List<Row> memberRows = new ArrayList<>(history.size());
    for (StoredEvent e : history) {
      if (!(e.event() instanceof ContentPosted) && !(e.event() instanceof ContentDeleted)) {
        memberRows.add(new Row(e.seq(), e.event()));
      }
    }
    return decideFrom(merge(policies.get().rows, memberRows, at), member, purpose, at);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Served from an in-memory index of recently read members that follows the ledger's tail
   * (see {@link #catchUp}), so a read costs one indexed query for new events instead of
   * reloading and decoding the member's whole history.
   */
  @Override
  public List<StoredEvent> memberHistory(String member) {
    Objects.requireNonNull(member, "member");
    return guard(() -> history(member));
  }

  @Override
  public RoaringBitmap eligibleMembers(String purpose, Instant at) {
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(at, "at");
    Policies known = policies.get();
    return guard(
        () ->
            jdbi.inTransaction(
                TransactionIsolationLevel.REPEATABLE_READ,
                h -> {
                  List<Row> policyRows = merge(refreshPolicies(h, known).rows, List.of(), at);
                  RoaringBitmap allowed = new RoaringBitmap();
                  MemberGroup group = new MemberGroup(policyRows, purpose, at, allowed);
                  h.createQuery(
                          "SELECT member_no, seq, at_second, at_nano, body FROM ledger_event"
                              + " WHERE member_no IS NOT NULL AND " + NOT_CONTENT + " ORDER BY member_no, seq")
                      .setFetchSize(10_000)
                      .map((rs, ctx) -> {
                        group.accept(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getString(5));
                        return Boolean.TRUE;
                      })
                      .forEach(x -> {});
                  group.finish();
                  return allowed;
                }));
  }

  /** Collects the rows of one member at a time (rows arrive ordered by member) and decides. */
  private static final class MemberGroup {
    private final List<Row> policies;
    private final String purpose;
    private final Instant at;
    private final RoaringBitmap allowed;
    private final List<Row> rows = new ArrayList<>();
    private int member = -1;
    private String memberId;

    MemberGroup(List<Row> policies, String purpose, Instant at, RoaringBitmap allowed) {
      this.policies = policies;
      this.purpose = purpose;
      this.at = at;
      this.allowed = allowed;
    }

    void accept(int memberNo, long seq, long second, int nano, String body) {
      if (memberNo != member) {
        finish();
        member = memberNo;
      }
      Instant eventAt = Instant.ofEpochSecond(second, nano);
      if (eventAt.isAfter(at)) {
        return; // never bears on a decision at `at`, and skipping it saves the decoding
      }
      Row row = Row.decode(seq, body);
      if (row.event instanceof MemberRegistered r) {
        memberId = r.member();
      }
      rows.add(row);
    }

    void finish() {
      if (memberId != null && decideFrom(merge(policies, rows, null), memberId, purpose, at).allowed()) {
        allowed.add(member);
      }
      rows.clear();
      memberId = null;
    }
  }

  @Override
  public OptionalInt memberNumber(String member) {
    Objects.requireNonNull(member, "member");
    Integer known = numbers.get(member);
    if (known != null) {
      return OptionalInt.of(known);
    }
    Optional<Integer> n =
        guard(
            () ->
                jdbi.withHandle(
                    h -> h.createQuery("SELECT member_no FROM ledger_member WHERE member_id = ?").bind(0, member).mapTo(Integer.class).findOne()));
    n.ifPresent(number -> numbers.putIfAbsent(member, number));
    return n.map(OptionalInt::of).orElseGet(OptionalInt::empty);
  }

  @Override
  public Optional<String> memberId(int number) {
    return guard(
        () ->
            jdbi.withHandle(
                h -> h.createQuery("SELECT member_id FROM ledger_member WHERE member_no = ?").bind(0, number).mapTo(String.class).findOne()));
  }

  @Override
  public void export(Writer out) throws IOException {
    Objects.requireNonNull(out, "out");
    try {
      guard(
          () ->
              jdbi.inTransaction(
                  TransactionIsolationLevel.REPEATABLE_READ,
                  h -> {
                    h.createQuery("SELECT body FROM ledger_event ORDER BY seq")
                        .setFetchSize(10_000)
                        .mapTo(String.class)
                        .forEach(body -> {
                          try {
                            out.write(body);
                            out.write('\n');
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        });
                    return null;
                  }));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.flush();
  }

  // ---------------------------------------------------------------- audit log

  @Override
  public String commitment(String member) {
    return auditLeaves.commitments().commit(Objects.requireNonNull(member, "member"));
  }

  @Override
  public long auditSize() {
    return guard(() -> jdbi.withHandle(h -> h.createQuery("SELECT leaves FROM store_head WHERE id = 1").mapTo(Long.class).one()));
  }

  @Override
  public NoteKey auditKey() {
    List<AuditKey> keys = auditKeys();
    return keys.get(keys.size() - 1).key();
  }

  @Override
  public List<AuditKey> auditKeys() {
    return guard(() -> jdbi.withHandle(this::readKeys));
  }

  /**
   * The key history: key 0 from store_meta audit_public_key, then one {@code audit_key.N} row per
   * rotation ({@code "<hex public key> <from size>"}). The rows only index the rotation leaves,
   * which are the record auditors check, so that opening the store never scans the leaves.
   */
  private List<AuditKey> readKeys(Handle h) {
    Map<Integer, String> rows = new java.util.TreeMap<>();
    h.createQuery("SELECT meta_name, meta_value FROM store_meta WHERE meta_name LIKE 'audit_key.%'")
        .map((rs, ctx) -> {
          rows.put(Integer.parseInt(rs.getString(1).substring(KEY_META.length())), rs.getString(2));
          return Boolean.TRUE;
        })
        .forEach(x -> {});
    List<AuditKey> keys = new ArrayList<>();
    keys.add(new AuditKey(0, firstKey, 0));
    for (Map.Entry<Integer, String> row : rows.entrySet()) {
      String[] parts = row.getValue().split(" ");
      if (row.getKey() != keys.size() || parts.length != 2) {
        throw new StoreException("the audit key history in store_meta is broken at " + KEY_META + row.getKey());
      }
      keys.add(new AuditKey(row.getKey(), NoteKey.verifier(origin, HexFormat.of().parseHex(parts[0])), Long.parseLong(parts[1])));
    }
    return keys;
  }

  /** This machine's private half of the log's current key. @throws StoreException if it has none */
  private NoteKey signerFor(NoteKey current) {
    NoteKey s = signer;
    if (s != null && s.sameKey(current)) {
      return s;
    }
    Optional<KeyPair> pair;
    try {
      pair = keyFiles.find(current.rawPublicKey());
    } catch (IOException e) {
      throw new StoreException("cannot read the audit signing key: " + e.getMessage(), e);
    }
    if (pair.isEmpty() && !Files.exists(keyFiles.active())) {
      throw new StoreException("this log's current audit signing key (" + current.verifierKey() + ") is needed, and "
          + keyFiles.active() + " is missing: restore the key file (a store never makes a new one for a log that has a key)");
    }
    if (pair.isEmpty()) {
      String local;
      try {
        local = Files.exists(keyFiles.active()) ? NoteKey.of(origin, NoteKey.load(keyFiles.active())).verifierKey() : "none";
      } catch (IOException e) {
        local = "unreadable: " + e.getMessage();
      }
      throw new StoreException("the audit signing key in " + keyFiles.active() + " (" + local
          + ") is not this log's current key (" + current.verifierKey() + ")");
    }
    s = NoteKey.of(origin, pair.get());
    signer = s;
    return s;
  }

  @Override
  public SignedCheckpoint checkpoint() {
    SignedCheckpoint signed;
    try {
      signed = write(
          tx -> {
            requireKeptPrefix(tx.h, tx.leaves);
            Optional<SignedCheckpoint> latest = latestCheckpoint(tx.h);
            if (latest.isPresent() && latest.get().checkpoint().size() == tx.leaves) {
              return latest.get();
            }
            // Read under the head lock: a rotation by another process cannot slip in between.
            List<AuditKey> keys = readKeys(tx.h);
            NoteKey key = signerFor(keys.get(keys.size() - 1).key());
            Checkpoint cp = new Checkpoint(origin, tx.leaves, tx.edge.root());
            return insertCheckpoint(tx, cp, key.sign(cp));
          });
    } catch (EventRejectedException e) {
      throw new IllegalStateException("a checkpoint is never an event", e);
    }
    keep(signed);
    return signed;
  }

  /** Keeps a committed checkpoint's note in the data directory (see {@link KeptCheckpoint}). */
  private void keep(SignedCheckpoint signed) {
    try {
      kept.keep(signed.note());
    } catch (IOException e) {
      throw new StoreException("checkpoint " + signed.number() + " (tree size " + signed.checkpoint().size()
          + ") is signed, but it could not be kept in " + kept.file() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses to sign a log that is shorter than the checkpoint kept in the data directory, or whose
   * first leaves no longer give the kept root: leaves were removed or rewritten in the database, and
   * signing now would vouch for the rollback.
   */
  private void requireKeptPrefix(Handle h, long leaves) {
    Optional<Checkpoint> keptCp;
    try {
      keptCp = kept.read().map(KeptCheckpoint::body);
    } catch (IOException | IllegalArgumentException e) {
      throw new StoreException("cannot read the kept checkpoint " + kept.file() + ": " + e.getMessage(), e);
    }
    if (keptCp.isEmpty()) {
      return;
    }
    String problem = keptPrefixProblem(keptCp.get(), leaves,
        keptCp.get().size() <= leaves ? Merkle.root(subtrees(h), keptCp.get().size()) : null);
    if (problem != null) {
      throw new StoreException(problem + "; refusing to sign (if the database was restored from a backup on purpose,"
          + " move " + kept.file().getFileName() + " aside and keep it as the record of what the log held before)");
    }
  }

  /** What is wrong with a log of {@code leaves} leaves whose first kept-size leaves give {@code root}; null if nothing. */
  private String keptPrefixProblem(Checkpoint keptCp, long leaves, byte[] root) {
    if (keptCp.size() > leaves) {
      return "the database's audit log has " + leaves + " leaves, fewer than the " + keptCp.size()
          + " of the checkpoint kept in " + kept.file() + ": leaves were removed from the database (a rollback)";
    }
    if (!java.util.Arrays.equals(root, keptCp.root())) {
      return "the first " + keptCp.size() + " of the database's " + leaves + " audit leaves do not give the root of the"
          + " checkpoint kept in " + kept.file() + " (tree size " + keptCp.size() + "): the log was rewritten (a fork)";
    }
    return null;
  }

  /**
   * Whether this data directory's key files vouch for the key history the database records: the
   * current key must be the one in {@value SigningKeyFiles#ACTIVE} (or in a rotation's pending
   * {@value SigningKeyFiles#NEXT}), and every kept retired key must be an earlier key of the log.
   * The database alone proves nothing about its keys: whoever can write it can record a key of
   * their own and re-sign a rewritten log with it. The earlier keys need no file: each rotation's
   * checkpoint is signed by both keys, so an anchored current key vouches for the chain.
   *
   * @return the problems, none if anchored
   */
  private List<String> keyAnchorProblems(List<AuditKey> keys) {
    List<String> problems = new ArrayList<>();
    NoteKey current = keys.get(keys.size() - 1).key();
    List<Path> candidates = new ArrayList<>();
    for (Path p : List.of(keyFiles.active(), keyFiles.next())) {
      if (Files.exists(p)) {
        candidates.add(p);
      }
    }
    if (candidates.isEmpty()) {
      problems.add("the log's current audit key (" + current.verifierKey() + ", as recorded in the database) cannot be"
          + " checked: " + keyFiles.active() + " is missing; run this where the store's key files are, or restore the file");
    }
    boolean anchored = false;
    List<String> found = new ArrayList<>();
    for (Path p : candidates) {
      try {
        byte[] raw = SigningKeyFiles.publicKey(p);
        if (java.util.Arrays.equals(raw, current.rawPublicKey())) {
          anchored = true;
        }
        found.add(p + " holds " + NoteKey.verifier(origin, raw).verifierKey());
      } catch (IOException | RuntimeException e) {
        found.add(p + " cannot be read (" + e.getMessage() + ")");
      }
    }
    if (!candidates.isEmpty() && !anchored) {
      problems.add("the log's current audit key recorded in the database (" + current.verifierKey() + ") is not the key in"
          + " this data directory (" + String.join("; ", found) + "): the database's key history does not match its key"
          + " file, so its checkpoints prove nothing; do not trust this log until that is explained");
    }
    try {
      for (Path p : keyFiles.retiredFiles()) {
        byte[] raw;
        try {
          raw = SigningKeyFiles.publicKey(p);
        } catch (IOException | RuntimeException e) {
          problems.add("the retired key file " + p + " cannot be read: " + e.getMessage());
          continue;
        }
        // The current key counts too: a rotation keeps its retired copy before it commits, so one
        // that failed after that step leaves the still-current key in the retired directory.
        if (keys.stream().noneMatch(k -> java.util.Arrays.equals(k.key().rawPublicKey(), raw))) {
          problems.add("the retired key file " + p + " holds " + NoteKey.verifier(origin, raw).verifierKey()
              + ", which the key history recorded in the database does not list as a key of this log");
        }
      }
    } catch (IOException e) {
      problems.add("cannot list the retired audit keys: " + e.getMessage());
    }
    return problems;
  }

  private static SignedCheckpoint insertCheckpoint(Tx tx, Checkpoint cp, String note) {
    long number = ++tx.checkpoints;
    tx.h.createUpdate("INSERT INTO audit_checkpoint (checkpoint_no, tree_size, root, note) VALUES (?, ?, ?, ?)")
        .bind(0, number)
        .bind(1, cp.size())
        .bind(2, cp.root())
        .bind(3, note)
        .execute();
    return new SignedCheckpoint(number, cp, note);
  }

  @Override
  public KeyRotation rotateAuditKey(boolean keepRetired, String reason) {
    if (reason != null && (reason.isBlank() || reason.length() > 500 || reason.chars().anyMatch(Character::isISOControl))) {
      throw new IllegalArgumentException("a rotation reason is one line of 1 to 500 characters");
    }
    NoteKey[] next = new NoteKey[1];
    KeyRotation rotation;
    try {
      rotation =
          write(
              tx -> {
                requireKeptPrefix(tx.h, tx.leaves);
                List<AuditKey> keys = readKeys(tx.h);
                AuditKey old = keys.get(keys.size() - 1);
                NoteKey oldSigner = signerFor(old.key());
                // The new pair and the kept copy are written before the commit and left in place
                // if it fails: the database decides which key is current, and a pending pair it
                // never recorded is replaced by the next rotation (see SigningKeyFiles).
                Optional<Path> kept;
                try {
                  next[0] = NoteKey.of(origin, keyFiles.prepareNext());
                  kept = keepRetired ? Optional.of(keyFiles.keepRetired(oldSigner)) : Optional.empty();
                } catch (IOException e) {
                  throw new StoreException("cannot write the new audit signing key: " + e.getMessage(), e);
                }
                ObjectNode record = JsonNodeFactory.instance.objectNode();
                record.put("old_key", old.key().verifierKey());
                record.put("new_key", next[0].verifierKey());
                if (reason != null) {
                  record.put("reason", reason);
                }
                long leaf = tx.appendLeaf(AuditKey.ROTATION_KIND,
                    auditLeaves.keyRotationLeaf(Rfc3339.format(config.clock().instant()), record));
                Checkpoint cp = new Checkpoint(origin, tx.leaves, tx.edge.root());
                SignedCheckpoint signed = insertCheckpoint(tx, cp, NoteKey.signAll(cp, List.of(oldSigner, next[0])));
                AuditKey current = new AuditKey(keys.size(), NoteKey.verifier(origin, next[0].rawPublicKey()), tx.leaves);
                tx.h.createUpdate("INSERT INTO store_meta (meta_name, meta_value) VALUES (?, ?)")
                    .bind(0, KEY_META + current.number())
                    .bind(1, Merkle.hex(current.key().rawPublicKey()) + " " + current.fromSize())
                    .execute();
                return new KeyRotation(old, current, leaf, signed, kept);
              });
    } catch (EventRejectedException e) {
      throw new IllegalStateException("a key rotation is never an event", e);
    }
    try {
      keyFiles.promoteNext();
    } catch (IOException e) {
      throw new StoreException("the key rotation committed, but " + keyFiles.active() + " could not be replaced ("
          + e.getMessage() + "); the new key stays in " + SigningKeyFiles.NEXT + " and is made active when the"
          + " store next signs or opens", e);
    }
    signer = next[0];
    keep(rotation.checkpoint());
    return rotation;
  }

  private Optional<SignedCheckpoint> latestCheckpoint(Handle h) {
    return h.createQuery("SELECT checkpoint_no, tree_size, root, note FROM audit_checkpoint ORDER BY checkpoint_no DESC")
        .setMaxRows(1)
        .map((rs, ctx) -> new SignedCheckpoint(rs.getLong(1), new Checkpoint(origin, rs.getLong(2), rs.getBytes(3)), rs.getString(4)))
        .findFirst();
  }

  @Override
  public List<SignedCheckpoint> checkpoints() {
    return guard(() -> jdbi.withHandle(this::allCheckpoints));
  }

  private List<SignedCheckpoint> allCheckpoints(Handle h) {
    return h.createQuery("SELECT checkpoint_no, tree_size, root, note FROM audit_checkpoint ORDER BY checkpoint_no")
        .map((rs, ctx) -> new SignedCheckpoint(rs.getLong(1), new Checkpoint(origin, rs.getLong(2), rs.getBytes(3)), rs.getString(4)))
        .list();
  }

  /** Subtree hashes as stored: level 0 from the leaf rows, higher levels from the node rows. */
  private static Merkle.Subtrees subtrees(Handle h) {
    return (level, index) -> {
      Optional<byte[]> hash =
          level == 0
              ? h.createQuery("SELECT leaf_hash FROM audit_leaf WHERE leaf_index = ?").bind(0, index).mapTo(byte[].class).findOne()
              : h.createQuery("SELECT hash FROM audit_node WHERE node_level = ? AND node_index = ?")
                  .bind(0, level)
                  .bind(1, index)
                  .mapTo(byte[].class)
                  .findOne();
      return hash.orElseThrow(() -> new StoreException("audit subtree at level " + level + " index " + index + " is missing"));
    };
  }

  @Override
  public InclusionProof inclusionProof(long leafIndex, long treeSize) {
    return guard(
        () ->
            jdbi.inTransaction(
                TransactionIsolationLevel.REPEATABLE_READ,
                h -> {
                  checkTreeSize(h, treeSize);
                  if (leafIndex < 0 || leafIndex >= treeSize) {
                    throw new IllegalArgumentException("leaf " + leafIndex + " is not in a tree of size " + treeSize);
                  }
                  Merkle.Subtrees s = subtrees(h);
                  return new InclusionProof(
                      leafIndex, treeSize, s.hash(0, leafIndex), Merkle.root(s, treeSize), Merkle.inclusionProof(s, leafIndex, treeSize));
                }));
  }

  @Override
  public List<byte[]> consistencyProof(long size1, long size2) {
    return guard(
        () ->
            jdbi.inTransaction(
                TransactionIsolationLevel.REPEATABLE_READ,
                h -> {
                  checkTreeSize(h, size2);
                  return Merkle.consistencyProof(subtrees(h), size1, size2);
                }));
  }

  private static void checkTreeSize(Handle h, long treeSize) {
    long leaves = h.createQuery("SELECT leaves FROM store_head WHERE id = 1").mapTo(Long.class).one();
    if (treeSize < 0 || treeSize > leaves) {
      throw new IllegalArgumentException("the audit log has " + leaves + " leaves, so no tree of size " + treeSize);
    }
  }

  @Override
  public AuditReport verifyAudit() {
    return guard(() -> jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, this::verify));
  }

  private AuditReport verify(Handle h) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> head = h.createQuery("SELECT events, leaves FROM store_head WHERE id = 1").mapToMap().one();
    long headEvents = ((Number) head.get("events")).longValue();
    long headLeaves = ((Number) head.get("leaves")).longValue();
    List<SignedCheckpoint> checkpoints = allCheckpoints(h);
    Map<Long, byte[]> rootsWanted = new LinkedHashMap<>();
    for (SignedCheckpoint c : checkpoints) {
      rootsWanted.put(c.checkpoint().size(), null);
    }
    List<String> notes = new ArrayList<>();

    // The keys first: a key history this data directory's key files do not vouch for makes every
    // signature below worthless, so it is the first thing reported.
    List<AuditKey> keys;
    try {
      keys = readKeys(h);
    } catch (StoreException e) {
      problems.add(e.getMessage());
      keys = List.of(new AuditKey(0, firstKey, 0));
    }
    problems.addAll(keyAnchorProblems(keys));

    // The checkpoint kept in the data directory: the database's log must extend it.
    Checkpoint keptCp = null;
    try {
      Optional<String> note = kept.read();
      if (note.isPresent()) {
        long size = KeptCheckpoint.body(note.get()).size();
        for (AuditKey k : AuditKey.signersAt(keys, size)) {
          keptCp = k.key().open(note.get());
        }
        rootsWanted.putIfAbsent(keptCp.size(), null);
      } else if (!checkpoints.isEmpty()) {
        notes.add("no checkpoint is kept in " + kept.file() + " yet (a store made before checkpoints were kept there"
            + " gets one at its next checkpoint), so a rollback of the database could not be checked");
      }
    } catch (IOException | IllegalArgumentException e) {
      problems.add("the kept checkpoint " + kept.file() + " does not verify: " + e.getMessage());
      keptCp = null;
    }

    // Leaves: each stored hash must be the hash of its bytes; recompute every subtree and root.
    Frontier edge = new Frontier();
    Map<String, Map<String, Long>> builds = new java.util.TreeMap<>();
    List<List<byte[]>> nodes = new ArrayList<>();
    long[] expected = {0};
    boolean[] gap = {false};
    if (rootsWanted.containsKey(0L)) {
      rootsWanted.put(0L, edge.root());
    }
    h.createQuery("SELECT leaf_index, leaf_bytes, leaf_hash FROM audit_leaf ORDER BY leaf_index")
        .setFetchSize(10_000)
        .map((rs, ctx) -> {
          long index = rs.getLong(1);
          if (gap[0]) {
            return Boolean.FALSE;
          }
          if (index != expected[0]) {
            problems.add("audit leaf " + expected[0] + " is missing");
            gap[0] = true;
            return Boolean.FALSE;
          }
          byte[] computed = Merkle.leafHash(rs.getBytes(2));
          snapshotBuild(index, rs.getBytes(2), builds);
          if (!java.util.Arrays.equals(computed, rs.getBytes(3))) {
            problems.add("audit leaf " + index + ": its stored hash does not match its bytes");
          }
          for (Frontier.Node n : edge.append(computed)) {
            while (nodes.size() < n.level()) {
              nodes.add(new ArrayList<>());
            }
            nodes.get(n.level() - 1).add(n.hash());
          }
          expected[0]++;
          if (rootsWanted.containsKey(edge.size())) {
            rootsWanted.put(edge.size(), edge.root());
          }
          return Boolean.TRUE;
        })
        .forEach(x -> {});
    long leafCount = expected[0];
    if (!gap[0] && leafCount != headLeaves) {
      problems.add("the log head says " + headLeaves + " leaves but " + leafCount + " are stored");
    }

    // Stored subtree hashes must be the ones the leaves give.
    long[] nodeCount = {0};
    h.createQuery("SELECT node_level, node_index, hash FROM audit_node ORDER BY node_level, node_index")
        .setFetchSize(10_000)
        .map((rs, ctx) -> {
          int level = rs.getInt(1);
          long index = rs.getLong(2);
          nodeCount[0]++;
          List<byte[]> row = level >= 1 && level <= nodes.size() ? nodes.get(level - 1) : List.of();
          if (index >= row.size()) {
            problems.add("audit node at level " + level + " index " + index + " is not part of the tree");
          } else if (!java.util.Arrays.equals(row.get((int) index), rs.getBytes(3))) {
            problems.add("audit node at level " + level + " index " + index + " does not match the leaves below it");
          }
          return Boolean.TRUE;
        })
        .forEach(x -> {});
    long wantNodes = nodes.stream().mapToLong(List::size).sum();
    if (nodeCount[0] < wantNodes) {
      problems.add((wantNodes - nodeCount[0]) + " audit nodes are missing");
    }

    // Checkpoints: signed by the key valid at their size (both keys at a rotation's size, never
    // by another key of the log), in order, with the root the leaves give.
    if (keptCp != null) {
      String problem = gap[0] && keptCp.size() > leafCount ? null : keptPrefixProblem(keptCp, leafCount, rootsWanted.get(keptCp.size()));
      if (problem != null) {
        problems.add(problem);
      }
    }
    verifyRotations(h, keys, checkpoints, problems);
    long previous = 0;
    for (SignedCheckpoint c : checkpoints) {
      String where = "checkpoint " + c.number();
      Checkpoint signed = null;
      List<AuditKey> signers = AuditKey.signersAt(keys, c.checkpoint().size());
      try {
        for (AuditKey k : signers) {
          signed = k.key().open(c.note());
        }
      } catch (IllegalArgumentException e) {
        problems.add(where + ": " + e.getMessage());
        continue;
      }
      for (AuditKey k : keys) {
        if (!signers.contains(k) && k.key().claims(c.note())) {
          problems.add(where + ": signed by key " + k.number() + " (" + k.key().verifierKey() + "), which does not sign tree size "
              + c.checkpoint().size());
        }
      }
      if (!signed.equals(c.checkpoint())) {
        problems.add(where + ": the signed note does not match the stored size and root");
      }
      if (signed.size() < previous) {
        problems.add(where + ": tree size " + signed.size() + " is smaller than the previous checkpoint's " + previous);
      }
      previous = signed.size();
      byte[] root = rootsWanted.get(signed.size());
      if (root == null) {
        problems.add(where + ": tree size " + signed.size() + " is beyond the " + leafCount + " stored leaves");
      } else if (!java.util.Arrays.equals(root, signed.root())) {
        problems.add(where + ": its root does not match the stored leaves");
      }
    }

    // The name digests purges committed to, by the seq of the registration they purged.
    Map<Long, String> recordedDigests = new HashMap<>();
    h.createQuery("SELECT leaf_bytes FROM audit_leaf WHERE kind = ? ORDER BY leaf_index")
        .bind(0, NAME_DIGEST_KIND)
        .mapTo(byte[].class)
        .forEach(bytes -> {
          try {
            JsonNode record = MAPPER.readTree(bytes).get("record");
            recordedDigests.put(record.get("seq").asLong(), record.get(Erasure.NAME_DIGEST).textValue());
          } catch (IOException | RuntimeException e) {
            problems.add("an " + NAME_DIGEST_KIND + " audit record cannot be read");
          }
        });

    // The first erasure of each member: every row of that member is purged by it, and no other row
    // is purged at all. Read from the bodies (checked against their leaves below), not the columns.
    Map<String, Long> firstErasure = new HashMap<>();
    h.createQuery("SELECT seq, body FROM ledger_event WHERE event_type = 'erasure.requested' ORDER BY seq")
        .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
        .forEach(row -> {
          try {
            if (decodeBody(row.getKey(), row.getValue()).event() instanceof ErasureRequested r) {
              firstErasure.putIfAbsent(r.member(), row.getKey());
            }
          } catch (StoreException e) {
            // Reported by the pass over every event below.
          }
        });

    // Every stored event must be the one its leaf logged, and every column that decisions read
    // must be what its event gives: the body is what the leaf vouches for, the columns are not.
    Replay replay = new Replay();
    replay.prepare(h);
    long[] seqExpected = {1};
    h.createQuery(
            "SELECT e.seq, e.leaf_index, e.body, l.leaf_bytes, e.purged_by, e.event_type, e.at_second, e.at_nano, e.member_no"
                + " FROM ledger_event e LEFT JOIN audit_leaf l ON l.leaf_index = e.leaf_index ORDER BY e.seq")
        .setFetchSize(10_000)
        .map((rs, ctx) -> {
          long seq = rs.getLong(1);
          if (seq != seqExpected[0]) {
            problems.add("ledger event seq " + seqExpected[0] + " is missing");
          }
          seqExpected[0] = seq + 1;
          byte[] leaf = rs.getBytes(4);
          Long purgedBy = rs.getObject(5) == null ? null : rs.getLong(5);
          boolean purged = purgedBy != null;
          byte[] want;
          ObjectNode row;
          LedgerEvent event;
          try {
            row = (ObjectNode) MAPPER.readTree(rs.getString(3));
            want = auditLeaves.eventLeaf(seq, row);
            event = EventCodec.decode(row);
          } catch (JsonProcessingException | ClassCastException | InvalidEventException e) {
            problems.add("ledger event seq " + seq + " is not a ledger event: " + e.getMessage());
            return Boolean.FALSE;
          }
          if (purged && leaf != null && leafHasName(leaf)) {
            // A name too short to look for leaves neither a digest nor a record.
            String recorded = recordedDigests.get(seq);
            String holds = row.hasNonNull(Erasure.NAME_DIGEST)
                ? auditLeaves.commitments().commit(row.get(Erasure.NAME_DIGEST).asText())
                : null;
            if (!Objects.equals(holds, recorded)) {
              problems.add("ledger event seq " + seq + ": its name digest is not the one its purge recorded");
            }
          }
          if (leaf == null) {
            problems.add("ledger event seq " + seq + ": its audit leaf " + rs.getLong(2) + " is missing");
          } else if (!java.util.Arrays.equals(want, purged ? purgedLeaf(leaf, row) : leaf)) {
            problems.add("ledger event seq " + seq + " does not match its audit leaf " + rs.getLong(2));
          }
          String where = "ledger event seq " + seq + ": ";
          if (!event.type().word().equals(rs.getString(6))) {
            problems.add(where + "event_type is " + rs.getString(6) + " but the event is " + event.type().word());
          }
          if (rs.getLong(7) != event.at().getEpochSecond() || rs.getInt(8) != event.at().getNano()) {
            problems.add(where + "at_second/at_nano (" + rs.getLong(7) + "/" + rs.getInt(8) + ") are not the event's at "
                + Rfc3339.format(event.at()));
          }
          Integer owner = replay.owner(event, seq);
          Integer storedOwner = rs.getObject(9) == null ? null : rs.getInt(9);
          if (!Objects.equals(owner, storedOwner)) {
            problems.add(where + "member_no is " + storedOwner + " but the event belongs to member number " + owner
                + (owner == null ? " (none)" : " (" + replay.ids.get(owner) + ")"));
          }
          Long erasure = owner == null ? null : firstErasure.get(replay.ids.get(owner));
          if (!Objects.equals(erasure, purgedBy)) {
            problems.add(where + (erasure == null
                ? "it is marked purged by seq " + purgedBy + ", but its member never asked for erasure"
                : purgedBy == null
                    ? "it belongs to a member who asked for erasure (seq " + erasure + ") but is not purged"
                    : "it is marked purged by seq " + purgedBy + ", but its member's erasure is seq " + erasure));
          }
          return Boolean.TRUE;
        })
        .forEach(x -> {});
    if (seqExpected[0] - 1 != headEvents) {
      problems.add("the log head says " + headEvents + " events but the last stored is seq " + (seqExpected[0] - 1));
    }
    replay.compare(h, problems);
    verifySnapshotManifests(h, builds, problems, notes);
    return new AuditReport(leafCount, checkpoints.size(), problems, notes);
  }

  /** Audit-record kind of a snapshot build (written by lethe-pipeline). */
  static final String SNAPSHOT_BUILD_KIND = "snapshot.build";

  private static final byte[] SNAPSHOT_BUILD_MARKER = ("\"" + SNAPSHOT_BUILD_KIND + "\"").getBytes(StandardCharsets.UTF_8);

  /**
   * Collects a {@value #SNAPSHOT_BUILD_KIND} leaf: snapshot id to the manifest digests its builds
   * committed to, each with the leaf that did. Found by the leaf's bytes, not the kind column,
   * which no hash covers.
   */
  private static void snapshotBuild(long index, byte[] leaf, Map<String, Map<String, Long>> builds) {
    if (!contains(leaf, SNAPSHOT_BUILD_MARKER)) {
      return;
    }
    try {
      JsonNode node = MAPPER.readTree(leaf);
      JsonNode record = node.path("record");
      if (SNAPSHOT_BUILD_KIND.equals(node.path("kind").asText()) && record.path("snapshot").isTextual()
          && record.path("manifest_sha256").isTextual()) {
        builds.computeIfAbsent(record.get("snapshot").textValue(), k -> new LinkedHashMap<>())
            .putIfAbsent(record.get("manifest_sha256").textValue(), index);
      }
    } catch (IOException e) {
      // Not JSON: a leaf of the log never is; its hash check reports a damaged one.
    }
  }

  private static boolean contains(byte[] bytes, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Every built snapshot whose directory is under a registered root, or under {@code snapshots/}
   * in the data directory (where builds without an output directory, and the demo, publish without
   * registering it), must hold the manifest.json its build leaf committed to. A snapshot found under no root is a note, not a problem: retiring
   * a snapshot deletes its directory by design (forgetting keeps manifest.json, so a snapshot it
   * retired is still checked).
   */
  private void verifySnapshotManifests(Handle h, Map<String, Map<String, Long>> builds, List<String> problems,
      List<String> notes) {
    if (builds.isEmpty()) {
      return;
    }
    Set<Path> roots = new LinkedHashSet<>(h.createQuery("SELECT root_path FROM snapshot_root ORDER BY root_path")
        .mapTo(String.class)
        .map(Path::of)
        .list());
    Path defaultRoot = config.dataDir().toAbsolutePath().normalize().resolve("snapshots");
    if (Files.isDirectory(defaultRoot)) {
      roots.add(defaultRoot);
    }
    List<String> unreachable = new ArrayList<>();
    for (Map.Entry<String, Map<String, Long>> build : builds.entrySet()) {
      String snapshot = build.getKey();
      boolean found = false;
      for (Path root : roots) {
        Path dir;
        try {
          dir = root.resolve(snapshot);
        } catch (java.nio.file.InvalidPathException e) {
          continue;
        }
        if (!dir.normalize().startsWith(root.normalize()) || !Files.isDirectory(dir)) {
          continue;
        }
        found = true;
        Path manifest = dir.resolve("manifest.json");
        String leaves = build.getValue().values().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
        if (!Files.isRegularFile(manifest)) {
          problems.add("snapshot " + snapshot + " in " + root + ": manifest.json is missing, but its build (audit leaf "
              + leaves + ") committed to one");
          continue;
        }
        String actual;
        try {
          actual = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(manifest)));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
          problems.add("snapshot " + snapshot + " in " + root + ": manifest.json cannot be read: " + e.getMessage());
          continue;
        }
        if (!build.getValue().containsKey(actual)) {
          problems.add("snapshot " + snapshot + " in " + root + ": the SHA-256 of its manifest.json is " + actual
              + ", not the " + String.join(" or ", build.getValue().keySet()) + " its build (audit leaf " + leaves
              + ") committed to: the manifest was changed after the build");
        }
      }
      if (!found) {
        unreachable.add(snapshot);
      }
    }
    if (!unreachable.isEmpty()) {
      notes.add(unreachable.size() + " built snapshot(s) have no directory under the registered snapshot roots (retired,"
          + " moved, or built into an unregistered root), so their manifests were not checked: "
          + String.join(", ", unreachable.subList(0, Math.min(5, unreachable.size())))
          + (unreachable.size() > 5 ? ", ..." : ""));
    }
  }

  /**
   * The member numbers, objection owners and content owners the events give, as appending
   * assigned them: the k-th registration by seq (from 0) is member number k. A batch assigns its
   * registrations', filings' and postings' numbers before its other events, so an event may name
   * a member, objection or content registered later in its batch: all three are read first.
   */
  private static final class Replay {
    final List<String> ids = new ArrayList<>();
    final List<Long> registeredSeqs = new ArrayList<>();
    final Map<String, Integer> numbers = new HashMap<>();
    final Map<String, Map.Entry<Integer, Long>> objections = new HashMap<>();
    final Map<String, Map.Entry<Integer, Long>> contents = new HashMap<>();

    /**
     * Reads the registrations, filings and postings, by their event_type column; a row whose
     * column is not its event's type is reported by the pass over every event.
     */
    void prepare(Handle h) {
      each(h, "member.registered", (seq, e) -> {
        if (e instanceof MemberRegistered r && !numbers.containsKey(r.member())) {
          numbers.put(r.member(), ids.size());
          ids.add(r.member());
          registeredSeqs.add(seq);
        }
      });
      each(h, "objection.filed", (seq, e) -> {
        if (e instanceof ObjectionFiled f && numbers.containsKey(f.member())) {
          objections.putIfAbsent(f.objection(), Map.entry(numbers.get(f.member()), seq));
        }
      });
      each(h, "content.posted", (seq, e) -> {
        if (e instanceof ContentPosted p && numbers.containsKey(p.member())) {
          contents.putIfAbsent(p.content(), Map.entry(numbers.get(p.member()), seq));
        }
      });
    }

    private static void each(Handle h, String type, java.util.function.BiConsumer<Long, LedgerEvent> action) {
      h.createQuery("SELECT seq, body FROM ledger_event WHERE event_type = ? ORDER BY seq")
          .bind(0, type)
          .setFetchSize(10_000)
          .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
          .forEach(row -> {
            try {
              action.accept(row.getKey(), decodeBody(row.getKey(), row.getValue()).event());
            } catch (StoreException e) {
              // Reported by the pass over every event.
            }
          });
    }

    /** The member number event {@code seq} belongs to, null for a policy or an unknown id. */
    Integer owner(LedgerEvent e, long seq) {
      if (e instanceof PolicyPublished) {
        return null;
      } else if (e instanceof ObjectionDecided d) {
        Map.Entry<Integer, Long> o = objections.get(d.objection());
        return o == null ? null : o.getKey();
      } else if (e instanceof ContentDeleted d) {
        Map.Entry<Integer, Long> c = contents.get(d.content());
        return c == null ? null : c.getKey();
      }
      return numbers.get(e.member());
    }

    /** The lookup tables and the head's member count must be exactly what the replay gives. */
    void compare(Handle h, List<String> problems) {
      long[] at = {0};
      boolean[] reported = {false};
      h.createQuery("SELECT member_no, member_id, registered_seq FROM ledger_member ORDER BY member_no")
          .setFetchSize(10_000)
          .map((rs, ctx) -> {
            long k = at[0]++;
            if (reported[0]) {
              return Boolean.FALSE;
            }
            int no = rs.getInt(1);
            if (k >= ids.size() || no != k || !ids.get((int) k).equals(rs.getString(2)) || registeredSeqs.get((int) k) != rs.getLong(3)) {
              String want = k < ids.size() ? "member number " + k + " is " + ids.get((int) k) + ", registered at seq " + registeredSeqs.get((int) k)
                  : "there are only " + ids.size() + " registrations";
              problems.add("ledger_member row (member_no " + no + ", member_id " + rs.getString(2) + ", registered_seq "
                  + rs.getLong(3) + ") disagrees with the events: " + want);
              reported[0] = true;
            }
            return Boolean.TRUE;
          })
          .forEach(x -> {});
      if (!reported[0] && at[0] != ids.size()) {
        problems.add("ledger_member has " + at[0] + " rows but the events register " + ids.size() + " members");
      }
      long headMembers = h.createQuery("SELECT members FROM store_head WHERE id = 1").mapTo(Long.class).one();
      if (headMembers != ids.size()) {
        problems.add("the log head says " + headMembers + " members but the events register " + ids.size());
      }
      compareOwners(h, "ledger_objection", "objection_id", "filed_seq", objections, problems);
      compareOwners(h, "ledger_content", "content_id", "posted_seq", contents, problems);
    }

    private static void compareOwners(Handle h, String table, String idColumn, String seqColumn,
        Map<String, Map.Entry<Integer, Long>> want, List<String> problems) {
      Set<String> seen = new HashSet<>();
      boolean[] reported = {false};
      h.createQuery("SELECT " + idColumn + ", member_no, " + seqColumn + " FROM " + table + " ORDER BY " + seqColumn)
          .setFetchSize(10_000)
          .map((rs, ctx) -> {
            String id = rs.getString(1);
            seen.add(id);
            Map.Entry<Integer, Long> w = want.get(id);
            if (!reported[0] && (w == null || w.getKey() != rs.getInt(2) || w.getValue() != rs.getLong(3))) {
              problems.add(table + " row (" + idColumn + " " + id + ", member_no " + rs.getInt(2) + ", " + seqColumn + " "
                  + rs.getLong(3) + ") disagrees with the events: " + (w == null ? "no event files it"
                      : "member number " + w.getKey() + " at seq " + w.getValue()));
              reported[0] = true;
            }
            return Boolean.TRUE;
          })
          .forEach(x -> {});
      if (!reported[0] && seen.size() != want.size()) {
        problems.add(table + " has " + seen.size() + " rows but the events give " + want.size());
      }
    }
  }

  /** Whether an event leaf commits to a {@code name}: a registration appended with one. */
  private static boolean leafHasName(byte[] leaf) {
    try {
      JsonNode event = MAPPER.readTree(leaf).get("event");
      return event != null && event.has("name");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * What the leaf of a purged row must be: the stored leaf with the purge rule applied to the
   * event it commits to, each purged free-text field then committing to the marker. A purged
   * row's retained fields are thereby still checked against the values the leaf committed to at
   * append time; the purged ones cannot be, as nothing of them is left to check. That includes a
   * registration's name digest: the leaf commits to the name, which is gone, so the digest the row
   * holds is taken as the purge of the committed name here, and checked against the {@value
   * #NAME_DIGEST_KIND} record its purge appended instead.
   */
  private byte[] purgedLeaf(byte[] leaf, ObjectNode row) {
    try {
      ObjectNode node = (ObjectNode) MAPPER.readTree(leaf);
      ObjectNode event = (ObjectNode) node.get("event");
      JsonNode rowDigest = row.get(Erasure.NAME_DIGEST);
      TextNode digestCommitment = rowDigest == null || !rowDigest.isTextual()
          ? null
          : TextNode.valueOf(auditLeaves.commitments().commit(rowDigest.textValue()));
      node.set("event", Erasure.purge(event, TextNode.valueOf(auditLeaves.commitments().commit(Erasure.MARKER)),
          name -> digestCommitment));
      return AuditLeaves.canonical(node);
    } catch (IOException | RuntimeException e) {
      return leaf; // not a leaf of a member's event: it cannot match a purged row
    }
  }

  /**
   * Each rotation has its leaf, naming the old and the new key, and its checkpoint; no other leaf
   * claims to be a rotation.
   */
  private void verifyRotations(Handle h, List<AuditKey> keys, List<SignedCheckpoint> checkpoints, List<String> problems) {
    Map<Long, byte[]> leaves = new java.util.TreeMap<>();
    h.createQuery("SELECT leaf_index, leaf_bytes FROM audit_leaf WHERE kind = ?")
        .bind(0, AuditKey.ROTATION_KIND)
        .map((rs, ctx) -> leaves.put(rs.getLong(1), rs.getBytes(2)) == null)
        .forEach(x -> {});
    for (AuditKey k : keys.subList(1, keys.size())) {
      String where = "key " + k.number() + " (" + k.key().verifierKey() + ")";
      byte[] leaf = leaves.remove(k.fromSize() - 1);
      JsonNode record = null;
      try {
        record = leaf == null ? null : MAPPER.readTree(leaf).path("record");
      } catch (IOException e) {
        // Reported below as a leaf that is not the rotation.
      }
      if (record == null
          || !keys.get(k.number() - 1).key().verifierKey().equals(record.path("old_key").asText())
          || !k.key().verifierKey().equals(record.path("new_key").asText())) {
        problems.add(where + ": audit leaf " + (k.fromSize() - 1) + " is not the record of its rotation");
      }
      if (checkpoints.stream().noneMatch(c -> c.checkpoint().size() == k.fromSize())) {
        problems.add(where + ": no checkpoint of tree size " + k.fromSize() + " signs its rotation");
      }
    }
    for (long index : leaves.keySet()) {
      problems.add("audit leaf " + index + " records a key rotation the key history does not list");
    }
  }

  @Override
  public List<String> auditKeyProblems() {
    return guard(() -> jdbi.withHandle(h -> keyAnchorProblems(readKeys(h))));
  }

  @Override
  public SignedCheckpoint exportAuditBundle(Path dir) throws IOException {
    SignedCheckpoint last = checkpoint();
    Files.createDirectories(dir.resolve("checkpoints"));
    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir.resolve("checkpoints"), "*.note")) {
      for (Path p : old) {
        Files.delete(p);
      }
    }
    try {
      guard(
          () ->
              jdbi.inTransaction(
                  TransactionIsolationLevel.REPEATABLE_READ,
                  h -> {
                    writeBundle(h, dir, last);
                    return null;
                  }));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return last;
  }

  private void writeBundle(Handle h, Path dir, SignedCheckpoint last) {
    long size = last.checkpoint().size();
    try (BufferedWriter leavesOut = Files.newBufferedWriter(dir.resolve("leaves.jsonl"), StandardCharsets.UTF_8);
        BufferedWriter hashesOut = Files.newBufferedWriter(dir.resolve("leaf-hashes.txt"), StandardCharsets.US_ASCII)) {
      h.createQuery("SELECT leaf_bytes, leaf_hash FROM audit_leaf WHERE leaf_index < ? ORDER BY leaf_index")
          .bind(0, size)
          .setFetchSize(10_000)
          .map((rs, ctx) -> {
            try {
              leavesOut.write(new String(rs.getBytes(1), StandardCharsets.UTF_8));
              leavesOut.write('\n');
              hashesOut.write(Merkle.hex(rs.getBytes(2)));
              hashesOut.write('\n');
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            return Boolean.TRUE;
          })
          .forEach(x -> {});
      List<SignedCheckpoint> cps = new ArrayList<>();
      for (SignedCheckpoint c : allCheckpoints(h)) {
        if (c.number() <= last.number()) {
          cps.add(c);
        }
      }
      StringBuilder consistency = new StringBuilder();
      Merkle.Subtrees s = subtrees(h);
      for (int i = 0; i < cps.size(); i++) {
        SignedCheckpoint c = cps.get(i);
        Files.writeString(dir.resolve("checkpoints").resolve(String.format("%06d.note", i + 1)), c.note(), StandardCharsets.UTF_8);
        if (i > 0) {
          long from = cps.get(i - 1).checkpoint().size();
          long to = c.checkpoint().size();
          ObjectNode line = JsonNodeFactory.instance.objectNode();
          line.put("from", from);
          line.put("to", to);
          var proof = line.putArray("proof");
          for (byte[] p : Merkle.consistencyProof(s, from, to)) {
            proof.add(Base64.getEncoder().encodeToString(p));
          }
          consistency.append(MAPPER.writeValueAsString(line)).append('\n');
        }
      }
      Files.writeString(dir.resolve("consistency.jsonl"), consistency, StandardCharsets.UTF_8);
      // A log that never rotated its key stays lethe-audit-bundle/1, byte for byte what verifiers
      // of that format read. After a rotation the bundle is /2: keys.jsonl lists every key with
      // the first tree size it signs, and key.vkey is the current key.
      List<AuditKey> keys = new ArrayList<>();
      for (AuditKey k : readKeys(h)) {
        if (k.fromSize() <= size) {
          keys.add(k);
        }
      }
      Files.writeString(dir.resolve("key.vkey"), keys.get(keys.size() - 1).key().verifierKey() + "\n", StandardCharsets.UTF_8);
      if (keys.size() > 1) {
        StringBuilder history = new StringBuilder();
        for (AuditKey k : keys) {
          ObjectNode line = JsonNodeFactory.instance.objectNode();
          line.put("key", k.key().verifierKey());
          line.put("from_size", k.fromSize());
          history.append(MAPPER.writeValueAsString(line)).append('\n');
        }
        Files.writeString(dir.resolve("keys.jsonl"), history, StandardCharsets.UTF_8);
      } else {
        Files.deleteIfExists(dir.resolve("keys.jsonl"));
      }
      ObjectNode bundle = JsonNodeFactory.instance.objectNode();
      bundle.put("format", keys.size() > 1 ? "lethe-audit-bundle/2" : "lethe-audit-bundle/1");
      bundle.put("origin", origin);
      bundle.put("leaves", size);
      bundle.put("checkpoints", cps.size());
      if (keys.size() > 1) {
        bundle.put("keys", keys.size());
      }
      Files.writeString(dir.resolve("bundle.json"), MAPPER.writeValueAsString(bundle) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- snapshot roots

  @Override
  public boolean registerSnapshotRoot(Path root) {
    String path = rootPath(root);
    String key = Merkle.hex(sha256(path));
    boolean added;
    try {
      added = jdbi.withHandle(h -> h.createUpdate(
              "MERGE INTO snapshot_root r USING (VALUES (CAST(:key AS VARCHAR(64)), CAST(:path AS VARCHAR)))"
                  + " AS s(root_sha256, root_path) ON r.root_sha256 = s.root_sha256"
                  + " WHEN NOT MATCHED THEN INSERT (root_sha256, root_path) VALUES (s.root_sha256, s.root_path)")
          .bind("key", key)
          .bind("path", path)
          .execute()) > 0;
    } catch (JdbiException e) {
      // Another process registered the same root at once and won the race on the primary key.
      boolean there = guard(() -> jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM snapshot_root WHERE root_sha256 = :key")
          .bind("key", key).mapTo(Long.class).one())) > 0;
      if (!there) {
        throw new StoreException("database error: " + rootMessage(e), e);
      }
      added = false;
    }
    if (added && config.embedded()) {
      // A build that published snapshots the registry forgot after a crash would escape forgetting.
      syncEmbedded();
    }
    return added;
  }

  @Override
  public List<Path> snapshotRoots() {
    List<String> paths = guard(() -> jdbi.withHandle(h -> h.createQuery("SELECT root_path FROM snapshot_root")
        .mapTo(String.class).list()));
    // Sorted here, not in SQL: the two databases collate strings differently.
    return paths.stream().map(Path::of).sorted().toList();
  }

  @Override
  public boolean unregisterSnapshotRoot(Path root) {
    String key = Merkle.hex(sha256(rootPath(root)));
    boolean removed = guard(() -> jdbi.withHandle(h -> h.createUpdate("DELETE FROM snapshot_root WHERE root_sha256 = :key")
        .bind("key", key).execute())) > 0;
    if (removed && config.embedded()) {
      syncEmbedded();
    }
    return removed;
  }

  @Override
  public boolean recordSnapshot(Path root, String snapshot, String purpose, Instant asOf) {
    String path = rootPath(root);
    String key = Merkle.hex(sha256(path));
    String id = snapshotId(snapshot);
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(asOf, "asOf");
    if (purpose.length() > 1000) {
      throw new IllegalArgumentException("a purpose of more than 1000 characters: " + purpose.substring(0, 40) + "...");
    }
    Instant now = config.clock().instant();
    boolean added;
    for (int attempt = 0; ; attempt++) {
      try {
        added = jdbi.inTransaction(h -> {
          h.createUpdate(
                  "MERGE INTO snapshot_root r USING (VALUES (CAST(:key AS VARCHAR(64)), CAST(:path AS VARCHAR)))"
                      + " AS s(root_sha256, root_path) ON r.root_sha256 = s.root_sha256"
                      + " WHEN NOT MATCHED THEN INSERT (root_sha256, root_path) VALUES (s.root_sha256, s.root_path)")
              .bind("key", key)
              .bind("path", path)
              .execute();
          return h.createUpdate(
                  "MERGE INTO snapshot_record r USING (VALUES (CAST(:key AS VARCHAR(64)), CAST(:id AS VARCHAR(1000))))"
                      + " AS s(root_sha256, snapshot_id) ON r.root_sha256 = s.root_sha256 AND r.snapshot_id = s.snapshot_id"
                      + " WHEN NOT MATCHED THEN INSERT (root_sha256, snapshot_id, purpose, as_of_second, as_of_nano,"
                      + " recorded_second, recorded_nano) VALUES (s.root_sha256, s.snapshot_id, :purpose, :asOfSecond,"
                      + " :asOfNano, :recordedSecond, :recordedNano)")
              .bind("key", key)
              .bind("id", id)
              .bind("purpose", purpose)
              .bind("asOfSecond", asOf.getEpochSecond())
              .bind("asOfNano", asOf.getNano())
              .bind("recordedSecond", now.getEpochSecond())
              .bind("recordedNano", now.getNano())
              .execute() > 0;
        });
        break;
      } catch (JdbiException e) {
        // Another process recorded the same snapshot, or registered its root, at once and won the
        // race on a key: the snapshot is recorded, or the next attempt finds the root there.
        boolean there = guard(() -> jdbi.withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM snapshot_record WHERE root_sha256 = :key AND snapshot_id = :id")
            .bind("key", key).bind("id", id).mapTo(Long.class).one())) > 0;
        if (there) {
          added = false;
          break;
        }
        if (attempt >= 2) {
          throw new StoreException("database error: " + rootMessage(e), e);
        }
      }
    }
    if (added && config.embedded()) {
      // A snapshot the store forgot after a crash could vanish from its root unnoticed.
      syncEmbedded();
    }
    return added;
  }

  @Override
  public List<RecordedSnapshot> recordedSnapshots() {
    List<RecordedSnapshot> all = guard(() -> jdbi.withHandle(h -> h.createQuery(
            "SELECT r.root_path, s.snapshot_id, s.purpose, s.as_of_second, s.as_of_nano, s.recorded_second, s.recorded_nano"
                + " FROM snapshot_record s JOIN snapshot_root r ON r.root_sha256 = s.root_sha256")
        .map((rs, ctx) -> new RecordedSnapshot(Path.of(rs.getString(1)), rs.getString(2), rs.getString(3),
            Instant.ofEpochSecond(rs.getLong(4), rs.getInt(5)), Instant.ofEpochSecond(rs.getLong(6), rs.getInt(7))))
        .list()));
    // Sorted here, not in SQL: the two databases collate strings differently.
    return all.stream()
        .sorted(java.util.Comparator.comparing(RecordedSnapshot::root).thenComparing(RecordedSnapshot::snapshot))
        .toList();
  }

  @Override
  public boolean removeSnapshotRecord(Path root, String snapshot) {
    String key = Merkle.hex(sha256(rootPath(root)));
    String id = snapshotId(snapshot);
    boolean removed = guard(() -> jdbi.withHandle(h -> h.createUpdate(
            "DELETE FROM snapshot_record WHERE root_sha256 = :key AND snapshot_id = :id")
        .bind("key", key).bind("id", id).execute())) > 0;
    if (removed && config.embedded()) {
      syncEmbedded();
    }
    return removed;
  }

  /** A snapshot id is its directory name under a root: anything else could name another directory. */
  private static String snapshotId(String snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    if (snapshot.isEmpty() || snapshot.length() > 1000 || snapshot.startsWith(".") || snapshot.indexOf('/') >= 0
        || snapshot.indexOf('\\') >= 0 || snapshot.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not a snapshot id (a directory name under its root): " + snapshot);
    }
    return snapshot;
  }

  private static String rootPath(Path root) {
    Objects.requireNonNull(root, "root");
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException("a snapshot root must be an absolute path: " + root);
    }
    return root.normalize().toString();
  }

  private static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  // ---------------------------------------------------------------- plumbing

  @FunctionalInterface
  private interface Read<T> {
    T get();
  }

  /** Turns database failures into {@link StoreException}s with the driver's own words. */
  private static <T> T guard(Read<T> read) {
    try {
      return read.get();
    } catch (JdbiException e) {
      throw new StoreException("database error: " + rootMessage(e), e);
    }
  }

  @Override
  public void close() {
    GroupWriter w;
    synchronized (this) {
      closed = true;
      w = writer;
    }
    if (w != null && w.thread.isAlive()) {
      // The writer commits what queued before the stop marker, then fails anything after it.
      w.queue.add(Pending.STOP);
      boolean interrupted = false;
      while (w.thread.isAlive()) {
        try {
          w.thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      for (Pending p; (p = w.queue.poll()) != null; ) {
        p.done.completeExceptionally(new StoreException("the store is closed"));
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    dataSource.close();
  }
}
