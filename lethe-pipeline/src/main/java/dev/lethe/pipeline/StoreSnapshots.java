package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.store.LedgerStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds snapshots from the durable ledger: reads the store's ledger (as its JSON Lines export,
 * so the snapshot's ledger digest names exactly the events it used), runs an engine, and records
 * the build as a leaf of the audit log.
 */
public final class StoreSnapshots {

  /** Audit-log kind of a snapshot build. */
  public static final String AUDIT_KIND = "snapshot.build";

  private StoreSnapshots() {}

  /**
   * The consent ledger as stored, with its events (in append order) and the SHA-256 of its
   * export.
   */
  public record StoredLedger(ConsentLedger ledger, List<LedgerEvent> events, String sha256) {

    /**
     * The members a snapshot of {@code purpose} as of {@code asOf} built at {@code now} must leave
     * out because forgetting obliges us, since {@code asOf}, to remove them (see {@link
     * ForgetObligations}); what {@link SnapshotRequest.Builder#forgottenSinceAsOf} takes.
     */
    public java.util.SortedSet<String> forgottenSinceAsOf(String purpose, java.time.Instant asOf, java.time.Instant now) {
      return forgottenSinceAsOf(purpose, asOf, now, List.of());
    }

    /**
     * As {@link #forgottenSinceAsOf(String, java.time.Instant, java.time.Instant)}, with the
     * obligations the ledger does not record as well: the operators' requests ({@link
     * ManualForgets}) received by {@code now}.
     */
    public java.util.SortedSet<String> forgottenSinceAsOf(
        String purpose, java.time.Instant asOf, java.time.Instant now, List<ForgetObligations.Obligation> manual) {
      List<ForgetObligations.Obligation> all = new java.util.ArrayList<>(ForgetObligations.derive(events, ledger, now));
      manual.stream().filter(o -> !o.receivedAt().isAfter(now)).forEach(all::add);
      return ForgetObligations.membersForgottenSince(all, purpose, asOf);
    }
  }

  /**
   * Loads the store's ledger into memory for a build.
   *
   * @throws IOException if the export cannot be written or read back
   */
  public static StoredLedger load(LedgerStore store) throws IOException {
    Path export = Files.createTempFile("lethe-ledger-", ".jsonl");
    try {
      try (Writer out = new OutputStreamWriter(Files.newOutputStream(export), StandardCharsets.UTF_8)) {
        store.export(out);
      }
      MessageDigest digest = Hashing.sha256();
      try (InputStream in = new DigestInputStream(Files.newInputStream(export), digest)) {
        // The events only: each line's JSON tree would take several times their memory.
        LedgerReader.LoadedEvents loaded = LedgerReader.loadEvents(in);
        return new StoredLedger(loaded.ledger(), loaded.events(), HexFormat.of().formatHex(digest.digest()));
      } catch (LedgerFormatException e) {
        throw new IOException("the stored ledger does not read back: " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(export);
    }
  }

  /**
   * The deployment's snapshot key, derived from the store's deployment key through its keyed
   * commitment (HMAC-SHA-256): the key material never leaves the store, and every process using
   * the same store derives the same snapshot keys, which makes rebuilds byte-identical.
   */
  public static byte[] deploymentKey(LedgerStore store) {
    return store.snapshotSecret();
  }

  /** Records a published snapshot in the audit log; returns the leaf index. */
  public static long audit(LedgerStore store, SnapshotResult result) {
    ObjectNode leaf = JsonNodeFactory.instance.objectNode();
    leaf.put("snapshot", result.metadata().snapshot());
    leaf.put("purpose", result.metadata().purpose());
    leaf.put("as_of", Rfc3339.format(result.metadata().asOf()));
    leaf.put("policy_version", result.metadata().policyVersion());
    leaf.put("manifest_sha256", result.manifestSha256());
    leaf.put("included", result.metadata().included());
    ObjectNode excluded = leaf.putObject("excluded");
    result.metadata().excluded().forEach(excluded::put);
    leaf.put("shards", result.metadata().shards().size());
    return store.appendAuditRecord(AUDIT_KIND, leaf);
  }
}
