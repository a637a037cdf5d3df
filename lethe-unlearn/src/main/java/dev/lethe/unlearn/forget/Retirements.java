package dev.lethe.unlearn.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.ReplacedSnapshots;
import dev.lethe.unlearn.ModelRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.function.Function;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What forgetting replaced, snapshots and models alike: for each, when, by which snapshot or
 * model, and under which forget requests. Snapshots come from each root's {@link
 * ReplacedSnapshots} (the {@code FORGOTTEN.json} tombstones and the manifests' {@code
 * rebuild_of}), models from the registry (a model is retired when the snapshot it was trained from
 * is replaced in a root; its successors are the models derived from it that were trained on a
 * rebuild), and the requests from the forget queue (each executed request lists the replacements
 * it made). Every listing and every command that must refuse a replaced item reads it here.
 *
 * <p>A rebuild whose original has no tombstone (its checks failed, or the forget run is still
 * under way) is an <em>unverified rebuild</em>, and a model trained on one an <em>unverified
 * model</em>: neither is in use nor ever named as in use, and the original stays in use.
 *
 * <p>Immutable once built.
 */
public final class Retirements {

  /**
   * A snapshot forgetting replaced.
   *
   * @param root the snapshot root it is in
   * @param replacedBy the rebuilds that replaced it (in the same root), sorted; empty if deleted since
   * @param at when forgetting deleted its files, or null when the tombstone does not say
   * @param requests the forget requests whose execution replaced it, sorted (empty when the queue
   *     does not record them)
   */
  public record ReplacedSnapshot(String snapshot, Path root, List<String> replacedBy, Instant at, List<String> requests) {
    public ReplacedSnapshot {
      replacedBy = List.copyOf(replacedBy);
      requests = List.copyOf(requests);
    }

    /** Whether forgetting deleted its shard and member files: always ({@link ReplacedSnapshots.Replacement#filesDeleted}). */
    public boolean filesDeleted() {
      return true;
    }

    /**
     * As the listings show it: {@code at} (or null), {@code by}, {@code files_deleted}, {@code
     * forget_requests} and {@code forget_request_count}.
     */
    public ObjectNode json() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("at", at == null ? null : Rfc3339.format(at));
      ArrayNode b = o.putArray("by");
      replacedBy.forEach(b::add);
      o.put("files_deleted", filesDeleted());
      putRequests(o, requests);
      return o;
    }

