package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.store.LedgerStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The published snapshots of every snapshot root ({@link SnapshotRoots}): each directory a build
 * registered in the store, and the server's own snapshot directory when it exists — the same
 * roots the CLI's {@code where} and the forget job cover.
 *
 * <p>A registered root that is missing or cannot be read is reported in {@link
 * Snapshots#unreachable}, never treated as empty: a member told "your data is in no snapshot"
 * while a root could not be read would be a false all-clear. Likewise a snapshot the store
 * recorded a build publishing in a readable root that the root does not hold whole (an empty
 * mount point, a partial restore, a snapshot deleted by hand) is reported in {@link
 * Snapshots#missing}.
 *
 * <p>Each root's catalog is reopened only when the set of published snapshot directories in it
 * changed or a snapshot was retired. Snapshots are published atomically and never rewritten in
 * place; the one change inside a published snapshot is its retirement after a verified
 * forgetting, which deletes its shard files and then writes (or extends) its {@code
 * FORGOTTEN.json} tombstone — so the listing plus each tombstone's size is a sufficient key. The
 * recorded snapshots of a root are checked again whenever that key or the records change.
 */
final class SnapshotView {

  private final LedgerStore store;
  private final Path ownDir;
  private final Map<Path, Cached> cache = new HashMap<>();

  private record Cached(List<String> listing, List<String> recorded, SnapshotCatalog catalog,
      List<SnapshotRoots.MissingSnapshot> missing) {}

  /**
   * @param store the store keeping the registry of snapshot roots
   * @param ownDir the server's own snapshot directory, covered when it exists
   */
  SnapshotView(LedgerStore store, Path ownDir) {
    this.store = store;
    this.ownDir = ownDir;
  }

  /** A root, its published snapshots, and the recorded snapshots it does not hold whole. */
  record Root(Path root, SnapshotCatalog catalog, List<SnapshotRoots.MissingSnapshot> missing) {}

  /** A published snapshot and the root it was found in. */
  record Located(Path root, SnapshotCatalog.Entry entry) {}

  /** A snapshot holding a member's records, its shards that do, and the root it was found in. */
  record LocatedHit(Path root, SnapshotCatalog.Hit hit) {}

  /**
   * What every root holds now.
   *
   * @param roots the readable roots, sorted by path
   * @param unreachable the roots that are missing or could not be read, sorted by path; when not
   *     empty, every answer drawn from {@code roots} is incomplete and must say so
   */
  record Snapshots(List<Root> roots, List<Path> unreachable) {
    Snapshots {
      roots = List.copyOf(roots);
      unreachable = List.copyOf(unreachable);
    }

    /** The recorded snapshots the readable roots do not hold whole, by root then id; each makes answers incomplete. */
    List<SnapshotRoots.MissingSnapshot> missing() {
      List<SnapshotRoots.MissingSnapshot> out = new ArrayList<>();
      roots.forEach(r -> out.addAll(r.missing()));
      return out;
    }

    boolean complete() {
      return unreachable.isEmpty() && missing().isEmpty();
    }

    /** Every snapshot, root by root (sorted by path), each root's by as-of instant then id. */
    List<Located> snapshots() {
      List<Located> out = new ArrayList<>();
      roots.forEach(r -> r.catalog().snapshots().forEach(e -> out.add(new Located(r.root(), e))));
      return out;
    }

    /** The snapshots and shards holding the member with this dense number, in {@link #snapshots} order. */
    List<LocatedHit> where(int memberNumber) {
      List<LocatedHit> out = new ArrayList<>();
      roots.forEach(r -> r.catalog().where(memberNumber).forEach(h -> out.add(new LocatedHit(r.root(), h))));
      return out;
    }

    /** The first snapshot with this id in {@link #snapshots} order. */
    Optional<SnapshotCatalog.Entry> find(String snapshot) {
      return snapshots().stream().map(Located::entry).filter(e -> e.snapshot().equals(snapshot)).findFirst();
    }

    /** How many roots could not be read. */
    int unreachableCount() {
      return unreachable.size();
    }

    /** How many recorded snapshots the readable roots do not hold whole. */
    int missingCount() {
      return missing().size();
    }

    /** What an operator reads about the gaps: the unreadable roots, then the missing snapshots. */
    String describeGaps() {
      List<String> parts = new ArrayList<>();
      unreachable.forEach(root -> parts.add("snapshot root " + root + " is missing or unreadable"));
      missing().forEach(m -> parts.add(m.describe()));
      return String.join("; ", parts);
    }

    /**
     * Adds {@code complete}, {@code unreachable_roots} and {@code missing_snapshots} (always
     * present, so a client cannot miss them). For the auditor's views only: they name paths.
     */
    ObjectNode putCoverage(ObjectNode o) {
      o.put("complete", complete());
      ArrayNode gaps = o.putArray("unreachable_roots");
      unreachable.forEach(root -> gaps.add(root.toString()));
      ArrayNode lost = o.putArray("missing_snapshots");
      missing().forEach(m -> lost.addObject().put("snapshot", m.snapshot()).put("root", m.root().toString()).put("problem", m.problem()));
      return o;
    }
  }

  /** Every root's snapshots as they are now. */
  synchronized Snapshots current() {
    List<Path> all = SnapshotRoots.roots(store, ownDir);
    Map<Path, List<String>> recorded = SnapshotRoots.recordedByRoot(store);
    List<Root> roots = new ArrayList<>();
    List<Path> unreachable = new ArrayList<>();
    for (Path root : all) {
      Optional<Root> read = SnapshotRoots.reachable(root) ? read(root, recorded.getOrDefault(root, List.of())) : Optional.empty();
      if (read.isPresent()) {
        roots.add(read.get());
      } else {
        unreachable.add(root);
      }
    }
    cache.keySet().retainAll(all);
    return new Snapshots(roots, unreachable);
  }

  /** The root's catalog and missing snapshots, or empty if it could not be listed or read (it counts as unreachable then). */
  private Optional<Root> read(Path root, List<String> recordedIds) {
    try {
      List<String> listing;
      try (Stream<Path> s = Files.list(root)) {
        listing = s.filter(p -> !p.getFileName().toString().startsWith(".")).map(SnapshotView::key).sorted().toList();
      }
      Cached cached = cache.get(root);
      if (cached == null || !cached.listing().equals(listing) || !cached.recorded().equals(recordedIds)) {
        SnapshotCatalog catalog = cached != null && cached.listing().equals(listing) ? cached.catalog() : SnapshotCatalog.open(root);
        cached = new Cached(listing, recordedIds, catalog, SnapshotRoots.missing(root, recordedIds));
        cache.put(root, cached);
      }
      return Optional.of(new Root(root, cached.catalog(), cached.missing()));
    } catch (IOException | UncheckedIOException e) {
      cache.remove(root);
      return Optional.empty();
    }
  }

  private static String key(Path snapshot) {
    Path tombstone = snapshot.resolve("FORGOTTEN.json");
    try {
      return snapshot.getFileName() + "/" + (Files.isRegularFile(tombstone) ? Files.size(tombstone) : -1);
    } catch (IOException e) {
      return snapshot.getFileName() + "/?"; // deleted while listing: the next request sees the outcome
    }
  }
}
