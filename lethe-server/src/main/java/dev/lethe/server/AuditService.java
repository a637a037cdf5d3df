package dev.lethe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.report.ComplianceFacts;
import dev.lethe.pipeline.report.ComplianceReport;
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
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The auditor's views: the audit log's leaves, its checkpoints, inclusion proofs, snapshot
 * manifests and the compliance report. Snapshots come from every snapshot root ({@link
 * SnapshotView}); every view of them says which roots could not be read.
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
  private final UnlearnViews views;
  private Path bundleDir;
  private long bundleSize = -1;

  AuditService(ServerConfig config, LedgerView ledger, SnapshotView snapshots, UnlearnViews views) {
    this.config = config;
    this.store = config.store;
    this.ledger = ledger;
    this.snapshots = snapshots;
    this.views = views;
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

  /** Every published snapshot with its root, and whether every snapshot root could be read. */
  ObjectNode snapshots() {
    SnapshotView.Snapshots current = snapshots.current();
    ObjectNode o = Json.object();
    ArrayNode list = o.putArray("snapshots");
    for (SnapshotView.Located l : current.snapshots()) {
      SnapshotCatalog.Entry e = l.entry();
      list.addObject()
          .put("snapshot", e.snapshot())
          .put("purpose", e.purpose())
          .put("as_of", Rfc3339.format(e.asOf()))
          .put("policy_version", e.policyVersion())
          .put("included", e.included())
          .put("excluded", e.excluded())
          .put("shards", e.shards().size())
          .put("root", l.root().toString());
    }
    return current.putCoverage(o);
  }

  ObjectNode manifest(String snapshot) {
    SnapshotView.Snapshots current = snapshots.current();
    return current.find(snapshot).map(e -> (ObjectNode) e.manifest().deepCopy()).orElseThrow(() -> ProblemException.notFound(
        "unknown-snapshot", current.complete() ? "no published snapshot has this id"
            : "no published snapshot in a readable snapshot root has this id; not covered: " + current.describeGaps()));
  }

  /**
   * The compliance report's facts for the current state: the snapshots in force, every objection,
   * the forget queue, and the latest signed checkpoint (signed now if none covers every leaf, so
   * the report's figures are all under a checkpoint the auditor can verify).
   */
  ComplianceFacts facts() {
    return facts(snapshots.current());
  }

  private ComplianceFacts facts(SnapshotView.Snapshots current) {
    Instant now = config.clock.instant();
    SignedCheckpoint latest = store.checkpoint();
    ComplianceFacts.AuditFacts audit = new ComplianceFacts.AuditFacts(latest.checkpoint().size(), latest.note(),
        Base64.getEncoder().encodeToString(latest.checkpoint().root()), config.verifyCommand);
    LedgerView.Loaded l = ledger.current();
    return ComplianceFactsCollector.collect("Lethe compliance report — " + config.controller.name(), now, l.ledger(), l.events(),
        current.snapshots().stream().map(SnapshotView.Located::entry).toList(), views.queued(), store::commitment, audit);
  }

  /**
   * The compliance report as one self-contained HTML page; when a snapshot root could not be
   * read, it opens with a notice naming the roots, since its snapshot figures leave them out.
   */
  String reportHtml() {
    SnapshotView.Snapshots current = snapshots.current();
    String html = ComplianceReport.html(facts(current));
    if (current.complete()) {
      return html;
    }
    String notice = "<p class=\"bad\" role=\"alert\" id=\"unreachable-roots\"><b>Incomplete:</b> these snapshot directories or snapshots are"
        + " missing or unreadable, so what they hold is not reported here: " + Html.esc(current.describeGaps()) + "</p>\n";
    int body = html.indexOf("<body>");
    return body < 0 ? notice + html : html.substring(0, body + 6) + notice + html.substring(body + 6);
  }

  /**
   * The compliance report as JSON ({@link ComplianceReport#json}), with a {@code summary} of what
   * needs attention now: audit log integrity, ledger size, objections and forget requests that are
   * open or past their deadline.
   */
  ObjectNode report() {
    SnapshotView.Snapshots current = snapshots.current();
    ComplianceFacts facts = facts(current);
    Instant now = facts.generatedAt();
    ObjectNode o = ComplianceReport.json(facts);
    AuditReport audit = store.verifyAudit();
    ObjectNode s = o.putObject("summary");
    // A snapshot root that could not be read was not checked, so not every check passed.
    s.put("all_checks_pass", audit.ok() && ComplianceFactsCollector.allChecksPass(facts) && current.complete());
    s.put("audit_ok", audit.ok());
    s.put("audit_leaves", audit.leaves());
    s.put("audit_checkpoints", audit.checkpoints());
    ArrayNode problems = s.putArray("audit_problems");
    audit.problems().forEach(problems::add);
    LedgerView.Loaded l = ledger.current();
    s.put("events", l.eventCount());
    s.put("members", l.ledger().memberCount());
    s.put("snapshots", facts.snapshots().size());
    s.put("objections_open", facts.objections().stream().filter(ob -> ob.decidedAt() == null).count());
    s.put("objections_overdue", facts.objections().stream().filter(ob -> ob.decidedAt() == null && ob.deadline().isBefore(now)).count());
    List<ForgetQueueView.ForgetRequest> open = views.openRequests();
    s.put("forget_requests_open", open.size());
    s.put("forget_requests_overdue", open.stream().filter(r -> r.deadline().isBefore(now)).count());
    current.putCoverage(s);
    return o;
  }
}
