package dev.lethe.unlearn.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.pipeline.Hashing;
import dev.lethe.pipeline.Manifest;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.SnapshotSources;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.Verification;
import dev.lethe.unlearn.forget.ForgetRequest.Finding;
import dev.lethe.unlearn.forget.ForgetRequest.FindingKind;
import dev.lethe.unlearn.forget.ForgetRequest.Replacement;
import dev.lethe.unlearn.forget.ForgetRequest.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks forget requests again against the files as they are now. For each completed request:
 *
 * <ol>
 *   <li>no snapshot the request covers holds the member (its member bitmaps), retired ones
 *       included: one of the request's purpose as of an instant before its receipt, one at whose
 *       as-of the ledger does not allow the member, and for an erasure every one (see {@code
 *       ForgetRunner.covers}); a snapshot as of a later instant at which the member is allowed
 *       again (consent granted after a withdrawal) holds whom its decisions allow;
 *   <li>no retired snapshot the member was forgotten from has shard or member files back, and no
 *       model trained from one has artefacts back;
 *   <li>each rebuild the request made, or the rebuild in force that later replaced it, holds
 *       none of the member's content ids in its shards;
 *   <li>each model a rebuild retrained (or the one in force after it) still has the digest of a
 *       model trained from scratch on its snapshot.
 * </ol>
 *
 * Every input is read once however many requests share it: the catalogs and manifests once, each
 * content export once, each snapshot in force once for all the members it must not hold, and
 * each model trained from scratch once. So the cost is one pass over the affected data plus a
 * bitmap lookup per request and snapshot, not a pass over the snapshots per request.
 */
final class Rechecker {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SnapshotState state;
  private final Training training;
  private final AuditSink audit;
  private final ConsentLedger ledger;

  Rechecker(SnapshotState state, Training training, AuditSink audit, ConsentLedger ledger) {
    this.state = state;
    this.training = training;
    this.audit = audit;
    this.ledger = ledger;
  }

