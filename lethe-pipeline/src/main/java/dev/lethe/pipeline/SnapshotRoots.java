package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.RecordedSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The directories holding published snapshots ("snapshot roots"): every directory a build
 * registered in the store, plus a default directory (the CLI's {@code DATA/snapshots}, the
 * server's {@code --snapshots}) that builds from before the registry published into without
 * registering it. Everything that answers "where is a member's data" or forgets a member must
 * cover all of them, and must say so when one cannot be read rather than count it as empty.
 *
 * <p>A root's listing alone cannot tell "holds nothing" from an empty mount point or a backup
 * restored without some snapshots, so builds also record each snapshot they publish ({@link
 * #record}), and {@link #check} reports a recorded snapshot that is not found under its root
 * exactly like a root that cannot be read. Snapshots found under a root but not recorded (built
 * before the records, or copied in) are still found by the directory listing: the records add a
 * check, they replace nothing. Stateless.
 */
public final class SnapshotRoots {

  /** Audit-log kind of a deliberate snapshot retirement ({@link #retire}). */
  public static final String RETIRE_AUDIT_KIND = "snapshot.retire";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SnapshotRoots() {}

  /**
   * The form a root is registered and compared in: its real path (symbolic links resolved) when it
   * exists, else absolute and normalized. One directory reached through a link and through its
   * own name is one root, so forgetting does not rebuild its snapshots twice, each run undoing
   * the other's check.
   */
  public static Path canonical(Path root) {
    Path absolute = root.toAbsolutePath().normalize();
    try {
      return absolute.toRealPath();
    } catch (IOException e) {
      return absolute; // gone or unreadable: callers check reachable() and report it
    }
  }

  /** Records that a build published into {@code root}; idempotent. */
  public static void register(LedgerStore ledger, Path root) {
    ledger.registerSnapshotRoot(canonical(root));
  }

  /**
   * Registers a build's output directory before the build publishes anything (making it first,
   * so that it is registered in the form it will keep): a build killed, or a store write failing,
   * after the publishing rename would otherwise leave a snapshot in a directory that lookups and
   * forgetting never look in.
   *
   * @return whether this call registered it (it was not registered before)
   * @throws IOException if the directory cannot be made
   */
  public static boolean registerBeforePublishing(LedgerStore ledger, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    return ledger.registerSnapshotRoot(canonical(outDir));
  }

  /**
   * Undoes {@link #registerBeforePublishing} after a build that failed, unless a snapshot is there
   * (an earlier build's, or one this build published before failing), which must stay covered. A
   * failure to undo it is added to {@code failure} as suppressed: the directory stays registered,
   * covered, at worst reported empty.
   */
  public static void unregisterIfEmpty(LedgerStore ledger, Path outDir, Exception failure) {
    try {
      if (SnapshotFiles.snapshotDirectories(outDir).isEmpty()) {
        ledger.unregisterSnapshotRoot(canonical(outDir));
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Records that a build published (or found already published, byte for byte) {@code result}
   * in {@code root}, registering the root too; idempotent.
   */
  public static void record(LedgerStore ledger, Path root, SnapshotResult result) {
    ledger.recordSnapshot(canonical(root), result.metadata().snapshot(), result.metadata().purpose(), result.metadata().asOf());
  }

  /**
   * Records the published snapshots under {@code root} whose ids {@code which} accepts (a
   * directory whose manifest names it; hidden directories and directories without a readable
   * manifest are skipped), registering the root too. For snapshots published without a record:
   * a registration by hand, or the rebuilds of a forget run.
   *
   * @return the ids newly recorded, sorted
   * @throws IOException if the root cannot be listed
   */
  public static List<String> recordPublished(LedgerStore ledger, Path root, Predicate<String> which) throws IOException {
    Path dir = canonical(root);
    List<String> added = new ArrayList<>();
    for (Path child : SnapshotFiles.snapshotDirectories(dir)) {
      String id = child.getFileName().toString();
      if (!which.test(id) || !Files.isRegularFile(child.resolve(SnapshotFiles.MANIFEST))) {
        continue;
      }
      JsonNode manifest;
      try {
        manifest = JSON.readTree(child.resolve(SnapshotFiles.MANIFEST).toFile());
      } catch (IOException e) {
        continue; // not a snapshot this can vouch for; the catalog reports an unreadable manifest
      }
      if (!id.equals(manifest.path("snapshot").asText()) || !manifest.path("purpose").isTextual()
          || !manifest.path("as_of").isTextual()) {
        continue;
      }
      Instant asOf;
      try {
        asOf = Rfc3339.parseInstant(manifest.get("as_of").asText());
      } catch (RuntimeException e) {
        continue;
      }
      if (ledger.recordSnapshot(dir, id, manifest.get("purpose").asText(), asOf)) {
        added.add(id);
      }
    }
    return added;
  }

  /**
   * Records a forget run's rebuild {@code rebuilt} of {@code replaced} in every root that recorded
   * {@code replaced} and now holds the rebuild, so that a rebuild is watched wherever its
   * original was. Snapshots never recorded (built before the records) stay unrecorded.
   *
   * @throws IOException if such a root cannot be listed
   */
  public static void recordRebuild(LedgerStore ledger, String replaced, String rebuilt) throws IOException {
    for (RecordedSnapshot r : ledger.recordedSnapshots()) {
      if (r.snapshot().equals(replaced) && reachable(r.root())) {
        recordPublished(ledger, r.root(), rebuilt::equals);
      }
    }
  }

  /**
   * Every root to answer over or forget in, sorted and without duplicates: the registered ones
   * (which may no longer exist; callers must check {@link #reachable} and say so) and {@code
   * defaultDir} when it exists.
   */
  public static List<Path> roots(LedgerStore ledger, Path defaultDir) {
    Objects.requireNonNull(defaultDir, "defaultDir");
    TreeSet<Path> roots = new TreeSet<>();
    ledger.snapshotRoots().forEach(root -> roots.add(canonical(root)));
    Path fallback = canonical(defaultDir);
    if (Files.isDirectory(fallback)) {
      roots.add(fallback);
    }
    return List.copyOf(roots);
  }

  /** Whether a root can be listed; one that cannot must never count as holding nothing. */
  public static boolean reachable(Path root) {
    return Files.isDirectory(root) && Files.isReadable(root);
  }

  /**
   * A recorded snapshot that its root does not hold (whole).
   *
   * @param root the root it was recorded in
   * @param snapshot its id
   * @param problem what is wrong, e.g. {@code is missing}
   */
  public record MissingSnapshot(Path root, String snapshot, String problem) {
    /** One line for an operator: which snapshot, where, and what is wrong. */
    public String describe() {
      return "snapshot " + snapshot + " recorded in " + root + " " + problem;
    }
  }

  /**
   * What a set of roots holds compared with what the store recorded.
   *
   * @param roots every root checked, sorted
   * @param unreachable the roots that are missing or cannot be listed
   * @param missing the recorded snapshots not found (whole) under a readable root, by root then id
   * @param foreign the snapshots under a readable root that another deployment built ({@link
   *     Deployments}), by root then id: not this deployment's, so never listed, answered from or
   *     forgotten in as if they were
   */
  public record Coverage(
      List<Path> roots, List<Path> unreachable, List<MissingSnapshot> missing, List<Deployments.Foreign> foreign) {
    public Coverage {
      roots = List.copyOf(roots);
      unreachable = List.copyOf(unreachable);
      missing = List.copyOf(missing);
      foreign = List.copyOf(foreign);
    }

    /** Coverage with no snapshot of another deployment. */
    public Coverage(List<Path> roots, List<Path> unreachable, List<MissingSnapshot> missing) {
      this(roots, unreachable, missing, List.of());
    }

    /** The ids of the snapshots in {@code root} another deployment built. */
    public Set<String> foreignIn(Path root) {
      Set<String> ids = new TreeSet<>();
      foreign.stream().filter(f -> f.root().equals(root)).forEach(f -> ids.add(f.snapshot()));
      return ids;
    }

    /** Whether every root can be read and holds every snapshot recorded in it. */
    public boolean complete() {
      return unreachable.isEmpty() && missing.isEmpty();
    }

    /** The roots that can be listed. */
    public List<Path> reachable() {
      return roots.stream().filter(r -> !unreachable.contains(r)).toList();
    }

    /**
     * One line per gap, for an operator, each ending in what forgetting needs done about it (as
     * {@code lethe forget-run} and the server's forget job report them).
     */
    public List<String> forgettingProblems() {
      List<String> out = new ArrayList<>();
      unreachable.forEach(root -> out.add(unreachableProblem(root)));
      out.addAll(missingProblems());
      foreign.forEach(f -> out.add(f.forgettingProblem()));
      return out;
    }

    /**
     * The lines of {@link #forgettingProblems} for the recorded snapshots that are missing: the
     * gaps only the store's records show (a forget run finds unreachable roots and other
     * deployments' snapshots itself), as {@code ForgetRunner.Rebuild#gaps} takes them.
     */
    public List<String> missingProblems() {
      List<String> out = new ArrayList<>();
      missing.forEach(m -> out.add(m.describe() + ": forgetting cannot show that it holds none of the members' records;"
          + " restore it, or retire it if it was deleted on purpose ('lethe snapshots --retire " + m.snapshot() + "')"));
      return out;
    }
  }

  /**
   * The line forgetting reports for a root it cannot list: a root that is gone might still hold a
   * member's records elsewhere (a backup restored, a mount missing), so it does not count as empty.
   */
  public static String unreachableProblem(Path root) {
    return "snapshot root " + root + " is missing or unreadable: forgetting cannot show that it holds none of the"
        + " members' records; restore it, or unregister it if it was deleted on purpose";
  }

  /** {@link #check} over {@link #roots}: every root there is to cover. */
  public static Coverage coverage(LedgerStore ledger, Path defaultDir) {
    return check(ledger, roots(ledger, defaultDir));
  }

  /**
   * Checks roots (in {@linkplain #canonical canonical} form) against the store's records: a root
   * that cannot be listed is unreachable; under a readable root, a recorded snapshot is missing
   * unless its directory holds a readable manifest naming it and, unless forgetting retired it
   * (its {@code FORGOTTEN.json}), every shard and member file its manifest lists. Snapshots that
   * another deployment built are listed as {@linkplain Coverage#foreign foreign}.
   */
  public static Coverage check(LedgerStore ledger, Collection<Path> roots) {
    return check(ledger, roots, new ManifestReads());
  }

  /**
   * As {@link #check(LedgerStore, Collection)}, reading each manifest through {@code manifests},
   * so that a command that reads the same manifests again afterwards parses each once.
   */
  public static Coverage check(LedgerStore ledger, Collection<Path> roots, ManifestReads manifests) {
    Map<Path, List<String>> recorded = recordedByRoot(ledger);
    List<Path> sorted = List.copyOf(new TreeSet<>(roots));
    List<Path> unreachable = new ArrayList<>();
    List<MissingSnapshot> missing = new ArrayList<>();
    List<Deployments.Foreign> foreign = new ArrayList<>();
    String ours = Deployments.of(ledger);
    for (Path root : sorted) {
      if (!reachable(root)) {
        unreachable.add(root);
        continue;
      }
      List<String> recordedIds = recorded.getOrDefault(root, List.of());
      missing.addAll(missing(root, recordedIds, manifests));
      try {
        foreign.addAll(foreign(root, recordedIds, ours, manifests, missing));
      } catch (IOException e) {
        unreachable.add(root); // listed above, so it went away meanwhile: a gap, never "holds nothing"
      }
    }
    return new Coverage(sorted, unreachable, missing, foreign);
  }

  /**
   * The snapshots in {@code root} another deployment than {@code deployment} built, by id; one of
   * them that this store recorded building there ({@code recorded}) is added to {@code missing} as
   * {@link #relabelled} instead.
   *
   * @throws IOException if the root cannot be listed
   */
  public static List<Deployments.Foreign> foreign(Path root, Collection<String> recorded, String deployment,
      ManifestReads manifests, List<MissingSnapshot> missing) throws IOException {
    List<Deployments.Foreign> out = new ArrayList<>();
    for (Deployments.Foreign f : Deployments.foreign(root, deployment, manifests)) {
      if (recorded.contains(f.snapshot())) {
        missing.add(relabelled(f));
      } else {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * A snapshot this store recorded building in its root whose manifest now names another
   * deployment: damage to be reported, never a snapshot to pass over as another deployment's (the
   * manifest's field is all that says whose it is, and this store's own record says otherwise).
   */
  public static MissingSnapshot relabelled(Deployments.Foreign f) {
    return new MissingSnapshot(f.root(), f.snapshot(), "has a manifest naming another deployment (" + f.deployment()
        + ") although this store recorded building it there: the manifest was changed");
  }

  /**
   * The snapshots among {@code snapshots} (recorded in the readable {@code root}) that it does not
   * hold whole, as {@link #check} judges them, in the given order.
   */
  public static List<MissingSnapshot> missing(Path root, Collection<String> snapshots) {
    return missing(root, snapshots, new ManifestReads());
  }

  /** As {@link #missing(Path, Collection)}, reading each manifest through {@code manifests}. */
  public static List<MissingSnapshot> missing(Path root, Collection<String> snapshots, ManifestReads manifests) {
    List<MissingSnapshot> out = new ArrayList<>();
    for (String id : snapshots) {
      String problem = problem(root.resolve(id), id, manifests);
      if (problem != null) {
        out.add(new MissingSnapshot(root, id, problem));
      }
    }
    return out;
  }

  /** The ids of the snapshots recorded in each root, keyed by {@linkplain #canonical canonical} root, ids sorted. */
  public static Map<Path, List<String>> recordedByRoot(LedgerStore ledger) {
    Map<Path, List<String>> out = new HashMap<>();
    for (RecordedSnapshot r : ledger.recordedSnapshots()) {
      out.computeIfAbsent(canonical(r.root()), k -> new ArrayList<>()).add(r.snapshot());
    }
    out.values().forEach(ids -> ids.sort(null));
    return out;
  }

  /** What is wrong with a recorded snapshot's directory, or null if it holds the snapshot. */
  private static String problem(Path dir, String snapshot, ManifestReads manifests) {
    if (!Files.isDirectory(dir)) {
      return "is missing";
    }
    Path manifestFile = dir.resolve(SnapshotFiles.MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      return "has no manifest";
    }
    JsonNode manifest;
    try {
      manifest = manifests.read(manifestFile);
    } catch (IOException e) {
      return "has a manifest that cannot be read (" + e.getMessage().lines().findFirst().orElse("") + ")";
    }
    if (!snapshot.equals(manifest.path("snapshot").asText())) {
      return "holds the manifest of another snapshot (" + manifest.path("snapshot").asText() + ")";
    }
    if (ReplacedSnapshots.filesDeleted(dir)) {
      return null; // forgetting deleted its shards on purpose and said so
    }
    int lost = 0;
    int shards = 0;
    for (JsonNode shard : manifest.path("shards")) {
      shards++;
      for (String field : List.of("file", "members_file")) {
        JsonNode name = shard.get(field);
        if (name == null || !name.isTextual() || !Files.isRegularFile(dir.resolve(name.asText()))) {
          lost++;
          break;
        }
      }
    }
    return lost == 0 ? null : "lacks the files of " + lost + " of its " + shards + " shards";
  }

  /**
   * What {@link #retire} did in one root.
   *
   * @param root the root
   * @param deleted whether a directory of the snapshot was there and was deleted
   * @param recorded whether the store had a record of it there, now removed
   * @param auditLeaf the index of the audit-log leaf recording the retirement
   */
  public record Retirement(Path root, boolean deleted, boolean recorded, long auditLeaf) {}

  /**
   * Whether {@code s} can be a snapshot id: a visible directory's name directly under a root, so
   * nothing that could name a hidden directory or one elsewhere.
   */
  public static boolean isSnapshotId(String s) {
    return !s.isEmpty() && !s.startsWith(".") && !s.contains("/") && !s.contains("\\");
  }

  /**
   * Retires a snapshot from a root on purpose: its directory (if present) is first renamed to a
   * hidden name in the same root, so that no reader ever sees half of it, then deleted, with its
   * entry in the root's {@code .sources}; its record (if any) is removed; the retirement is appended to the audit log ({@value
   * #RETIRE_AUDIT_KIND}: snapshot, root, whether it was present and recorded). A leftover of an
   * interrupted retirement of the same snapshot is deleted too.
   *
   * @param root a root in {@linkplain #canonical canonical} form
   * @param snapshot a snapshot id (a directory name)
   * @throws IOException if the directory cannot be renamed or deleted; the record is kept then
   */
  public static Retirement retire(LedgerStore ledger, Path root, String snapshot) throws IOException {
    if (!isSnapshotId(snapshot)) {
      throw new IllegalArgumentException("not a snapshot id: " + snapshot);
    }
    Path dir = root.resolve(snapshot);
    boolean present = Files.exists(dir);
    List<Path> doomed = new ArrayList<>();
    if (present) {
      Path hidden = root.resolve(".retiring-" + snapshot + "-" + UUID.randomUUID());
      Files.move(dir, hidden, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      doomed.add(hidden);
    }
    if (Files.isDirectory(root)) {
      try (Stream<Path> list = Files.list(root)) {
        list.filter(p -> p.getFileName().toString().startsWith(".retiring-" + snapshot + "-") && !doomed.contains(p))
            .forEach(doomed::add);
      }
    }
    for (Path d : doomed) {
      deleteTree(d);
    }
    // Its sources entry names the member ids a rebuild left out: of no use once the snapshot is gone.
    Files.deleteIfExists(root.resolve(".sources").resolve(snapshot + ".json"));
    boolean recorded = ledger.removeSnapshotRecord(root, snapshot);
    ObjectNode leaf = JsonNodeFactory.instance.objectNode();
    leaf.put("snapshot", snapshot);
    leaf.put("root", root.toString());
    leaf.put("present", present);
    leaf.put("recorded", recorded);
    return new Retirement(root, present, recorded, ledger.appendAuditRecord(RETIRE_AUDIT_KIND, leaf));
  }

  private static void deleteTree(Path top) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(top)) {
      all = walk.toList();
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      Files.deleteIfExists(all.get(i));
    }
  }

  /** The ids of snapshots under {@code root} whose manifests say they rebuild {@code snapshot}. */
  public static Set<String> rebuildsOf(Path root, String snapshot) throws IOException {
    Set<String> out = new TreeSet<>();
    for (Path child : SnapshotFiles.snapshotDirectories(root)) {
      Path manifest = child.resolve(SnapshotFiles.MANIFEST);
      if (Files.isRegularFile(manifest)) {
        JsonNode m = JSON.readTree(manifest.toFile());
        if (snapshot.equals(m.path("rebuild_of").asText(null))) {
          out.add(child.getFileName().toString());
        }
      }
    }
    return out;
  }
}
