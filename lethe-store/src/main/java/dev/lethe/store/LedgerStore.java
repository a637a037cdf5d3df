package dev.lethe.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.store.audit.AuditKey;
import dev.lethe.store.audit.AuditReport;
import dev.lethe.store.audit.InclusionProof;
import dev.lethe.store.audit.KeyRotation;
import dev.lethe.store.audit.NoteKey;
import dev.lethe.store.audit.SignedCheckpoint;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.roaringbitmap.RoaringBitmap;

/**
 * The durable consent ledger and its tamper-evident audit log, in one JDBC database.
 *
 * <p>Appends are validated exactly as {@code lethe replay} validates a file (same messages), with
 * applied order (at, append sequence): a stored event counts for a new one when its {@code at} is
 * at or before the new event's. An append is acknowledged only after its transaction committed,
 * together with its audit leaf; a failure is always an exception. Decisions are answered from the
 * stored rows of one member plus the policies, with the decision engine of {@code lethe-core}, so
 * they are identical to a replay of the whole ledger.
 *
 * <p>Erasure: once an {@code erasure.requested} event of a member is stored, every stored event of
 * that member (its objection decisions and content deletions included) holds only what {@link
 * dev.lethe.core.event.Erasure#purge} keeps — the append that stores the erasure purges the
 * member's earlier rows in its own transaction, and later events of the member are stored purged.
 * Decisions and eligible sets do not change (they never read what is purged); reads, {@link
 * #export} and {@link #eventByClientId} return the purged form; each event's audit leaf still
 * commits to the values as appended. {@link #compact} removes the replaced bytes from the files.
 *
 * <p>Thread-safe: any number of threads may read and append at once; appends are serialized (in
 * this process by one writer thread, across processes by a row lock in the database). Calls to
 * {@link #appendBatch} that arrive while a transaction runs are committed together in the next
 * one (group commit), each still validated in arrival order and accepted or rejected on its own.
 * Member reads ({@link #memberHistory}, {@link #decide}) are served from an in-memory index of
 * recently read members that is brought up to date with every event committed, by any process,
 * before the read began. No method accepts
 * {@code null} unless its documentation says so. Database failures surface as {@link
 * StoreException}.
 */
public interface LedgerStore extends AutoCloseable {

  /**
   * Opens (and on first use creates) a store: runs the schema migrations, creates the deployment
   * id, the deployment key and the audit signing key if missing. Keys are created only with the
   * store (the signing key only with the log's first key): an embedded database without its
   * {@code deployment.key} is refused, and a missing signing key of a log that has one is reported
   * when something must be signed, never replaced.
   *
   * @throws StoreException if the database cannot be opened or migrated, a key cannot be read, or
   *     the embedded data directory holds {@link #EMBEDDED_DATABASE_FILE} without its deployment key
   */
  static LedgerStore open(StoreConfig config) {
    return JdbcLedgerStore.open(config, true);
  }

  /**
   * Opens a store that exists, as {@link #open} does (pending schema migrations included), but
   * creates nothing where there is none: for commands that only read, so that a mistyped data
   * directory or database URL is an error instead of a new, empty store with fresh keys. Nor does
   * it create a directory or a key: the signing key is not needed to read, and a store without it
   * refuses only to sign.
   *
   * @throws NoStoreException if the embedded data directory holds no ledger database ({@link
   *     #EMBEDDED_DATABASE_FILE}), or the database has no Lethe tables; nothing was created
   * @throws StoreException if the database cannot be opened or migrated, a key cannot be read, the
   *     embedded data directory lacks its deployment key, or the store's creation never finished
   */
  static LedgerStore openExisting(StoreConfig config) {
    return JdbcLedgerStore.open(config, false);
  }

  /**
   * Whether a store exists where {@code config} points, without opening it: the embedded database
   * file is there, or the database has Lethe's tables. Creates nothing; an embedded store may be
   * in use by another process meanwhile.
   *
   * @throws StoreException if the database cannot be reached
   */
  static boolean exists(StoreConfig config) {
    return JdbcLedgerStore.exists(config);
  }

  /** The embedded store's database file, under the data directory. */
  String EMBEDDED_DATABASE_FILE = "ledger.mv.db";

