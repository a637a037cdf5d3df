package dev.lethe.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which published snapshots of one snapshot root forgetting replaced, read from the root's own
 * files: the one place that reads how forgetting records a replacement, for every listing and for
 * the commands that must refuse a replaced snapshot.
 *
 * <p>Forgetting records a replacement twice. The rebuild's manifest names the snapshot it rebuilds
 * ({@code rebuild_of}); once every check of the rebuild held, forgetting deletes the replaced
 * snapshot's shard and member files and writes {@value #TOMBSTONE} beside its manifest, a JSON
 * array with one entry per forget run that deleted files from it ({@code at}, the forgotten
 * members' commitments, the files removed, and {@code rebuild}: the id of the rebuild whose checks
 * held). Forgetting publishes the rebuild before checking it, so only the tombstone says the checks
 * held: a snapshot is <em>replaced</em> when it has a tombstone, and replaced by the rebuilds its
 * tombstone names (they may have been replaced in turn, or deleted by hand); a tombstone that
 * names none (written before tombstones named the rebuild) is taken to name every snapshot whose
 * manifest says it rebuilds it. A rebuild whose original is published in the same root without a
 * tombstone, or with one that names another rebuild, is an <em>unverified rebuild</em>: its checks
 * failed (forgetting kept the original's files, and the forget request says it failed; a later
 * rebuild may have replaced the original since) or the forget run that published it has not finished. It is
 * not in use and replaces nothing: the original stays in use. A rebuild whose original is no
 * longer published cannot be told apart from a verified one and counts as in use. Every other
 * published snapshot is in use.
 *
 * <p>Immutable once read.
 */
public final class ReplacedSnapshots {

  /** The tombstone forgetting writes into a snapshot whose files it deleted. */
  public static final String TOMBSTONE = "FORGOTTEN.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Replacement> replaced;
  private final Map<String, String> unverified;
  private final List<String> published;

  private ReplacedSnapshots(Map<String, Replacement> replaced, Map<String, String> unverified, List<String> published) {
    this.replaced = replaced;
    this.unverified = unverified;
    this.published = published;
  }

  /**
   * A snapshot forgetting replaced.
   *
   * @param snapshot the replaced snapshot's id
   * @param replacedBy the snapshots in the same root whose manifests say they rebuild it and that its
   *     tombstone names (every such one, if it names none), sorted; empty when they were deleted since
   * @param at when forgetting deleted its files (its tombstone's first entry), or null when the
   *     tombstone does not say
   */
  public record Replacement(String snapshot, List<String> replacedBy, Instant at) {
    public Replacement {
      replacedBy = List.copyOf(replacedBy);
    }

    /**
     * Whether forgetting deleted its shard and member files: always, since only the tombstone
     * forgetting writes when it deletes them makes a snapshot replaced.
     */
    public boolean filesDeleted() {
      return true;
    }
  }

  /**
   * Reads every published snapshot directory of {@code root} (its manifest and tombstone); a root
   * that does not exist replaces nothing. A directory without a readable manifest is skipped, as
   * {@link SnapshotCatalog} skips it.
   *
   * @throws IOException if the root cannot be listed, or a manifest or tombstone cannot be parsed
   */
  public static ReplacedSnapshots read(Path root) throws IOException {
    return read(root, new ManifestReads());
  }

  /**
   * As {@link #read(Path)}, reading each manifest through {@code manifests} (so a command that
   * has read them already, checking the store's records, does not parse them again).
   *
   * @throws IOException if the root cannot be listed, or a manifest or tombstone cannot be parsed
   */
  public static ReplacedSnapshots read(Path root, ManifestReads manifests) throws IOException {
    Map<String, Path> dirs = new TreeMap<>();
    Map<String, String> rebuildOf = new HashMap<>();
    if (Files.isDirectory(root)) {
      for (Path dir : SnapshotFiles.snapshotDirectories(root)) {
        Path manifest = dir.resolve(SnapshotFiles.MANIFEST);
        if (Files.isRegularFile(manifest)) {
          JsonNode m = manifests.read(manifest);
          put(dirs, rebuildOf, dir, m);
        }
      }
    }
    return build(dirs, rebuildOf);
  }

  private static void put(Map<String, Path> dirs, Map<String, String> rebuildOf, Path dir, JsonNode manifest) {
    String id = manifest.path("snapshot").asText(dir.getFileName().toString());
    dirs.put(id, dir);
    if (manifest.hasNonNull("rebuild_of")) {
      rebuildOf.put(id, manifest.get("rebuild_of").asText());
    }
  }

  private static ReplacedSnapshots build(Map<String, Path> dirs, Map<String, String> rebuildOf) throws IOException {
    Map<String, TreeSet<String>> rebuilds = new HashMap<>();
    rebuildOf.forEach((child, parent) -> rebuilds.computeIfAbsent(parent, k -> new TreeSet<>()).add(child));
    Map<String, Replacement> out = new HashMap<>();
    Map<String, Tombstone> tombstones = new HashMap<>();
    for (Map.Entry<String, Path> e : dirs.entrySet()) {
      Tombstone t = Tombstone.read(e.getValue());
      if (t != null) {
        tombstones.put(e.getKey(), t);
        List<String> by = new ArrayList<>();
        for (String child : rebuilds.getOrDefault(e.getKey(), new TreeSet<>())) {
          if (t.replacedBy(child)) {
            by.add(child);
          }
        }
        out.put(e.getKey(), new Replacement(e.getKey(), by, t.firstAt()));
      }
    }
    Map<String, String> unverified = new HashMap<>();
    rebuildOf.forEach((child, parent) -> {
      if (dirs.containsKey(parent) && (!tombstones.containsKey(parent) || !tombstones.get(parent).replacedBy(child))) {
        unverified.put(child, parent);
      }
    });
    return new ReplacedSnapshots(out, unverified, List.copyOf(dirs.keySet()));
  }