    /**
     * A sentence for people, e.g. "snapshot S was replaced by forgetting on 2024-11-01T00:00:00Z by
     * snapshot R (under 12 forget requests); its shard files were deleted".
     */
    public String describe() {
      return "snapshot " + snapshot + " was replaced by forgetting" + (at == null ? "" : " on " + at)
          + (replacedBy.isEmpty() ? " (its rebuild is no longer published)" : " by snapshot " + String.join(", ", replacedBy))
          + underRequests(requests)
          + "; its shard files were deleted";
    }
  }

  /**
   * A model retired because forgetting replaced the snapshot it was trained from.
   *
   * @param snapshot the replaced snapshot it was trained from
   * @param replacedBy the models retrained from it on a rebuild of that snapshot, sorted
   * @param at when forgetting deleted the snapshot's files (and the model's artefacts), or null
   * @param requests the forget requests whose execution replaced it, sorted
   */
  public record RetiredModel(String model, String snapshot, List<String> replacedBy, Instant at, List<String> requests) {
    public RetiredModel {
      replacedBy = List.copyOf(replacedBy);
      requests = List.copyOf(requests);
    }

    /**
     * Whether forgetting deleted the model's artefacts: always, with the files of the snapshot it
     * was trained from ({@link ReplacedSnapshot#filesDeleted}).
     */
    public boolean artefactsDeleted() {
      return true;
    }

    /**
     * As the listings show it: {@code at} (or null), {@code snapshot}, {@code by}, {@code
     * artefacts_deleted}, {@code forget_requests} and {@code forget_request_count}.
     */
    public ObjectNode json() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("at", at == null ? null : Rfc3339.format(at));
      o.put("snapshot", snapshot);
      ArrayNode b = o.putArray("by");
      replacedBy.forEach(b::add);
      o.put("artefacts_deleted", artefactsDeleted());
      putRequests(o, requests);
      return o;
    }

    /**
     * A sentence for people, e.g. "model M was retired by forgetting on 2024-11-01T00:00:00Z:
     * snapshot S it was trained from was replaced, and model N replaces it (under 12 forget
     * requests); its artefacts were deleted".
     */
    public String describe() {
      return "model " + model + " was retired by forgetting" + (at == null ? "" : " on " + at) + ": snapshot " + snapshot
          + " it was trained from was replaced"
          + (replacedBy.isEmpty() ? ", and no retrained model is registered" : ", and model " + String.join(", ", replacedBy)
              + " replaces it")
          + underRequests(requests)
          + "; its artefacts were deleted";
    }
  }

  /**
   * A rebuild forgetting published whose original is published beside it without a tombstone:
   * the rebuild's checks failed or its forget run has not finished, so it replaces nothing.
   *
   * @param root the snapshot root both are in
   * @param rebuildOf the snapshot it was built to replace, still in use
   */
  public record UnverifiedRebuild(String snapshot, Path root, String rebuildOf) {
    /** As the listings show it: {@code rebuild_of}. */
    public ObjectNode json() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("rebuild_of", rebuildOf);
      return o;
    }

    /** A sentence for people, naming the snapshot in use instead. */
    public String describe() {
      return "snapshot " + snapshot + " is an unverified rebuild of snapshot " + rebuildOf
          + ": forgetting's checks of it have not held (they failed, or the forget run has not finished), so it replaces"
          + " nothing and snapshot " + rebuildOf + " is still the snapshot in use";
    }
  }

  /**
   * A model trained on an {@link UnverifiedRebuild}: not in use, whatever it was retrained from.
   *
   * @param snapshot the unverified rebuild it was trained on
   * @param rebuildOf the snapshot that rebuild was meant to replace, still in use
   */
  public record UnverifiedModel(String model, String snapshot, String rebuildOf) {
    /** As the listings show it: {@code snapshot} and {@code rebuild_of}. */
    public ObjectNode json() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("snapshot", snapshot);
      o.put("rebuild_of", rebuildOf);
      return o;
    }

    /** A sentence for people. */
    public String describe() {
      return "model " + model + " was trained on snapshot " + snapshot + ", an unverified rebuild of snapshot " + rebuildOf
          + " (forgetting's checks of it have not held: they failed, or the forget run has not finished), so it is not in use";
    }
  }

  private final Map<Path, Map<String, ReplacedSnapshot>> snapshots;
  private final Map<String, RetiredModel> models;
  private final Map<Path, Map<String, UnverifiedRebuild>> unverifiedSnapshots;
  private final Map<String, UnverifiedModel> unverifiedModels;

  private Retirements(Map<Path, Map<String, ReplacedSnapshot>> snapshots, Map<String, RetiredModel> models,
      Map<Path, Map<String, UnverifiedRebuild>> unverifiedSnapshots, Map<String, UnverifiedModel> unverifiedModels) {
    this.snapshots = snapshots;
    this.models = models;
    this.unverifiedSnapshots = unverifiedSnapshots;
    this.unverifiedModels = unverifiedModels;
  }

  /**
   * Combines what each root says it replaced with the registry's models and the queue's requests.
   *
   * @param roots each readable snapshot root's replacements, by root
   * @param models every registered model
   * @param requests every forget request (only their replacements are read)
   */
  public static Retirements of(Map<Path, ReplacedSnapshots> roots, List<ModelRecord> models, List<ForgetRequest> requests) {
    Map<String, Set<String>> requestsBySnapshot = new HashMap<>();
    Map<String, Set<String>> requestsByModel = new HashMap<>();
    Map<String, Set<String>> successorsByModel = new HashMap<>();
    for (ForgetRequest r : requests) {
      // Every execution's replacements: a reopened request keeps those of the executions before.
      List<ForgetRequest.Replacement> reps = new ArrayList<>();
      r.reopenings().forEach(o -> reps.addAll(o.previous().replacements()));
      if (r.outcome() != null) {
        reps.addAll(r.outcome().replacements());
      }
      for (ForgetRequest.Replacement rep : reps) {
        requestsBySnapshot.computeIfAbsent(rep.oldSnapshot(), k -> new TreeSet<>()).add(r.id());
        if (rep.oldModel() != null) {
          requestsByModel.computeIfAbsent(rep.oldModel(), k -> new TreeSet<>()).add(r.id());
          if (rep.newModel() != null) {
            successorsByModel.computeIfAbsent(rep.oldModel(), k -> new TreeSet<>()).add(rep.newModel());
          }
        }
      }
    }
    Map<Path, Map<String, ReplacedSnapshot>> snaps = new LinkedHashMap<>();
    Map<String, ReplacedSnapshot> anyRoot = new HashMap<>();
    Map<Path, Map<String, UnverifiedRebuild>> unverified = new LinkedHashMap<>();
    // A snapshot id unverified in some root and in use in none: its models are unverified too.
    Map<String, UnverifiedRebuild> unverifiedAnywhere = new HashMap<>();
    Set<String> inUseSomewhere = new HashSet<>();
    roots.forEach((root, replaced) -> {
      Map<String, UnverifiedRebuild> inRoot = new HashMap<>();
      replaced.unverifiedRebuilds().forEach((rebuild, original) -> {
        UnverifiedRebuild u = new UnverifiedRebuild(rebuild, root, original);
        inRoot.put(rebuild, u);
        unverifiedAnywhere.putIfAbsent(rebuild, u);
      });
      replaced.published().stream().filter(replaced::inUse).forEach(inUseSomewhere::add);
      unverified.put(root, inRoot);
    });
    roots.forEach((root, replaced) -> {
      Map<String, ReplacedSnapshot> inRoot = new HashMap<>();
      for (ReplacedSnapshots.Replacement rep : replaced.all()) {
        ReplacedSnapshot s = new ReplacedSnapshot(rep.snapshot(), root, rep.replacedBy(), rep.at(),
            List.copyOf(requestsBySnapshot.getOrDefault(rep.snapshot(), Set.of())));
        inRoot.put(rep.snapshot(), s);
        // A snapshot replaced in several roots: the first root's copy speaks for its models.
        anyRoot.putIfAbsent(rep.snapshot(), s);
      }
      snaps.put(root, inRoot);
    });
    Map<String, RetiredModel> retired = new HashMap<>();
    for (ModelRecord m : models) {
      ReplacedSnapshot s = anyRoot.get(m.snapshot());
      if (s == null) {
        continue;
      }
      Set<String> successors = new TreeSet<>(successorsByModel.getOrDefault(m.id(), Set.of()));
      for (ModelRecord child : models) {
        if (child.parent().filter(m.id()::equals).isPresent() && s.replacedBy().contains(child.snapshot())) {
          successors.add(child.id());
        }
      }
      retired.put(m.id(), new RetiredModel(m.id(), m.snapshot(), List.copyOf(successors), s.at(),
          List.copyOf(requestsByModel.getOrDefault(m.id(), Set.of()))));
    }
    Map<String, UnverifiedModel> unverifiedModels = new HashMap<>();
    for (ModelRecord m : models) {
      UnverifiedRebuild u = unverifiedAnywhere.get(m.snapshot());
      if (u != null && !inUseSomewhere.contains(m.snapshot()) && !retired.containsKey(m.id())) {
        unverifiedModels.put(m.id(), new UnverifiedModel(m.id(), m.snapshot(), u.rebuildOf()));
      }
    }
    return new Retirements(snaps, retired, unverified, unverifiedModels);
  }

  /** The words of a listing's {@code status}. */
  public static final String IN_USE = "in-use";
  public static final String REPLACED = "replaced";
  public static final String RETIRED = "retired";
  public static final String UNVERIFIED_REBUILD = "unverified-rebuild";

  /**
   * Adds a snapshot's {@code status} ({@value #IN_USE} or {@value #REPLACED}) and {@code replaced}
   * (null, or {@link ReplacedSnapshot#json}) to a listing's object. It cannot tell an unverified
   * rebuild: listings use {@link #putStatus(ObjectNode, Path, String)}.
   */
  public static ObjectNode putStatus(ObjectNode o, Optional<ReplacedSnapshot> replaced) {
    o.put("status", replaced.isPresent() ? REPLACED : IN_USE);
    o.set("replaced", replaced.map(r -> (JsonNode) r.json()).orElse(JsonNodeFactory.instance.nullNode()));
    return o;
  }

  /**
   * Adds a model's {@code status} ({@value #IN_USE} or {@value #RETIRED}) and {@code retired}
   * (null, or {@link RetiredModel#json}) to a listing's object.
   */
  public static ObjectNode putModelStatus(ObjectNode o, Optional<RetiredModel> retired) {
    o.put("status", retired.isPresent() ? RETIRED : IN_USE);
    o.set("retired", retired.map(r -> (JsonNode) r.json()).orElse(JsonNodeFactory.instance.nullNode()));
    return o;
  }

  /**
   * Adds the {@code status} of the snapshot with this id in {@code root} ({@value #IN_USE}, {@value
   * #REPLACED} or {@value #UNVERIFIED_REBUILD}), {@code replaced} (null, or {@link
   * ReplacedSnapshot#json}) and {@code unverified} (null, or {@link UnverifiedRebuild#json}) to a
   * listing's object.
   */
  public ObjectNode putStatus(ObjectNode o, Path root, String snapshot) {
    Optional<ReplacedSnapshot> replaced = snapshot(root, snapshot);
    Optional<UnverifiedRebuild> unverified = unverifiedRebuild(root, snapshot);
    putStatus(o, replaced);
    if (replaced.isEmpty() && unverified.isPresent()) {
      o.put("status", UNVERIFIED_REBUILD);
    }
    o.set("unverified", unverified.map(u -> (JsonNode) u.json()).orElse(JsonNodeFactory.instance.nullNode()));
    return o;
  }

  /**
   * Adds the {@code status} of the model with this id ({@value #IN_USE}, {@value #RETIRED} or
   * {@value #UNVERIFIED_REBUILD}), {@code retired} (null, or {@link RetiredModel#json}) and {@code
   * unverified} (null, or {@link UnverifiedModel#json}) to a listing's object.
   */
  public ObjectNode putModelStatus(ObjectNode o, String model) {
    Optional<RetiredModel> retired = model(model);
    Optional<UnverifiedModel> unverified = unverifiedModel(model);
    putModelStatus(o, retired);
    if (retired.isEmpty() && unverified.isPresent()) {
      o.put("status", UNVERIFIED_REBUILD);
    }
    o.set("unverified", unverified.map(u -> (JsonNode) u.json()).orElse(JsonNodeFactory.instance.nullNode()));
    return o;
  }

  /** The snapshot with this id in {@code root} if it is an unverified rebuild there. */
  public Optional<UnverifiedRebuild> unverifiedRebuild(Path root, String snapshot) {
    return Optional.ofNullable(unverifiedSnapshots.getOrDefault(root, Map.of()).get(snapshot));
  }

  /** The model with this id if it was trained on an unverified rebuild (and is not retired). */
  public Optional<UnverifiedModel> unverifiedModel(String model) {
    return Optional.ofNullable(unverifiedModels.get(model));
  }

  private static void putRequests(ObjectNode o, List<String> requests) {
    ArrayNode a = o.putArray("forget_requests");
    requests.forEach(a::add);
    o.put("forget_request_count", requests.size());
  }

  private static String underRequests(List<String> requests) {
    return switch (requests.size()) {
      case 0 -> "";
      case 1 -> " (under forget request " + requests.get(0) + ")";
      default -> " (under " + requests.size() + " forget requests)";
    };
  }

  /** The replacement of the snapshot with this id in {@code root}, if forgetting replaced it there. */
  public Optional<ReplacedSnapshot> snapshot(Path root, String snapshot) {
    return Optional.ofNullable(snapshots.getOrDefault(root, Map.of()).get(snapshot));
  }

  /**
   * The snapshots in use that replaced this one in {@code root}, following rebuilds of rebuilds,
   * sorted: itself if it is in use, empty if its last rebuild was deleted.
   */
  public List<String> inUseSuccessors(Path root, String snapshot) {
    Map<String, ReplacedSnapshot> inRoot = snapshots.getOrDefault(root, Map.of());
    return follow(snapshot, id -> Optional.ofNullable(inRoot.get(id)).map(ReplacedSnapshot::replacedBy));
  }

  /** As {@link #inUseSuccessors} for a model: the models in use retrained from it, in any generation. */
  public List<String> inUseSuccessorModels(String model) {
    return follow(model, id -> Optional.ofNullable(models.get(id)).map(RetiredModel::replacedBy));
  }

  private static List<String> follow(String start, Function<String, Optional<List<String>>> next) {
    Set<String> out = new TreeSet<>();
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(start));
    while (!todo.isEmpty()) {
      String id = todo.removeFirst();
      if (!seen.add(id)) {
        continue;
      }
      Optional<List<String>> by = next.apply(id);
      if (by.isEmpty()) {
        out.add(id);
      } else {
        todo.addAll(by.get());
      }
    }
    return List.copyOf(out);
  }

  /** The retirement of the model with this id, if forgetting replaced the snapshot it was trained from. */
  public Optional<RetiredModel> model(String model) {
    return Optional.ofNullable(models.get(model));
  }
}