  /**
   * Rewrites the store's database so that what purges replaced (see {@link #append}) is gone from
   * its files, not only from its rows: H2's {@code SHUTDOWN COMPACT} or PostgreSQL's {@code VACUUM
   * FULL ledger_event}. An operator's maintenance step: no store may be open on an embedded data
   * directory (in this process or another), and on PostgreSQL the table is locked while it runs.
   *
   * @throws StoreException if the database cannot be reached, is in use (H2) or refuses
   */
  static Compacted compact(StoreConfig config) {
    return Compaction.run(config);
  }

  /**
   * Writes the store's deployment key to a new file, so that another store of the same deployment
   * (an embedded store's {@code deployment.key}, or the file a new database takes its first key
   * from) commits and digests alike: an export of this store imports there, erased members' name
   * digests included. The key is secret: whoever holds it can link audit leaves to member ids and
   * test guessed names against name digests.
   *
   * <p>The key is read where the store keeps it ({@code deployment.key} under the data directory,
   * or {@code store_meta} in the database) without opening the store, so a store that has no key
   * yet is not given one, and an embedded store may be in use by another process meanwhile.
   *
   * @param out the new file: 32 raw bytes, readable by the owner only (mode 0600 where the file
   *     system is POSIX), written whole or not at all; its directory is created if missing
   * @return the key's id, the 8 hex digits of {@link ErasedNameKey#id} that this deployment's name
   *     digests carry (it tells nothing of the key)
   * @throws StoreException if the store has no deployment key yet, {@code out} exists, the key
   *     cannot be read, or the file cannot be written
   */
  static String exportDeploymentKey(StoreConfig config, Path out) {
    return DeploymentKeys.export(config, out);
  }

  /**
   * Appends one event given as JSON.
   *
   * @param json one ledger line (a JSON object; unknown fields are kept)
   * @param clientId the client's id for this event, or {@code null}: the same id with the same
   *     event again is a no-op returning the original sequence number (also once the stored row
   *     was purged: the event as first appended, or as the row now holds it, is the same event)
   * @throws EventRejectedException if the event is malformed, does not fit the ledger, is a
   *     query, or the client id was used for a different event
   */
  AppendResult append(String json, String clientId) throws EventRejectedException;

  /**
   * Appends one event value, in the JSON form {@link dev.lethe.core.event.EventCodec#encode} gives.
   *
   * @see #append(String, String)
   */
  AppendResult append(LedgerEvent event, String clientId) throws EventRejectedException;

  /**
   * Appends events in one transaction: all or none. The batch is validated as a whole together
   * with the stored ledger, in applied order, as {@code lethe replay} validates a file, so events
   * may come in any time order.
   *
   * @return one result per event, in batch order
   * @throws EventRejectedException for the first offending event in applied order; its {@link
   *     EventRejectedException#index()} is the position in {@code events}
   */
  List<AppendResult> appendBatch(List<Append> events) throws EventRejectedException;

  /** Number of stored events. */
  long eventCount();

  /** The event stored under a client id, if any. */
  Optional<StoredEvent> eventByClientId(String clientId);

  /**
   * Decides whether the member's data may be used for the purpose at the instant: rules 1–10 of
   * the spec, from the stored events at or before {@code at}.
   */
  Decision decide(String member, String purpose, Instant at);

  /**
   * Decides as {@link #decide(String, String, Instant)} does, but from a history this store's
   * {@link #memberHistory} returned for the member, without reading the ledger again: one read
   * then serves the member's events and every purpose's decision. The policies are those the
   * store knows now, which include every policy committed before that history was read.
   *
   * @param history what {@link #memberHistory} returned for {@code member}; events after {@code
   *     at} are ignored
   */
  Decision decide(String member, String purpose, Instant at, List<StoredEvent> history);

  /**
   * Every purpose some stored policy version defines, sorted: what tells a mistyped purpose from
   * one merely not in force at an instant, from the policies alone rather than the whole ledger.
   */
  java.util.SortedSet<String> definedPurposes();

  /** Every stored event naming the member (objection decisions and content deletions included), in append order. */
  List<StoredEvent> memberHistory(String member);