  /** The problems of each request, in the given order (empty if its forgetting holds). */
  List<ForgetRunner.Recheck> check(List<ForgetRequest> requests) throws IOException {
    Map<String, Set<String>> problems = new LinkedHashMap<>();
    Map<String, Set<Finding>> findings = new HashMap<>();
    // The snapshots in force whose shards must hold none of some members' content, and the models to verify.
    Map<Path, SnapshotCatalog.Entry> toRead = new LinkedHashMap<>();
    Map<Path, Set<String>> membersOf = new HashMap<>();
    Map<Path, List<ForgetRequest>> requestsOf = new HashMap<>();
    Map<String, Path> modelsToVerify = new LinkedHashMap<>();
    Map<String, List<ForgetRequest>> requestsOfModel = new HashMap<>();
    Map<String, List<ForgetRequest>> byCommitment = new HashMap<>();

    for (ForgetRequest r : requests) {
      Set<String> found = new LinkedHashSet<>();
      problems.put(r.id(), found);
      Set<Finding> what = new LinkedHashSet<>();
      findings.put(r.id(), what);
      if (r.status() != Status.COMPLETED || r.outcome() == null) {
        found.add("request " + r.id() + " is " + r.status().word() + ", not completed");
        continue;
      }
      String undefined = ForgetRequests.purposeProblem(ledger, r.purpose());
      if (undefined != null) {
        // Completed before runs refused such requests: nothing was checked, so nothing can be shown to hold.
        found.add("purpose " + undefined + ": the request could not have removed the member's data");
        what.add(new Finding(FindingKind.UNCHECKABLE, null, r.purpose(), null, null, 0));
        continue;
      }
      byCommitment.computeIfAbsent(audit.commitment(r.member()), k -> new ArrayList<>()).add(r);
      // 1. The member's bitmaps: no snapshot holds the member, retired ones included (their bitmaps restored).
      Optional<Integer> number = ledger.memberNumber(r.member());
      if (number.isPresent()) {
        for (SnapshotCatalog catalog : state.catalogs()) {
          for (SnapshotCatalog.Hit hit : catalog.where(number.get())) {
            SnapshotCatalog.Entry e = hit.snapshot();
            // A snapshot as of the request's receipt or later whose consent decisions allow the
            // member (a member who consented again, say) holds no data of this request.
            if (!ForgetRunner.covers(r, e, ledger)) {
              continue;
            }
            if (state.retired(e)) {
              found.add("retired snapshot " + e.snapshot() + " in " + e.directory().getParent() + " holds the member again"
                  + " (shard " + hit.shards().get(0) + "; its deleted files are back)");
              what.add(finding(FindingKind.RESTORED_SNAPSHOT, e, null, 0));
            } else {
              StringBuilder line = new StringBuilder("the member's records are in snapshot " + e.snapshot() + " in "
                  + e.directory().getParent() + " (shard " + hit.shards().get(0) + ")");
              List<String> models = state.modelsOf(e.snapshot()).stream()
                  .filter(m -> !SnapshotState.artefactsPresent(m).isEmpty()).map(ModelRecord::id).toList();
              if (!models.isEmpty()) {
                line.append(", and in model(s) trained from it: ").append(String.join(", ", models));
              }
              found.add(line.toString());
              what.add(finding(FindingKind.SNAPSHOT_IN_USE, e, null, 0));
              models.forEach(m -> what.add(finding(FindingKind.MODEL_IN_USE, e, m, 0)));
            }
          }
        }
      }
      // 3 and 4: the rebuilds this request made (and those of earlier executions), or what replaced them since.
      List<Replacement> replacements = new ArrayList<>(r.earlierReplacements());
      replacements.addAll(r.outcome().replacements());
      Set<String> checked = new LinkedHashSet<>();
      for (Replacement rep : replacements) {
        if (!checked.add(rep.newSnapshot())) {
          continue;
        }
        List<SnapshotCatalog.Entry> copies = state.entries(rep.newSnapshot());
        if (copies.isEmpty()) {
          found.add("snapshot " + rep.newSnapshot() + " is missing");
          what.add(new Finding(FindingKind.UNCHECKABLE, rep.newSnapshot(), null, null, null, 0));
          continue;
        }
        for (SnapshotCatalog.Entry copy : copies) {
          List<SnapshotCatalog.Entry> inForce = state.inForce(copy);
          if (inForce.isEmpty()) {
            found.add("snapshot " + rep.newSnapshot() + " in " + copy.directory().getParent()
                + " was retired and no rebuild of it is there");
            what.add(finding(FindingKind.UNCHECKABLE, copy, null, 0));
          }
          for (SnapshotCatalog.Entry e : inForce) {
            toRead.putIfAbsent(e.directory(), e);
            membersOf.computeIfAbsent(e.directory(), k -> new LinkedHashSet<>()).add(r.member());
            requestsOf.computeIfAbsent(e.directory(), k -> new ArrayList<>()).add(r);
            for (String model : modelsToCheck(rep, copy, e)) {
              modelsToVerify.putIfAbsent(model, e.directory());
              requestsOfModel.computeIfAbsent(model, k -> new ArrayList<>()).add(r);
            }
          }
        }
      }
    }

    // 2. Retired snapshots with files back, matched to the members they held by commitment.
    for (SnapshotState.Restored restored : state.restored()) {
      SnapshotCatalog.Entry e = restored.snapshot();
      for (String member : restored.members()) {
        for (ForgetRequest r : byCommitment.getOrDefault(member, List.of())) {
          if (!matches(r, e)) {
            continue;
          }
          Set<String> found = problems.get(r.id());
          Set<Finding> what = findings.get(r.id());
          if (!restored.files().isEmpty()) {
            found.add("retired snapshot " + e.snapshot() + " in " + e.directory().getParent() + ", which held the member, has "
                + restored.files().size() + " deleted shard or member file(s) back");
            what.add(finding(FindingKind.RESTORED_SNAPSHOT, e, null, 0));
          }
          restored.models().forEach((model, files) -> {
            found.add("model " + model.id() + ", trained from retired snapshot "
                + e.snapshot() + " which held the member, has " + files.size() + " deleted artefact(s) back");
            what.add(finding(FindingKind.RESTORED_MODEL, e, model.id(), 0));
          });
        }
      }
    }

    // 3. Each snapshot in force read once for all the members it must not hold.
    if (!toRead.isEmpty()) {
      Set<String> members = new LinkedHashSet<>();
      membersOf.values().forEach(members::addAll);
      Map<String, String> memberOfContent = contentOf(members, toRead.values());
      for (SnapshotCatalog.Entry e : toRead.values()) {
        Map<String, Integer> leaked;
        try {
          leaked = leaked(e, membersOf.get(e.directory()), memberOfContent);
        } catch (IOException | RuntimeException ex) {
          // A snapshot in force that cannot be read cannot show the member is not in it.
          for (ForgetRequest r : requestsOf.get(e.directory())) {
            problems.get(r.id()).add("snapshot " + e.snapshot() + " in " + e.directory().getParent() + " cannot be read: "
                + ex.getMessage());
            findings.get(r.id()).add(finding(FindingKind.UNCHECKABLE, e, null, 0));
          }
          continue;
        }
        for (ForgetRequest r : requestsOf.get(e.directory())) {
          Integer n = leaked.get(r.member());
          if (n != null) {
            problems.get(r.id()).add(n + " content item(s) of the member are in snapshot " + e.snapshot() + " in "
                + e.directory().getParent());
            findings.get(r.id()).add(finding(FindingKind.CONTENT_IN_REBUILD, e, null, n));
          }
        }
      }
    }
    // 4. Each model trained from scratch once.
    for (Map.Entry<String, Path> m : modelsToVerify.entrySet()) {
      Verification v;
      try {
        v = training.verify(m.getKey(), m.getValue());
      } catch (IOException | RuntimeException ex) {
        for (ForgetRequest r : requestsOfModel.get(m.getKey())) {
          problems.get(r.id()).add("model " + m.getKey() + " cannot be verified: " + ex.getMessage());
          findings.get(r.id()).add(finding(FindingKind.UNCHECKABLE, toRead.get(m.getValue()), m.getKey(), 0));
        }
        continue;
      }
      if (!v.holds()) {
        for (ForgetRequest r : requestsOfModel.get(m.getKey())) {
          problems.get(r.id()).add("model " + m.getKey() + " has digest " + v.modelDigest() + ", a model trained from scratch "
              + v.scratchDigest());
          findings.get(r.id()).add(finding(FindingKind.MODEL_CHANGED, toRead.get(m.getValue()), m.getKey(), 0));
        }
      }
    }
    List<ForgetRunner.Recheck> out = new ArrayList<>();
    for (ForgetRequest r : requests) {
      out.add(new ForgetRunner.Recheck(r, List.copyOf(problems.get(r.id())), List.copyOf(findings.get(r.id()))));
    }
    return out;
  }

