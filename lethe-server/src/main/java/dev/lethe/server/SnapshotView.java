package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.Deployments;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.pipeline.ManifestReads;
import dev.lethe.pipeline.ReplacedSnapshots;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.store.LedgerStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
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
 * <p>Member lineage and snapshot listings are answered from each root's {@link LineageIndex}, as
 * {@code lethe where} and {@code lethe snapshots} answer them: a few bytes per member instead of
 * every member bitmap of every snapshot in memory. The index is opened as the CLI opens it
 * (checked against every file it was built from, else read from the files and stored; read-only
 * while a recorded snapshot of the root is missing) and kept open between requests while the
 * root's key is unchanged: each snapshot directory's name, modification time and file key, one
 * stat each, as many as the server made before the index. Publishing renames a directory into the
 * root and retiring renames it out (both change the listing); forgetting deletes shard files and
 * creates the {@code FORGOTTEN.json} tombstone, and a shard file deleted or restored by hand adds,
 * removes or replaces an entry of its directory: each changes its directory's time. (A tombstone
 * extended in place by a later forget run changes neither the index nor whether the snapshot is
 * whole.) A time less than {@value
 * #SETTLE_SECONDS} s old could be left as it is by a further change within the file system's
 * timestamp granularity, so such a directory's key also lists its entries (name, size, file key),
 * until a request finds them unchanged once its time is old enough. A file rewritten in place
 * inside a published snapshot (which nothing in Lethe does) is noticed the next time the key
 * changes. The recorded snapshots of a root are checked again whenever its key or the records
 * change.
 *
 * <p>Only the compliance report needs more than the index holds (every member bitmap, to count
 * minors and members without a valid decision, and the manifests' region and redaction figures);
 * it asks {@link #catalogued}, which opens a root's {@link SnapshotCatalog} then, under the same
 * key, and holds it softly so that a server whose report nobody asks for never holds it, and one
 * short of heap may drop it.
 */
final class SnapshotView implements AutoCloseable {

  /**
   * How old a directory's time must be for a change to it to show as a new time: more than any
   * file system's timestamp granularity (FAT's is 2 s), as {@link LineageIndex} waits before it
   * stores an index.
   */
  static final int SETTLE_SECONDS = 3;

  private final LedgerStore store;
  private final Path ownDir;
  /** This deployment's fingerprint, which its snapshots' manifests name; read on first use. */
  private String deployment;
  private final Map<Path, Cached> cache = new HashMap<>();
  private int indexOpens;
  private int catalogOpens;

  /**
   * A root as last read: its key, the records it was checked against and the outcome, its open
   * index, and its catalog once the report asked for it.
   */
  private static final class Cached {
    final List<String> recorded;
    final List<SnapshotRoots.MissingSnapshot> missing;
    final LineageIndex index;
    /**
     * The ids of the root's snapshots another deployment built ({@link Deployments}): their bitmaps
     * number other members, so they are never listed or answered from as ours.
     */
    final Set<String> foreign;
    List<Part> key = List.of();
    Map<String, Part> parts = Map.of();
    SoftReference<SnapshotCatalog> catalog = new SoftReference<>(null);
    /** What forgetting replaced in the root, read on first use under this key. */
    ReplacedSnapshots replaced;

    Cached(List<String> recorded, List<SnapshotRoots.MissingSnapshot> missing, LineageIndex index, Set<String> foreign) {
      this.recorded = recorded;
      this.missing = missing;
      this.index = index;
      this.foreign = Set.copyOf(foreign);
    }

    /** The index's snapshots that are this deployment's. */
    List<LineageIndex.Snapshot> ours() {
      return index.snapshots().stream().filter(s -> !foreign.contains(s.snapshot())).toList();
    }

    /**
     * Records {@code key}, just found to match the files, dropping the entry listings of the
     * directories whose time is now old enough: a change to one of them from now on changes its time.
     */
    void settle(List<Part> key, long settledBefore) {
      List<Part> kept = key.stream()
          .map(p -> p.entries() != null && p.modifiedNanos() < settledBefore ? new Part(p.name(), p.modifiedNanos(), p.fileKey(), null) : p)
          .toList();
      Map<String, Part> byName = new HashMap<>();
      kept.forEach(p -> byName.put(p.name(), p));
      this.key = kept;
      this.parts = byName;
    }
  }

  /**
   * @param store the store keeping the registry of snapshot roots
   * @param ownDir the server's own snapshot directory, covered when it exists
   */
  SnapshotView(LedgerStore store, Path ownDir) {
    this.store = store;
    this.ownDir = ownDir;
  }

  /** A root, its published snapshots (by as-of instant then id), and the recorded snapshots it does not hold whole. */
  record Root(Path root, List<LineageIndex.Snapshot> snapshots, List<SnapshotRoots.MissingSnapshot> missing) {
    Root {
      snapshots = List.copyOf(snapshots);
      missing = List.copyOf(missing);
    }
  }

  /** A published snapshot and the root it was found in. */
  record Located(Path root, LineageIndex.Snapshot snapshot) {}

  /** A snapshot holding a member's records, the shard that does, and the root it was found in. */
  record LocatedHit(Path root, LineageIndex.Hit hit) {}

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
      roots.forEach(r -> r.snapshots().forEach(s -> out.add(new Located(r.root(), s))));
      return out;
    }

    /** The first snapshot with this id in {@link #snapshots} order. */
    Optional<LineageIndex.Snapshot> find(String snapshot) {
      return snapshots().stream().map(Located::snapshot).filter(s -> s.snapshot().equals(snapshot)).findFirst();
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

  /**
   * A member's lineage and what it covers.
   *
   * @param snapshots every root's snapshots and gaps, the same state {@code hits} were read in
   * @param hits the snapshots and shards holding the member, in {@link Snapshots#snapshots} order
   */
  record Lineage(Snapshots snapshots, List<LocatedHit> hits) {
    Lineage {
      hits = List.copyOf(hits);
    }
  }

  /**
   * Every root's snapshots with their member bitmaps, for the compliance report.
   *
   * @param snapshots every root's snapshots and gaps
   * @param entries the catalog entries of the readable roots, in {@link Snapshots#snapshots} order
   */
  record Catalogued(Snapshots snapshots, List<SnapshotCatalog.Entry> entries) {
    Catalogued {
      entries = List.copyOf(entries);
    }
  }

  /** Every root's snapshots as they are now. */
  synchronized Snapshots current() {
    List<Path> all = SnapshotRoots.roots(store, ownDir);
    Map<Path, List<String>> recorded = SnapshotRoots.recordedByRoot(store);
    List<Root> roots = new ArrayList<>();
    List<Path> unreachable = new ArrayList<>();
    for (Path root : all) {
      Cached read = SnapshotRoots.reachable(root) ? read(root, recorded.getOrDefault(root, List.of())) : null;
      if (read != null) {
        roots.add(new Root(root, read.ours(), read.missing));
      } else {
        drop(root);
        unreachable.add(root);
      }
    }
    for (Map.Entry<Path, Cached> e : List.copyOf(cache.entrySet())) {
      if (!all.contains(e.getKey())) {
        drop(e.getKey());
      }
    }
    return new Snapshots(roots, unreachable);
  }

  /**
   * The snapshots and shards holding the member with this dense number, each root's read from its
   * lineage index. A root whose index cannot be read counts as unreachable in the answer.
   */
  synchronized Lineage lineage(int memberNumber) {
    Snapshots current = current();
    List<Root> roots = new ArrayList<>();
    List<Path> unreachable = new ArrayList<>(current.unreachable());
    List<LocatedHit> hits = new ArrayList<>();
    for (Root r : current.roots()) {
      try {
        Cached cached = cache.get(r.root());
        for (LineageIndex.Hit h : cached.index.where(memberNumber)) {
          if (!cached.foreign.contains(h.snapshot().snapshot())) {
            hits.add(new LocatedHit(r.root(), h));
          }
        }
        roots.add(r);
      } catch (IOException e) {
        // A torn or corrupt index: this answer cannot cover the root. The next request opens it
        // again; a stored index corrupt inside stays a gap until the files change or it is deleted.
        drop(r.root());
        unreachable.add(r.root());
      }
    }
    unreachable.sort(null);
    return new Lineage(new Snapshots(roots, unreachable), hits);
  }

  /**
   * Every root's snapshots with their catalogs (opened now if no entry holds one), for the
   * compliance report. A root whose catalog cannot be read counts as unreachable in the answer.
   */
  synchronized Catalogued catalogued() {
    Snapshots current = current();
    List<Root> roots = new ArrayList<>();
    List<Path> unreachable = new ArrayList<>(current.unreachable());
    List<SnapshotCatalog.Entry> entries = new ArrayList<>();
    for (Root r : current.roots()) {
      Cached cached = cache.get(r.root());
      SnapshotCatalog catalog = cached.catalog.get();
      if (catalog == null) {
        try {
          catalog = SnapshotCatalog.open(r.root());
          catalogOpens++;
        } catch (IOException | UncheckedIOException e) {
          drop(r.root());
          unreachable.add(r.root());
          continue;
        }
        cached.catalog = new SoftReference<>(catalog);
      }
      List<SnapshotCatalog.Entry> ours = catalog.snapshots().stream().filter(e -> !cached.foreign.contains(e.snapshot())).toList();
      entries.addAll(ours);
      // The catalog was read after the index: list what it holds, so the figures and the listing agree.
      roots.add(new Root(r.root(), ours.stream().map(SnapshotView::listed).toList(), r.missing()));
    }
    unreachable.sort(null);
    return new Catalogued(new Snapshots(roots, unreachable), entries);
  }

  /**
   * What forgetting replaced in each readable root of {@code current} ({@link ReplacedSnapshots}),
   * read once per root key: a rebuild published or a tombstone written changes its directory, and
   * so the key. A root dropped since {@code current} was read is read afresh.
   *
   * @throws UncheckedIOException if a root's manifests or tombstones cannot be read
   */
  synchronized Map<Path, ReplacedSnapshots> replaced(Snapshots current) {
    Map<Path, ReplacedSnapshots> out = new LinkedHashMap<>();
    for (Root r : current.roots()) {
      Cached cached = cache.get(r.root());
      try {
        ReplacedSnapshots replaced = cached != null && cached.replaced != null ? cached.replaced : ReplacedSnapshots.read(r.root());
        if (cached != null) {
          cached.replaced = replaced;
        }
        out.put(r.root(), replaced);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** How many times a lineage index was opened (checked or rebuilt) since the view was made. */
  synchronized int indexOpens() {
    return indexOpens;
  }

  /** How many times a snapshot catalog (every member bitmap) was read since the view was made. */
  synchronized int catalogOpens() {
    return catalogOpens;
  }

  /** Closes every open index. The view may still be used; it opens them again. */
  @Override
  public synchronized void close() {
    for (Path root : List.copyOf(cache.keySet())) {
      drop(root);
    }
  }

  /** The root's entry, read again if its key or records changed, or null if it could not be listed or read (it counts as unreachable then). */
  private Cached read(Path root, List<String> recordedIds) {
    long settledBefore = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
    try {
      Cached cached = cache.get(root);
      List<Part> key = key(root, cached == null ? Map.of() : cached.parts, settledBefore);
      boolean sameFiles = cached != null && cached.key.equals(key);
      if (sameFiles && cached.recorded.equals(recordedIds)) {
        cached.settle(key, settledBefore);
        return cached;
      }
      // One read of each manifest serves both checks.
      ManifestReads manifests = new ManifestReads();
      List<SnapshotRoots.MissingSnapshot> missing = new ArrayList<>(SnapshotRoots.missing(root, recordedIds, manifests));
      Set<String> foreign = new TreeSet<>();
      SnapshotRoots.foreign(root, recordedIds, deployment(), manifests, missing).forEach(f -> foreign.add(f.snapshot()));
      LineageIndex index;
      if (sameFiles) {
        // Only the records changed: the files, and so the index, are as they were.
        index = cached.index;
        cache.remove(root);
      } else {
        drop(root);
        // As the CLI opens it: a root lacking a recorded snapshot may be an unmounted volume's
        // mount point, where nothing is written.
        index = missing.isEmpty() ? LineageIndex.open(root) : LineageIndex.openReadOnly(root);
        indexOpens++;
      }
      Cached fresh = new Cached(recordedIds, missing, index, foreign);
      fresh.settle(key, settledBefore);
      if (sameFiles) {
        fresh.catalog = cached.catalog;
        fresh.replaced = cached.replaced;
      }
      cache.put(root, fresh);
      return fresh;
    } catch (IOException | UncheckedIOException e) {
      drop(root);
      return null;
    }
  }

  private String deployment() {
    if (deployment == null) {
      deployment = Deployments.of(store);
    }
    return deployment;
  }

  /** Forgets a root's entry and closes its index. */
  private void drop(Path root) {
    Cached gone = cache.remove(root);
    if (gone != null) {
      try {
        gone.index.close();
      } catch (IOException e) {
        // Only a read-only file handle is released: nothing is lost.
      }
    }
  }

  /**
   * One visible entry of a root as its key records it: its name, modification time and file key,
   * and, for a directory whose time is too recent to rely on (or was when last recorded), each of
   * its entries' name, size and file key; else null.
   */
  private record Part(String name, long modifiedNanos, String fileKey, List<String> entries) {}

  /**
   * The root's key now: a part per visible entry, by name. {@code before} (the parts last
   * recorded, by name) says which directories' entries must be listed although their time is
   * old now: a change made after they were recorded, within their time's granularity, shows only
   * there.
   */
  private static List<Part> key(Path root, Map<String, Part> before, long settledBefore) throws IOException {
    List<Path> visible;
    try (Stream<Path> s = Files.list(root)) {
      visible = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    List<Part> parts = new ArrayList<>(visible.size());
    for (Path p : visible) {
      String name = p.getFileName().toString();
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        long modified = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        Part old = before.get(name);
        boolean listEntries = a.isDirectory() && (modified >= settledBefore || old != null && old.entries() != null);
        parts.add(new Part(name, modified, String.valueOf(a.fileKey()), listEntries ? entries(p) : null));
      } catch (IOException e) {
        // Deleted or replaced while listed: a part no later key equals, so the next request reads it again.
        parts.add(new Part(name, Long.MAX_VALUE, "?" + System.nanoTime(), null));
      }
    }
    return parts;
  }

  /** Each entry of a directory as {@code name/size/fileKey}, sorted; a symbolic link as itself. */
  private static List<String> entries(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.list(dir)) {
      all = s.toList();
    }
    List<String> out = new ArrayList<>(all.size());
    for (Path p : all) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      out.add(p.getFileName() + "/" + a.size() + "/" + a.fileKey());
    }
    out.sort(null);
    return out;
  }

  /** A catalog entry as the index lists a snapshot. */
  private static LineageIndex.Snapshot listed(SnapshotCatalog.Entry e) {
    return new LineageIndex.Snapshot(e.snapshot(), e.directory(), e.purpose(), e.asOf(), e.policyVersion(), e.included(),
        e.excluded(), e.shards().size(), e.union().getLongCardinality());
  }
}
