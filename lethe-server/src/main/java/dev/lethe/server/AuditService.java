package dev.lethe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ObjectionDecided;
import dev.lethe.core.event.LedgerEvent.ObjectionFiled;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.audit.AuditReport;
import dev.lethe.store.audit.InclusionProof;
import dev.lethe.store.audit.SignedCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The auditor's views: the audit log's leaves, its checkpoints, inclusion proofs, snapshot
 * manifests and a compliance summary.
 *
 * <p>The store exposes leaves only through its audit bundle, so the log browser reads a bundle
 * exported to a private directory, re-exported when the log has grown. Exporting signs a
 * checkpoint over every leaf if none does yet: every leaf an auditor browses is then covered by a
 * signed checkpoint they can verify independently. No ledger event is ever written here.
 */
final class AuditService {

  static final int MAX_PAGE = 200;

  private final ServerConfig config;
  private final LedgerStore store;
  private final LedgerView ledger;
  private final SnapshotView snapshots;
  private Path bundleDir;
  private long bundleSize = -1;

  AuditService(ServerConfig config, LedgerView ledger, SnapshotView snapshots) {
    this.config = config;
    this.store = config.store;
    this.ledger = ledger;
    this.snapshots = snapshots;
  }

  /** Leaves {@code from} to {@code from + limit - 1} of the log, each parsed, with its index. */
  synchronized ObjectNode leaves(long from, int limit) {
    if (from < 0 || limit < 1 || limit > MAX_PAGE) {
      throw ProblemException.badRequest("invalid-range", "from must be >= 0 and limit 1 to " + MAX_PAGE);
    }
    Path leavesFile = bundle().resolve("leaves.jsonl");
    ObjectNode o = Json.object();
    o.put("size", bundleSize);
    o.put("from", from);
    ArrayNode list = o.putArray("leaves");
    try (Stream<String> lines = Files.lines(leavesFile, StandardCharsets.UTF_8)) {
      long[] index = {from};
      lines.skip(from).limit(limit).forEach(line -> {
        ObjectNode leaf = list.addObject();
        leaf.put("index", index[0]++);
        try {
          leaf.set("leaf", Json.MAPPER.readTree(line));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("audit leaf " + (index[0] - 1) + " is not JSON", e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return o;
  }

  private Path bundle() {
    long size = store.auditSize();
    try {
      if (bundleDir == null) {
        bundleDir = Files.createTempDirectory("lethe-audit-view");
        bundleDir.toFile().deleteOnExit();
      }
      if (size != bundleSize) {
        bundleSize = store.exportAuditBundle(bundleDir).checkpoint().size();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bundleDir;
  }

  ObjectNode checkpoints() {
    ObjectNode o = Json.object();
    o.put("origin", store.auditKey().name());
    o.put("verifier_key", store.auditKey().verifierKey());
    o.put("size", store.auditSize());
    ArrayNode list = o.putArray("checkpoints");
    for (SignedCheckpoint c : store.checkpoints()) {
      list.addObject()
          .put("number", c.number())
          .put("size", c.checkpoint().size())
          .put("root", Base64.getEncoder().encodeToString(c.checkpoint().root()))
          .put("note", c.note());
    }
    return o;
  }

  /** The inclusion proof of a leaf in the tree of {@code treeSize} leaves (default: the latest checkpoint's). */
  ObjectNode proof(long leaf, Long treeSize) {
    long size = treeSize != null ? treeSize : latestCheckpointSize();
    if (leaf < 0 || leaf >= size || size > store.auditSize()) {
      throw ProblemException.notFound(
          "unknown-leaf", "no leaf " + leaf + " in a tree of " + size + " leaves (the log has " + store.auditSize() + ")");
    }
    InclusionProof p = store.inclusionProof(leaf, size);
    HexFormat hex = HexFormat.of();
    ObjectNode o = Json.object();
    o.put("leaf_index", p.leafIndex());
    o.put("tree_size", p.treeSize());
    o.put("leaf_hash", hex.formatHex(p.leafHash()));
    o.put("root", hex.formatHex(p.root()));
    ArrayNode path = o.putArray("path");
    p.path().forEach(h -> path.add(hex.formatHex(h)));
    o.put("verifies", p.verifies());
    return o;
  }

  private long latestCheckpointSize() {
    List<SignedCheckpoint> all = store.checkpoints();
    return all.isEmpty() ? store.auditSize() : all.get(all.size() - 1).checkpoint().size();
  }

  ObjectNode snapshots() {
    ObjectNode o = Json.object();
    ArrayNode list = o.putArray("snapshots");
    for (SnapshotCatalog.Entry e : snapshots.catalog().snapshots()) {
      list.addObject()
          .put("snapshot", e.snapshot())
          .put("purpose", e.purpose())
          .put("as_of", Rfc3339.format(e.asOf()))
          .put("policy_version", e.policyVersion())
          .put("included", e.included())
          .put("excluded", e.excluded())
          .put("shards", e.shards().size());
    }
    return o;
  }

  ObjectNode manifest(String snapshot) {
    for (SnapshotCatalog.Entry e : snapshots.catalog().snapshots()) {
      if (e.snapshot().equals(snapshot)) {
        return (ObjectNode) e.manifest().deepCopy();
      }
    }
    throw ProblemException.notFound("unknown-snapshot", "no published snapshot has this id");
  }

  /** The compliance summary: audit log integrity, ledger size, objections past their deadline. */
  ObjectNode report() {
    Instant now = config.clock.instant();
    AuditReport audit = store.verifyAudit();
    ObjectNode o = Json.object();
    o.put("at", Rfc3339.format(now));
    o.put("audit_ok", audit.ok());
    o.put("audit_leaves", audit.leaves());
    o.put("audit_checkpoints", audit.checkpoints());
    ArrayNode problems = o.putArray("audit_problems");
    audit.problems().forEach(problems::add);
    LedgerView.Loaded l = ledger.current();
    o.put("events", l.eventCount());
    o.put("members", l.ledger().memberCount());
    o.put("snapshots", snapshots.catalog().snapshots().size());
    Set<String> decided = new HashSet<>();
    for (LedgerEvent e : l.events()) {
      if (e instanceof ObjectionDecided d) {
        decided.add(d.objection());
      }
    }
    int open = 0;
    int overdue = 0;
    for (LedgerEvent e : l.events()) {
      if (e instanceof ObjectionFiled f && !decided.contains(f.objection())) {
        open++;
        if (MemberService.deadline(f.at()).isBefore(now)) {
          overdue++;
        }
      }
    }
    o.put("objections_open", open);
    o.put("objections_overdue", overdue);
    o.put("forget_requests_open", config.forgetQueue.openRequests().size());
    return o;
  }
}