  /**
   * The members allowed for the purpose at the instant, as a bitmap of their {@linkplain
   * #memberNumber dense numbers}.
   */
  RoaringBitmap eligibleMembers(String purpose, Instant at);

  /** The dense number (0, 1, ... in registration append order) of a member, if registered. */
  OptionalInt memberNumber(String member);

  /** The member with a dense number, if any. */
  Optional<String> memberId(int number);

  /**
   * Writes the whole ledger in the spec's JSON Lines, one event per line in append order, each
   * as it was appended (unknown fields included) or, for a member who asked for erasure, as
   * purged (free text {@value dev.lethe.core.event.Erasure#MARKER}). Importing the output gives
   * the same stored events.
   *
   * @throws IOException if the writer fails
   */
  void export(Writer out) throws IOException;

  /**
   * Appends a non-event record (a snapshot build, a forget request, a verification) to the audit
   * log in its own transaction.
   *
   * @param kind dotted lower-case words, e.g. {@code snapshot.build}; not {@code ledger.event}
   * @param payload the record; member ids in it must be {@linkplain #commitment commitments}
   * @return the leaf index
   * @throws IllegalArgumentException if the kind is malformed or reserved
   */
  long appendAuditRecord(String kind, ObjectNode payload);

  /** The keyed commitment ({@code hmac-sha256:<hex>}) the audit log uses for a member id. */
  String commitment(String member);

  /**
   * The deployment's snapshot secret (32 bytes): snapshot pseudonym keys and the {@link
   * #erasedNameKey} derive from it. A commitment under the deployment key, so it needs no secret
   * of its own and differs between deployments.
   */
  default byte[] snapshotSecret() {
    return DeploymentKeys.secretOf(commitment(DeploymentKeys.SNAPSHOT_SECRET_VALUE));
  }

  /** The key erasure digests members' names under: {@link ErasedNameKey#derive} of the {@link #snapshotSecret}. */
  default ErasedNameKey erasedNameKey() {
    return ErasedNameKey.derive(snapshotSecret());
  }

  /** Number of audit-log leaves. */
  long auditSize();

  /**
   * Signs a checkpoint of the whole audit log, unless the latest checkpoint already covers every
   * leaf, in which case that one is returned.
   *
   * <p>The signature is by the log's current key, read from the database each time: after a
   * rotation by another process sharing the data directory, the next checkpoint is signed with the
   * new key, with no restart.
   *
   * @throws StoreException if this machine does not hold the private half of the log's current key
   */
  SignedCheckpoint checkpoint();

  /** Every checkpoint, in creation order. */
  List<SignedCheckpoint> checkpoints();

  /**
   * The inclusion proof of a leaf in the tree of the first {@code treeSize} leaves.
   *
   * @throws IllegalArgumentException unless {@code 0 <= leafIndex < treeSize <= auditSize()}
   */
  InclusionProof inclusionProof(long leafIndex, long treeSize);

  /**
   * The consistency proof between two tree sizes.
   *
   * @throws IllegalArgumentException unless {@code 0 <= size1 <= size2 <= auditSize()}
   */
  List<byte[]> consistencyProof(long size1, long size2);

  /** The log's current public key (name = origin = {@code lethe.dev/audit/<deployment id>}). */
  NoteKey auditKey();

  /** Every signing key the log has had, oldest first, each with the first tree size it signs. */
  List<AuditKey> auditKeys();

  /**
   * Replaces the signing key, in one transaction: a fresh Ed25519 pair is written under the data
   * directory, a {@value AuditKey#ROTATION_KIND} leaf records the old and the new verifier key,
   * and the checkpoint of the tree up to that leaf is signed by both keys, so the old key vouches
   * for the new one. Later checkpoints are signed by the new key only. After the commit the new
   * pair atomically replaces the active key file; the old private key is deleted from it, and
   * kept under {@code retired/} only if asked.
   *
   * @param keepRetired keep the retired pair as {@code retired/audit-signing-<key id>.key}
   * @param reason why the key was rotated (one line, recorded in the leaf), or {@code null}
   * @throws StoreException if this machine does not hold the current key or a file cannot be
   *     written
   * @throws IllegalArgumentException if the reason is not one line of 1 to 500 characters
   */
  KeyRotation rotateAuditKey(boolean keepRetired, String reason);