  /** A finding about a snapshot (and one of its models), named without its directory. */
  private static Finding finding(FindingKind kind, SnapshotCatalog.Entry e, String model, int items) {
    return new Finding(kind, e.snapshot(), e.purpose(), e.asOf(), model, items);
  }

  private static boolean matches(ForgetRequest r, SnapshotCatalog.Entry e) {
    return ForgetRunner.matches(r, e);
  }

  /**
   * The models whose digests the replacement's verification rests on now: the retrained model
   * while its snapshot is in force; once a later rebuild replaced that snapshot, the models a
   * later forget run retrained from the rebuild in force (a fine-tuned model is not expected to
   * equal a model trained from scratch, so it is not one of them).
   */
  private List<String> modelsToCheck(Replacement rep, SnapshotCatalog.Entry copy, SnapshotCatalog.Entry inForce) {
    if (inForce.directory().equals(copy.directory())) {
      return rep.newModel() == null ? List.of() : List.of(rep.newModel());
    }
    return state.modelsOf(inForce.snapshot()).stream()
        .filter(m -> m.origin() == ModelRecord.Origin.RETRAINED_SHARDS)
        .map(ModelRecord::id).toList();
  }

  /**
   * Content id -> member for the members' content: from the ledger, and the records the builds of
   * the snapshots to read attribute to them ({@link ContentExports#attributed}), each distinct
   * list of exports read once.
   */
  private Map<String, String> contentOf(Set<String> members, Iterable<SnapshotCatalog.Entry> snapshots) throws IOException {
    Map<String, String> out = new HashMap<>();
    Set<String> posted = new java.util.HashSet<>();
    ledger.postedContent().forEach(c -> {
      posted.add(c.content());
      if (members.contains(c.member())) {
        out.put(c.content(), c.member());
      }
    });
    // Each snapshot's exports in its build's order: which record of a content id counts depends on it.
    Set<List<Path>> exports = new LinkedHashSet<>();
    for (SnapshotCatalog.Entry e : snapshots) {
      exports.add(SnapshotSources.contentFiles(e.directory().getParent(), e.snapshot()).orElse(List.of()));
    }
    for (List<Path> files : exports) {
      ContentExports.attributed(files, members, posted, out::put);
    }
    return out;
  }

  /** How many content items of each of {@code members} the snapshot's shards hold. */
  private static Map<String, Integer> leaked(SnapshotCatalog.Entry e, Set<String> members, Map<String, String> memberOfContent)
      throws IOException {
    JsonNode manifest = JSON.readTree(e.directory().resolve("manifest.json").toFile());
    ShardFormat format;
    try {
      format = ShardFormat.named(Manifest.shardFormat(manifest));
    } catch (IllegalArgumentException ex) {
      throw new IOException("snapshot " + e.snapshot() + " cannot be read: " + ex.getMessage(), ex);
    }
    Map<String, Set<String>> found = new HashMap<>();
    for (JsonNode shard : manifest.get("shards")) {
      format.read(e.directory().resolve(shard.get("file").asText()), Hashing.sha256(), row -> {
        String member = memberOfContent.get(row.content());
        if (member != null && members.contains(member)) {
          found.computeIfAbsent(member, k -> new java.util.HashSet<>()).add(row.content());
        }
      });
    }
    Map<String, Integer> out = new HashMap<>();
    found.forEach((m, ids) -> out.put(m, ids.size()));
    return out;
  }
}
