package dev.lethe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.pipeline.SnapshotFiles;
import dev.lethe.pipeline.report.ComplianceFacts;
import dev.lethe.pipeline.report.ComplianceReport;
import dev.lethe.store.LedgerStore;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.forget.Retirements;
import dev.lethe.store.audit.AuditKey;
import dev.lethe.store.audit.AuditReport;
import dev.lethe.store.audit.InclusionProof;
import dev.lethe.store.audit.Merkle;
import dev.lethe.store.audit.NoteKey;
import dev.lethe.store.audit.SignedCheckpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
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
  /** Reads manifests as {@link dev.lethe.pipeline.SnapshotCatalog} reads them, so that the answer is the same. */
  private static final ObjectMapper MANIFESTS = new ObjectMapper();

  private final SnapshotView snapshots;
  private final UnlearnViews views;
  /** The full verification of the log, run once per state of the log and shared (see its contract). */
  private final AuditVerification verification;

  /**
   * Where verifications of a grown log run while the kept one is served: one at a time, on a
   * daemon thread that ends when idle, so a server needs no shutdown for it.
   */
  private static final java.util.concurrent.Executor VERIFIER = new java.util.concurrent.ThreadPoolExecutor(
      0, 1, 30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
        Thread thread = new Thread(r, "lethe-audit-verification");
        thread.setDaemon(true);
        return thread;
      });
  private final Map<String, List<Integer>> verified = new HashMap<>();
  private final Map<Long, JsonNode> rotationLeafCache = new HashMap<>();
  private Path bundleDir;
  private long bundleSize = -1;

  AuditService(ServerConfig config, LedgerView ledger, SnapshotView snapshots, UnlearnViews views) {
    this.config = config;
    this.store = config.store;
    this.ledger = ledger;
    this.snapshots = snapshots;
    this.views = views;
    this.verification = AuditVerification.of(store, config.clock, AuditVerification.MAX_AGE, VERIFIER);
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

  /**
   * Every checkpoint, each with the keys whose signature on it verifies ({@code signed_by}) and
   * whether those are the keys the history says sign a checkpoint of its size ({@code
   * signatures_ok}); the current key as before ({@code verifier_key}), and the key history ({@code
   * keys}, as {@link #keys()}).
   */
  synchronized ObjectNode checkpoints() {
    // Checkpoints before keys: a rotation commits its checkpoint and its key together, so every
    // key that signed a listed checkpoint is in the history read after it.
    List<SignedCheckpoint> all = store.checkpoints();
    List<AuditKey> history = store.auditKeys();
    ObjectNode o = Json.object();
    putCurrentKey(o, history);
    o.put("size", store.auditSize());
    ArrayNode list = o.putArray("checkpoints");
    for (SignedCheckpoint c : all) {
      ObjectNode cp = list.addObject()
          .put("number", c.number())
          .put("size", c.checkpoint().size())
          .put("root", Base64.getEncoder().encodeToString(c.checkpoint().root()))
          .put("note", c.note());
      List<AuditKey> signers = verifiedSigners(c.note(), history);
      cp.set("signed_by", signersJson(signers));
      cp.put("signatures_ok", numbers(signers).equals(numbers(AuditKey.signersAt(history, c.checkpoint().size()))));
    }
    o.set("keys", keysJson(history, all));
    return o;
  }

  /**
   * The log's signing keys, oldest first: for each its verifier key and key id, the tree sizes it
   * signs, whether it is the active key, and (for a key a rotation introduced) the rotation's leaf
   * as recorded in the log, with the checkpoint both keys signed. The current key comes first as
   * {@code origin} and {@code verifier_key}, as in {@link #checkpoints()}.
   */
  synchronized ObjectNode keys() {
    List<SignedCheckpoint> all = store.checkpoints();
    List<AuditKey> history = store.auditKeys();
    ObjectNode o = Json.object();
    putCurrentKey(o, history);
    o.put("size", store.auditSize());
    o.set("keys", keysJson(history, all));
    return o;
  }

  private static void putCurrentKey(ObjectNode o, List<AuditKey> history) {
    NoteKey current = history.get(history.size() - 1).key();
    o.put("origin", current.name());
    o.put("verifier_key", current.verifierKey());
  }

  /**
   * The keys of {@code history} whose signature on {@code note} verifies, in history order. A note
   * never changes once written, so each is checked once.
   */
  private List<AuditKey> verifiedSigners(String note, List<AuditKey> history) {
    List<Integer> numbers = verified.computeIfAbsent(note, n -> {
      List<Integer> ok = new ArrayList<>();
      for (AuditKey k : history) {
        if (k.key().claims(n)) {
          try {
            k.key().open(n);
            ok.add(k.number());
          } catch (IllegalArgumentException e) {
            // A signature line that claims the key but does not verify: not signed by it.
          }
        }
      }
      return List.copyOf(ok);
    });
    return numbers.stream().map(history::get).toList();
  }

  private static List<Integer> numbers(List<AuditKey> keys) {
    return keys.stream().map(AuditKey::number).toList();
  }

  /** The keys whose signature on {@code note} verifies, as {@code signed_by} lists them. */
  synchronized ArrayNode signedBy(String note) {
    return signersJson(verifiedSigners(note, store.auditKeys()));
  }

  private static ArrayNode signersJson(List<AuditKey> signers) {
    ArrayNode a = Json.array();
    for (AuditKey k : signers) {
      a.addObject().put("number", k.number()).put("key_id", Merkle.hex(k.key().keyId()));
    }
    return a;
  }

  private ArrayNode keysJson(List<AuditKey> history, List<SignedCheckpoint> checkpoints) {
    Map<Long, JsonNode> rotationLeaves = rotationLeaves(history);
    ArrayNode a = Json.array();
    for (AuditKey k : history) {
      boolean active = k.number() == history.size() - 1;
      ObjectNode key = a.addObject();
      key.put("number", k.number());
      key.put("verifier_key", k.key().verifierKey());
      key.put("key_id", Merkle.hex(k.key().keyId()));
      key.put("active", active);
      key.put("from_size", k.fromSize());
      if (active) {
        key.putNull("last_size");
      } else {
        // A retired key also signs the rotation's checkpoint, together with its successor.
        key.put("last_size", history.get(k.number() + 1).fromSize());
      }
      if (k.number() == 0) {
        key.putNull("rotation");
        continue;
      }
      AuditKey previous = history.get(k.number() - 1);
      long leafIndex = k.fromSize() - 1;
      JsonNode leaf = rotationLeaves.get(leafIndex);
      JsonNode record = leaf == null ? null : leaf.path("record");
      if (leaf == null
          || !AuditKey.ROTATION_KIND.equals(leaf.path("kind").asText())
          || !previous.key().verifierKey().equals(record.path("old_key").asText())
          || !k.key().verifierKey().equals(record.path("new_key").asText())) {
        // The history lists a key the log does not record a rotation to: the log does not
        // verify (the report names the problem), and this key is shown as unrecorded.
        key.putNull("rotation");
        continue;
      }
      ObjectNode rotation = key.putObject("rotation");
      rotation.put("leaf_index", leafIndex);
      rotation.put("at", leaf.path("at").asText());
      if (record.hasNonNull("reason")) {
        rotation.put("reason", record.get("reason").asText());
      } else {
        rotation.putNull("reason");
      }
      rotation.putNull("checkpoint");
      for (SignedCheckpoint c : checkpoints) {
        if (c.checkpoint().size() == k.fromSize()
            && numbers(verifiedSigners(c.note(), history)).containsAll(List.of(previous.number(), k.number()))) {
          rotation.put("checkpoint", c.number());
          break;
        }
      }
    }
    return a;
  }

  /**
   * The leaves at which {@code history} says rotations were recorded, parsed, by leaf index; a
   * leaf the log does not have is left out. Read from the exported bundle, the only way the store
   * shows leaves, once per leaf: a leaf never changes, so only a new rotation costs an export, and
   * a log with one key needs none.
   */
  private Map<Long, JsonNode> rotationLeaves(List<AuditKey> history) {
    Map<Long, JsonNode> wanted = new TreeMap<>();
    for (AuditKey k : history.subList(1, history.size())) {
      wanted.put(k.fromSize() - 1, rotationLeafCache.get(k.fromSize() - 1));
    }
    if (!wanted.containsValue(null)) {
      return wanted;
    }
    Path leavesFile = bundle().resolve("leaves.jsonl");
    try (BufferedReader in = Files.newBufferedReader(leavesFile, StandardCharsets.UTF_8)) {
      long index = 0;
      for (Map.Entry<Long, JsonNode> leaf : wanted.entrySet()) {
        String line = null;
        while (index <= leaf.getKey() && (line = in.readLine()) != null) {
          index++;
        }
        if (line == null || index != leaf.getKey() + 1) {
          break;
        }
        try {
          leaf.setValue(Json.MAPPER.readTree(line));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("audit leaf " + leaf.getKey() + " is not JSON", e);
        }
        rotationLeafCache.put(leaf.getKey(), leaf.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    wanted.values().removeIf(Objects::isNull);
    return wanted;
  }

  /** The inclusion proof of a leaf in the tree of {@code treeSize} leaves (default: the latest checkpoint's). */
  ObjectNode proof(long leaf, Long treeSize) {
    long logSize = store.auditSize();
    if (treeSize != null && (treeSize < 1 || treeSize > logSize)) {
      // A tree the log never had is a bad parameter, not a missing leaf.
      throw ProblemException.badRequest("invalid-parameter", treeSize < 1 ? "tree_size must be at least 1"
          : "tree_size " + treeSize + " exceeds the log's size (" + logSize + " leaves)");
    }
    long size = treeSize != null ? treeSize : latestCheckpointSize();
    if (leaf < 0 || leaf >= size || size > logSize) {
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

  /**
   * Every published snapshot with its root and its status (in use, or replaced by forgetting: when,
   * by which rebuild, under which forget requests), how many are in use (the compliance report's
   * snapshots), and whether every snapshot root could be read.
   */
  ObjectNode snapshots() {
    SnapshotView.Snapshots current = snapshots.current();
    Retirements retirements = retirements(current);
    ObjectNode o = Json.object();
    ArrayNode list = o.putArray("snapshots");
    long inUse = 0;
    long replaced = 0;
    for (SnapshotView.Located l : current.snapshots()) {
      LineageIndex.Snapshot e = l.snapshot();
      ObjectNode n = retirements.putStatus(list.addObject()
          .put("snapshot", e.snapshot())
          .put("purpose", e.purpose())
          .put("as_of", Rfc3339.format(e.asOf()))
          .put("policy_version", e.policyVersion())
          .put("included", e.included())
          .put("excluded", e.excluded())
          .put("shards", e.shards())
          .put("root", l.root().toString()), l.root(), e.snapshot());
      String status = n.get("status").asText();
      inUse += status.equals(Retirements.IN_USE) ? 1 : 0;
      replaced += status.equals(Retirements.REPLACED) ? 1 : 0;
    }
    o.put("in_use", inUse);
    o.put("replaced", replaced);
    o.put("unverified_rebuilds", current.snapshots().size() - inUse - replaced);
    return current.putCoverage(o);
  }

  /**
   * Every registered model with its status (in use, or retired by forgetting: when, the replaced
   * snapshot it was trained from, the retrained model replacing it, under which forget requests),
   * and how many are in use. A model's status rests on the snapshot roots, so the coverage fields
   * say whether every root could be read.
   */
  ObjectNode models() {
    SnapshotView.Snapshots current = snapshots.current();
    Retirements retirements = retirements(current);
    ObjectNode o = Json.object();
    ArrayNode list = o.putArray("models");
    long inUse = 0;
    long retired = 0;
    for (ModelRecord m : views.models()) {
      ObjectNode n = list.addObject()
          .put("model", m.id())
          .put("snapshot", m.snapshot())
          .put("trainer", m.trainer())
          .put("trainer_version", m.trainerVersion())
          .put("seed", m.seed())
          .put("digest", m.digest())
          .put("parent", m.parent().orElse(null))
          .put("origin", m.origin().word())
          .put("shards", m.shards().size())
          .put("records", m.records());
      String status = retirements.putModelStatus(n, m.id()).get("status").asText();
      inUse += status.equals(Retirements.IN_USE) ? 1 : 0;
      retired += status.equals(Retirements.RETIRED) ? 1 : 0;
    }
    o.put("in_use", inUse);
    o.put("retired", retired);
    o.put("unverified_rebuilds", views.models().size() - inUse - retired);
    return current.putCoverage(o);
  }

  /** What forgetting replaced in the readable roots of {@code current}, with the registry's models and the queue's requests. */
  private Retirements retirements(SnapshotView.Snapshots current) {
    return Retirements.of(snapshots.replaced(current), views.models(), views.queued());
  }

  /**
   * A snapshot's manifest page: the first published snapshot with this id (as {@link #manifest}),
   * its root, and its replacement if forgetting replaced it, with the snapshots in use now; or, if
   * it is an unverified rebuild, the snapshot it was meant to replace (still in use).
   */
  record ManifestPage(Path root, ObjectNode manifest, Optional<Retirements.ReplacedSnapshot> replaced, List<String> inUseNow,
      Optional<Retirements.UnverifiedRebuild> unverified) {}

  ManifestPage manifestPage(String snapshot) {
    SnapshotView.Snapshots current = snapshots.current();
    Path root = current.snapshots().stream().filter(l -> l.snapshot().snapshot().equals(snapshot)).map(SnapshotView.Located::root)
        .findFirst().orElse(null);
    ObjectNode manifest = manifest(snapshot);
    if (root == null) {
      return new ManifestPage(null, manifest, Optional.empty(), List.of(snapshot), Optional.empty());
    }
    Retirements retirements = retirements(current);
    Optional<Retirements.UnverifiedRebuild> unverified = retirements.unverifiedRebuild(root, snapshot);
    return new ManifestPage(root, manifest, retirements.snapshot(root, snapshot),
        unverified.isPresent() ? List.of(unverified.get().rebuildOf()) : retirements.inUseSuccessors(root, snapshot), unverified);
  }

  /**
   * The manifest of the first published snapshot with this id (in {@link SnapshotView.Snapshots#snapshots}
   * order), read from its directory.
   */
  ObjectNode manifest(String snapshot) {
    SnapshotView.Snapshots current = snapshots.current();
    LineageIndex.Snapshot found = current.find(snapshot).orElseThrow(() -> ProblemException.notFound(
        "unknown-snapshot", current.complete() ? "no published snapshot has this id"
            : "no published snapshot in a readable snapshot root has this id; not covered: " + current.describeGaps()));
    try {
      return (ObjectNode) MANIFESTS.readTree(found.directory().resolve(SnapshotFiles.MANIFEST).toFile());
    } catch (IOException | ClassCastException e) {
      // Retired or replaced since it was listed: the next listing no longer has it as it was.
      throw ProblemException.notFound("unknown-snapshot", "snapshot " + snapshot + " in " + found.directory().getParent()
          + " changed while it was read; ask again");
    }
  }

  /**
   * The compliance report's facts for the current state: the snapshots in force, every objection,
   * the forget queue, and the latest signed checkpoint (signed now if none covers every leaf, so
   * the report's figures are all under a checkpoint the auditor can verify).
   */
  ComplianceFacts facts() {
    return facts(snapshots.catalogued());
  }

  private ComplianceFacts facts(SnapshotView.Catalogued current) {
    Instant now = config.clock.instant();
    SignedCheckpoint latest = store.checkpoint();
    ComplianceFacts.AuditFacts audit = new ComplianceFacts.AuditFacts(latest.checkpoint().size(), latest.note(),
        Base64.getEncoder().encodeToString(latest.checkpoint().root()), config.verifyCommand);
    LedgerView.Loaded l = ledger.current();
    return ComplianceFactsCollector.collect("Lethe compliance report — " + config.controller.name(), now, l.ledger(), l.events(),
        current.entries(), views.queued(), store::commitment, audit);
  }

  /**
   * The compliance report as one self-contained HTML page; when a snapshot root could not be
   * read, it opens with a notice naming the roots, since its snapshot figures leave them out.
   */
  String reportHtml() {
    SnapshotView.Catalogued catalogued = snapshots.catalogued();
    SnapshotView.Snapshots current = catalogued.snapshots();
    ComplianceFacts facts = facts(catalogued);
    String html = insertSigners(ComplianceReport.html(facts), signedBy(facts.audit().checkpoint()));
    if (current.complete()) {
      return html;
    }
    String notice = "<p class=\"bad\" role=\"alert\" id=\"unreachable-roots\"><b>Incomplete:</b> these snapshot directories or snapshots are"
        + " missing or unreadable, so what they hold is not reported here: " + Html.esc(current.describeGaps()) + "</p>\n";
    int body = html.indexOf("<body>");
    return body < 0 ? notice + html : html.substring(0, body + 6) + notice + html.substring(body + 6);
  }

  /**
   * Says under the report's checkpoint which keys signed it, since after a rotation the current
   * key alone does not tell an auditor which key to check an older report's checkpoint with.
   */
  private static String insertSigners(String html, ArrayNode signers) {
    StringBuilder p = new StringBuilder("<p id=\"checkpoint-signers\">");
    if (signers.isEmpty()) {
      p.append("<b class=\"bad\">No key of this log's history signed this checkpoint.</b>");
    } else {
      p.append("Signed by ");
      for (int i = 0; i < signers.size(); i++) {
        JsonNode k = signers.get(i);
        p.append(i == 0 ? "" : " and ").append("key ").append(k.get("number").asInt()).append(" (key id <code>")
            .append(Html.esc(k.get("key_id").asText())).append("</code>)");
      }
      p.append(". Every key the log has had, with the tree sizes it signs, is listed under"
          + " <a href=\"/audit#signing-keys\">Signing keys</a> on the audit page.");
    }
    p.append("</p>");
    int audit = html.indexOf("<h2 id=\"audit\">");
    int pre = audit < 0 ? -1 : html.indexOf("</pre>", audit);
    int at = pre >= 0 ? pre + "</pre>".length() : html.lastIndexOf("</body>");
    return at < 0 ? html + p : html.substring(0, at) + p + html.substring(at);
  }

  /**
   * The compliance report as JSON ({@link ComplianceReport#json}), with a {@code summary} of what
   * needs attention now: audit log integrity, ledger size, objections and forget requests that are
   * open or past their deadline.
   *
   * <p>The audit log's figures ({@code audit_ok}, {@code audit_leaves}, {@code audit_checkpoints},
   * {@code audit_problems}) come from the {@link AuditVerification} of the log's state at the
   * report's checkpoint: verified once for that state and reused for up to {@link
   * AuditVerification#MAX_AGE}, and {@code audit_verified_at} says when that verification began.
   */
  ObjectNode report() {
    SnapshotView.Catalogued catalogued = snapshots.catalogued();
    SnapshotView.Snapshots current = catalogued.snapshots();
    ComplianceFacts facts = facts(catalogued);
    Instant now = facts.generatedAt();
    ObjectNode o = ComplianceReport.json(facts);
    ((ObjectNode) o.get("audit")).set("signed_by", signedBy(facts.audit().checkpoint()));
    // facts() signed (or found) the checkpoint over every leaf: its note names the log's state.
    AuditVerification.Verified verifiedNow =
        verification.current(new AuditVerification.State(facts.audit().leaves(), facts.audit().checkpoint()));
    AuditReport audit = verifiedNow.report();
    ObjectNode s = o.putObject("summary");
    // A snapshot root that could not be read was not checked, so not every check passed.
    s.put("all_checks_pass", audit.ok() && ComplianceFactsCollector.allChecksPass(facts) && current.complete());
    s.put("audit_ok", audit.ok());
    s.put("audit_leaves", audit.leaves());
    s.put("audit_checkpoints", audit.checkpoints());
    ArrayNode problems = s.putArray("audit_problems");
    audit.problems().forEach(problems::add);
    s.put("audit_verified_at", Rfc3339.format(verifiedNow.startedAt()));
    LedgerView.Loaded l = ledger.current();
    s.put("events", l.eventCount());
    s.put("members", l.ledger().memberCount());
    s.put("snapshots", facts.snapshots().size());
    s.put("objections_open", facts.objections().stream().filter(ob -> ob.decidedAt() == null).count());
    long overdue = facts.objections().stream().filter(ob -> ob.decidedAt() == null && ob.deadline().isBefore(now)).count();
    s.put("objections_overdue", overdue);
    // Counted from the report's own rows, so the summary and the table never disagree.
    long late = 0;
    for (JsonNode ob : o.path("objections")) {
      late += "decided-late".equals(ob.path("status").asText()) ? 1 : 0;
    }
    s.put("objections_decided_late", late);
    // The platform's answer deadlines are its staff's to meet, not a check of what Lethe enforces
    // (all_checks_pass), so they are reported beside it rather than folded into it.
    s.put("objection_deadlines_met", late == 0 && overdue == 0);
    List<ForgetQueueView.ForgetRequest> open = views.openRequests();
    s.put("forget_requests_open", open.size());
    s.put("forget_requests_overdue", open.stream().filter(r -> r.deadline().isBefore(now)).count());
    current.putCoverage(s);
    return o;
  }
}