  /**
   * Recomputes every leaf hash, subtree hash and checkpoint root from the stored leaves, checks
   * every checkpoint signature and consistency, and checks every stored event against its leaf.
   */
  AuditReport verifyAudit();

  /**
   * What keeps this data directory's key files from vouching for the key history the database
   * records: the current key must be the one in the signing key file (or a rotation's pending
   * one), and every kept retired key an earlier key of the log. Whoever can write only the
   * database could otherwise record a key of their own and re-sign a rewritten log with it, so an
   * export for auditors must refuse unless this is empty ({@link #verifyAudit} reports the same).
   *
   * @return the problems, first the current key's; empty if the key files vouch for the history
   */
  List<String> auditKeyProblems();

  /**
   * Writes an audit bundle for independent verification ({@code lethe-audit-bundle/1}: bundle.json,
   * leaves.jsonl, leaf-hashes.txt, checkpoints/, consistency.jsonl, key.vkey), after signing a
   * fresh checkpoint if the latest does not cover every leaf. A log whose key was rotated writes
   * {@code lethe-audit-bundle/2}: the same files, key.vkey holding the current key, plus
   * keys.jsonl with every key and the first tree size it signs.
   *
   * @param dir the bundle directory, created if missing; existing bundle files are replaced
   * @return the checkpoint the bundle ends with
   * @throws IOException if the files cannot be written
   */
  SignedCheckpoint exportAuditBundle(Path dir) throws IOException;

  /**
   * Records a directory that holds published snapshots, so that {@code lethe where} and
   * forgetting cover it. Idempotent: registering a root again changes nothing. The write is
   * durable when this returns. Paths are those of the machine that built the snapshots; the store
   * does not check that the directory exists.
   *
   * @param root an absolute path; it is stored {@linkplain Path#normalize() normalized}
   * @return whether the root was not registered before
   * @throws IllegalArgumentException if the path is not absolute
   */
  boolean registerSnapshotRoot(Path root);

  /**
   * Every registered snapshot root, normalized and sorted, each once. Some may no longer exist:
   * callers that forget must treat such a root as a failure, never as an empty directory.
   */
  List<Path> snapshotRoots();

  /**
   * Removes a root from the registry (its directory was deliberately deleted, say), together with
   * its {@linkplain #recordedSnapshots recorded snapshots}.
   *
   * @param root an absolute path; compared {@linkplain Path#normalize() normalized}
   * @return whether it was registered
   * @throws IllegalArgumentException if the path is not absolute
   */
  boolean unregisterSnapshotRoot(Path root);

  /**
   * Records that snapshot {@code snapshot} is published under {@code root} (registering the root
   * too, in the same transaction), so that a root whose directory later lacks it is a gap rather
   * than a root that holds nothing. Idempotent: recording it again (a byte-identical rebuild)
   * changes nothing, not even its recording instant. Durable when this returns.
   *
   * @param root an absolute path; it is stored {@linkplain Path#normalize() normalized}
   * @param snapshot the snapshot id: its directory name under the root (not empty, no path
   *     separator, not starting with a dot, at most 1000 characters)
   * @param purpose the purpose it was built for
   * @param asOf its as-of instant
   * @return whether it was not recorded before
   * @throws IllegalArgumentException if the path is not absolute or the id is not a directory name
   */
  boolean recordSnapshot(Path root, String snapshot, String purpose, Instant asOf);

  /** Every recorded snapshot, sorted by root then snapshot id; the recording instants are the store clock's. */
  List<RecordedSnapshot> recordedSnapshots();

  /**
   * Removes a snapshot's record (it was retired on purpose). The root stays registered.
   *
   * @param root an absolute path; compared {@linkplain Path#normalize() normalized}
   * @return whether it was recorded
   * @throws IllegalArgumentException if the path is not absolute or the id is not a directory name
   */
  boolean removeSnapshotRecord(Path root, String snapshot);

  /** Closes the database connections. Idempotent. */
  @Override
  void close();
}
