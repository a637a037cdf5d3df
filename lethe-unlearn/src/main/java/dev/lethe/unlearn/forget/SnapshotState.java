package dev.lethe.unlearn.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.pipeline.Deployments;
import dev.lethe.pipeline.ReplacedSnapshots;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.unlearn.ModelRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The snapshots of every root and the models of the registry as a forget run or a re-check sees
 * them, each root's catalog and every manifest read once, so that checking many requests costs
 * one pass over the snapshots plus lookups per request rather than a pass per request.
 *
 * <p>A snapshot is <em>retired</em> when forgetting replaced it ({@value #TOMBSTONE} beside its
 * manifest): its shard and member files were deleted and so were the artefacts of the models
 * trained from it. Any of those files found again (a backup restored, an old volume remounted, a
 * model directory copied back) brings back the records of every member forgotten from it or from
 * any of its rebuilds, which its tombstones and its rebuilds' tombstones name by commitment.
 */
final class SnapshotState {

  /** The tombstone forgetting writes into a snapshot it retired. */
  static final String TOMBSTONE = dev.lethe.pipeline.ReplacedSnapshots.TOMBSTONE;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<SnapshotCatalog> catalogs;
  private final Map<String, List<SnapshotCatalog.Entry>> byId = new HashMap<>();
  /** Snapshot directory -> the snapshots in the same root whose manifests say they rebuild it. */
  private final Map<Path, List<SnapshotCatalog.Entry>> rebuilds = new HashMap<>();
  private final Set<Path> retired = new HashSet<>();
  private final Map<String, List<ModelRecord>> modelsBySnapshot = new HashMap<>();
  private final Map<Path, Set<String>> tombstoneMembers = new HashMap<>();
  private List<Restored> restored;

  private SnapshotState(List<SnapshotCatalog> catalogs, List<ModelRecord> models) {
    this.catalogs = List.copyOf(catalogs);
    for (SnapshotCatalog catalog : catalogs) {
      Map<String, SnapshotCatalog.Entry> inRoot = new HashMap<>();
      for (SnapshotCatalog.Entry e : catalog.snapshots()) {
        byId.computeIfAbsent(e.snapshot(), k -> new ArrayList<>()).add(e);
        inRoot.put(e.snapshot(), e);
        if (ReplacedSnapshots.filesDeleted(e.directory())) {
          retired.add(e.directory());
        }
      }
      for (SnapshotCatalog.Entry e : catalog.snapshots()) {
        String parent = e.manifest().path("rebuild_of").asText(null);
        if (parent != null && inRoot.containsKey(parent)) {
          rebuilds.computeIfAbsent(inRoot.get(parent).directory(), k -> new ArrayList<>()).add(e);
        }
      }
    }
    for (ModelRecord m : models) {
      modelsBySnapshot.computeIfAbsent(m.snapshot(), k -> new ArrayList<>()).add(m);
    }
  }

  /** Reads the catalog of every root (each a readable directory) and lists the registry's models. */
  static SnapshotState open(List<Path> roots, List<ModelRecord> models) throws IOException {
    return open(roots, models, null);
  }

  /**
   * As {@link #open(List, List)}, reading only the snapshots the deployment with fingerprint
   * {@code deployment} built (null: every snapshot); the others are in {@link #foreign()}.
   */
  static SnapshotState open(List<Path> roots, List<ModelRecord> models, String deployment) throws IOException {
    List<SnapshotCatalog> catalogs = new ArrayList<>();
    for (Path root : roots) {
      catalogs.add(SnapshotCatalog.open(root, deployment));
    }
    return new SnapshotState(catalogs, models);
  }

  /**
   * As {@link #open(List, List, String)}, but a snapshot that cannot be read (its manifest or a
   * bitmap unreadable, say), or a root that cannot be listed, is left out and reported to {@code
   * unreadable}, one line naming it and the error, instead of failing the whole state.
   */
  static SnapshotState openReadable(List<Path> roots, List<ModelRecord> models, String deployment,
      java.util.function.Consumer<String> unreadable) {
    List<SnapshotCatalog> catalogs = new ArrayList<>();
    for (Path root : roots) {
      try {
        catalogs.add(SnapshotCatalog.open(root, deployment, unreadable));
      } catch (IOException | RuntimeException e) {
        unreadable.accept("the snapshots in root " + root + " cannot be read (" + e.getClass().getSimpleName() + ": "
            + e.getMessage() + "): forgetting cannot show that they hold none of the members' records");
      }
    }
    return new SnapshotState(catalogs, models);
  }

  /** The snapshots left unread as another deployment's, by root then id. */
  List<Deployments.Foreign> foreign() {
    List<Deployments.Foreign> out = new ArrayList<>();
    catalogs.forEach(c -> out.addAll(c.foreign()));
    return out;
  }

  List<SnapshotCatalog> catalogs() {
    return catalogs;
  }

  /** The copies of a snapshot, one per root that holds it. */
  List<SnapshotCatalog.Entry> entries(String snapshot) {
    return byId.getOrDefault(snapshot, List.of());
  }

  boolean retired(SnapshotCatalog.Entry e) {
    return retired.contains(e.directory());
  }

  /** Models trained from a snapshot id (in any root). */
  List<ModelRecord> modelsOf(String snapshot) {
    return modelsBySnapshot.getOrDefault(snapshot, List.of());
  }

  /**
   * The snapshots in force that replaced {@code e}: itself if it is not retired, otherwise the
   * rebuilds of it not retired, following rebuilds of rebuilds. Empty if a retired snapshot has
   * no rebuild in force (its rebuild was deleted by hand).
   */
  List<SnapshotCatalog.Entry> inForce(SnapshotCatalog.Entry e) {
    List<SnapshotCatalog.Entry> out = new ArrayList<>();
    Deque<SnapshotCatalog.Entry> todo = new ArrayDeque<>(List.of(e));
    Set<Path> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      SnapshotCatalog.Entry next = todo.removeFirst();
      if (!seen.add(next.directory())) {
        continue;
      }
      if (!retired(next)) {
        out.add(next);
      } else {
        todo.addAll(rebuilds.getOrDefault(next.directory(), List.of()));
      }
    }
    return out;
  }

  /** The files of a retired snapshot that forgetting deleted and that are there again. */
  static List<Path> filesBack(SnapshotCatalog.Entry e) {
    List<Path> out = new ArrayList<>();
    for (JsonNode shard : e.manifest().path("shards")) {
      for (String field : List.of("file", "members_file")) {
        JsonNode name = shard.get(field);
        if (name != null && name.isTextual() && Files.exists(e.directory().resolve(name.asText()))) {
          out.add(e.directory().resolve(name.asText()));
        }
      }
    }
    return out;
  }

  /** The shard artefacts of a model that exist. */
  static List<Path> artefactsPresent(ModelRecord m) {
    List<Path> out = new ArrayList<>();
    for (ModelRecord.Shard s : m.shards()) {
      Path f = m.directory().resolve(s.file());
      if (Files.exists(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * A retired snapshot some of whose deleted files, or whose models' deleted artefacts, are back.
   *
   * @param snapshot the retired snapshot
   * @param files its shard and member files that are back
   * @param models the models trained from it whose artefacts are back, each with those files
   * @param members the commitments of every member forgotten from it or from a rebuild of it:
   *     whose records the files hold again
   */
  record Restored(SnapshotCatalog.Entry snapshot, List<Path> files, Map<ModelRecord, List<Path>> models, Set<String> members) {}

  /** Every retired snapshot with files or model artefacts back, by root then id. */
  List<Restored> restored() throws IOException {
    if (restored == null) {
      List<Restored> out = new ArrayList<>();
      for (SnapshotCatalog catalog : catalogs) {
        for (SnapshotCatalog.Entry e : catalog.snapshots()) {
          if (!retired(e)) {
            continue;
          }
          List<Path> files = filesBack(e);
          Map<ModelRecord, List<Path>> models = new LinkedHashMap<>();
          for (ModelRecord m : modelsOf(e.snapshot())) {
            List<Path> present = artefactsPresent(m);
            if (!present.isEmpty()) {
              models.put(m, present);
            }
          }
          if (!files.isEmpty() || !models.isEmpty()) {
            out.add(new Restored(e, files, models, forgottenFrom(e)));
          }
        }
      }
      restored = List.copyOf(out);
    }
    return restored;
  }

  /** Commitments of the members forgotten from {@code e} or from any rebuild of it, in any generation. */
  private Set<String> forgottenFrom(SnapshotCatalog.Entry e) throws IOException {
    Set<String> out = new TreeSet<>();
    Deque<SnapshotCatalog.Entry> todo = new ArrayDeque<>(List.of(e));
    Set<Path> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      SnapshotCatalog.Entry next = todo.removeFirst();
      if (seen.add(next.directory())) {
        out.addAll(tombstoneMembers(next));
        todo.addAll(rebuilds.getOrDefault(next.directory(), List.of()));
      }
    }
    return out;
  }

  /** The member commitments of every entry of a snapshot's tombstone (none if not retired). */
  private Set<String> tombstoneMembers(SnapshotCatalog.Entry e) throws IOException {
    Set<String> cached = tombstoneMembers.get(e.directory());
    if (cached != null) {
      return cached;
    }
    Set<String> out = new TreeSet<>();
    Path file = e.directory().resolve(TOMBSTONE);
    if (Files.isRegularFile(file)) {
      for (JsonNode entry : JSON.readTree(file.toFile())) {
        entry.path("members").forEach(m -> out.add(m.asText()));
      }
    }
    tombstoneMembers.put(e.directory(), out);
    return out;
  }
}
