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
 * members' commitments, the files removed). A snapshot is <em>replaced</em> when a rebuild in the
 * same root names it or it has a tombstone (its rebuild may have been replaced in turn, or deleted
 * by hand); every other published snapshot is in use. A rebuild whose checks failed replaces the
 * snapshot without a tombstone: forgetting kept its files, and the forget request says it failed.
 *
 * <p>Immutable once read.
 */
public final class ReplacedSnapshots {

  /** The tombstone forgetting writes into a snapshot whose files it deleted. */
  public static final String TOMBSTONE = "FORGOTTEN.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Replacement> replaced;

  private ReplacedSnapshots(Map<String, Replacement> replaced) {
    this.replaced = replaced;
  }

  /**
   * A snapshot forgetting replaced.
   *
   * @param snapshot the replaced snapshot's id
   * @param replacedBy the snapshots in the same root whose manifests say they rebuild it, sorted;
   *     empty when they were deleted since
   * @param at when forgetting deleted its files (its tombstone's first entry), or null when it has
   *     no tombstone or the tombstone does not say
   * @param filesDeleted whether it has a tombstone: forgetting deleted its shard and member files
   */
  public record Replacement(String snapshot, List<String> replacedBy, Instant at, boolean filesDeleted) {
    public Replacement {
      replacedBy = List.copyOf(replacedBy);
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
    Map<String, Path> dirs = new TreeMap<>();
    Map<String, String> rebuildOf = new HashMap<>();
    if (Files.isDirectory(root)) {
      for (Path dir : SnapshotFiles.snapshotDirectories(root)) {
        Path manifest = dir.resolve(SnapshotFiles.MANIFEST);
        if (Files.isRegularFile(manifest)) {
          JsonNode m = JSON.readTree(manifest.toFile());
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
    for (Map.Entry<String, Path> e : dirs.entrySet()) {
      Path tombstone = e.getValue().resolve(TOMBSTONE);
      boolean deleted = filesDeleted(e.getValue());
      TreeSet<String> by = rebuilds.get(e.getKey());
      if (deleted || by != null) {
        out.put(e.getKey(), new Replacement(e.getKey(), by == null ? List.of() : new ArrayList<>(by),
            deleted ? firstAt(tombstone) : null, deleted));
      }
    }
    return new ReplacedSnapshots(out);
  }

  /** The {@code at} of a tombstone's first entry, or null if it has none that parses. */
  private static Instant firstAt(Path tombstone) throws IOException {
    if (!Files.isRegularFile(tombstone)) {
      return null;
    }
    JsonNode history = JSON.readTree(tombstone.toFile());
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

  /** Whether this snapshot is not replaced (a snapshot the root does not hold counts as in use). */
  public boolean inUse(String snapshot) {
    return !replaced.containsKey(snapshot);
  }

  /** Every replacement, by snapshot id. */
  public List<Replacement> all() {
    return new TreeMap<>(replaced).values().stream().toList();
  }
}