  /**
   * What a snapshot's tombstone says: when forgetting first deleted its files, and which rebuilds
   * its entries name as the verified replacement ({@code rebuild}, one id per entry; empty for a
   * tombstone written before forgetting named it).
   */
  private record Tombstone(Instant firstAt, Set<String> rebuilds) {

    /**
     * Whether the rebuild {@code child} of the tombstoned snapshot replaced it: the one the
     * tombstone names; any rebuild when it names none, since such a tombstone cannot tell a
     * failed rebuild from the verified one.
     */
    boolean replacedBy(String child) {
      return rebuilds.isEmpty() || rebuilds.contains(child);
    }

    /** The tombstone in {@code snapshotDir}, or null if there is none. */
    static Tombstone read(Path snapshotDir) throws IOException {
      Path file = snapshotDir.resolve(TOMBSTONE);
      if (!Files.isRegularFile(file)) {
        return null;
      }
      JsonNode history = JSON.readTree(file.toFile());
      Set<String> named = new TreeSet<>();
      if (history != null) {
        for (JsonNode entry : history) {
          JsonNode rebuild = entry.get("rebuild");
          if (rebuild != null && rebuild.isTextual()) {
            named.add(rebuild.asText());
          }
        }
      }
      return new Tombstone(firstAt(history), Set.copyOf(named));
    }

    /** The {@code at} of the first entry, or null if it has none that parses. */
    private static Instant firstAt(JsonNode history) {
      JsonNode at = history == null ? null : history.path(0).get("at");
      if (at == null || !at.isTextual()) {
        return null;
      }
      try {
        return Instant.parse(at.asText());
      } catch (DateTimeParseException ex) {
        return null;
      }
    }
  }

  /**
   * Whether forgetting deleted the shard and member files of the snapshot in {@code snapshotDir}
   * (its {@value #TOMBSTONE} is there): one stat, for callers that need no more than that.
   */
  public static boolean filesDeleted(Path snapshotDir) {
    return Files.exists(snapshotDir.resolve(TOMBSTONE));
  }

  /** The replacement of this snapshot, if forgetting replaced it. */
  public Optional<Replacement> replacement(String snapshot) {
    return Optional.ofNullable(replaced.get(snapshot));
  }

  /**
   * The snapshot this one was built to replace, if it is an unverified rebuild: its original is
   * published in the root without forgetting's tombstone, so the original is still in use.
   */
  public Optional<String> unverifiedRebuildOf(String snapshot) {
    return Optional.ofNullable(unverified.get(snapshot));
  }

  /** Every unverified rebuild (by id) with the snapshot it was built to replace. */
  public Map<String, String> unverifiedRebuilds() {
    return new TreeMap<>(unverified);
  }

  /** The ids of every published snapshot read, sorted. */
  public List<String> published() {
    return published;
  }

  /**
   * Whether this snapshot is neither replaced nor an unverified rebuild (a snapshot the root does
   * not hold counts as in use).
   */
  public boolean inUse(String snapshot) {
    return !replaced.containsKey(snapshot) && !unverified.containsKey(snapshot);
  }

  /**
   * The snapshots in use among {@code published} (catalog entries of one or more roots), in their
   * order, by the same rule as {@link #inUse}: neither tombstoned nor a rebuild of a snapshot
   * published beside it that its tombstone does not name as the replacement (or that has no
   * tombstone). Reads only what the entries already hold, one stat per entry and the tombstones of
   * the originals of rebuilds, for callers that have a catalog open. A tombstone that cannot be
   * parsed names no rebuild here (every rebuild of it counts as in use, as before tombstones named
   * one); {@link #read} reports it as an error.
   */
  public static List<SnapshotCatalog.Entry> inUse(List<SnapshotCatalog.Entry> published) {
    Map<Path, Boolean> tombstoned = new HashMap<>();
    for (SnapshotCatalog.Entry e : published) {
      tombstoned.put(e.directory(), filesDeleted(e.directory()));
    }
    Map<Path, Tombstone> tombstones = new HashMap<>();
    List<SnapshotCatalog.Entry> out = new ArrayList<>();
    for (SnapshotCatalog.Entry e : published) {
      if (tombstoned.get(e.directory())) {
        continue;
      }
      JsonNode rebuildOf = e.manifest() == null ? null : e.manifest().get("rebuild_of");
      if (rebuildOf != null && !rebuildOf.isNull()) {
        Path original = e.directory().resolveSibling(rebuildOf.asText());
        Boolean originalTombstoned = tombstoned.get(original);
        if (originalTombstoned != null && !originalTombstoned) {
          continue; // an unverified rebuild: its original is still in use
        }
        if (originalTombstoned != null) {
          Tombstone t = tombstones.computeIfAbsent(original, ReplacedSnapshots::tombstoneOrNone);
          if (!t.replacedBy(e.snapshot())) {
            continue; // a rebuild whose checks failed before another one replaced the original
          }
        }
      }
      out.add(e);
    }
    return out;
  }

  /** The tombstone in a tombstoned snapshot directory, or one naming no rebuild if it cannot be read. */
  private static Tombstone tombstoneOrNone(Path dir) {
    try {
      Tombstone t = Tombstone.read(dir);
      return t != null ? t : new Tombstone(null, Set.of());
    } catch (IOException e) {
      return new Tombstone(null, Set.of());
    }
  }

  /** Every replacement, by snapshot id. */
  public List<Replacement> all() {
    return new TreeMap<>(replaced).values().stream().toList();
  }
}
