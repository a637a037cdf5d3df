package dev.lethe.bench.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.pipeline.SnapshotCatalog;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.roaringbitmap.RoaringBitmap;

/**
 * The "where is my data?" query over many snapshots: writes {@code snapshots} snapshot
 * directories (manifests and member bitmaps of {@code members} members in 16 shards, each
 * snapshot holding a random 60% of them), opens the catalog, and times {@code where} for random
 * members; then the same through the root's {@link LineageIndex}, as {@code lethe where} asks it.
 * Prints open times, p50/p99 latency and the catalog's heap. The index is stored only once the
 * files are a few seconds old, so a first run on a fresh directory reads the files each time.
 * Then publishes one more snapshot (a copy of the first under a new id, moved in as a build does)
 * and retires it again, timing the first open and query after each: the index is read from the
 * files then. The directory is left as found, but for its {@code .lethe-lineage} index.
 *
 * <p>Run: {@code java -cp lethe-bench/target/lethe-bench.jar
 * dev.lethe.bench.pipeline.WhereLatencyDriver DIR [snapshots=1000] [members=100000]}
 */
public final class WhereLatencyDriver {

  private WhereLatencyDriver() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int snapshots = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int members = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    int shards = 16;
    ObjectMapper json = new ObjectMapper();
    SplittableRandom random = new SplittableRandom(5);
    Files.createDirectories(dir);
    for (int s = 0; s < snapshots; s++) {
      String id = String.format("%032x", s);
      Path snap = dir.resolve(id);
      if (Files.exists(snap.resolve("manifest.json"))) {
        continue;
      }
      Files.createDirectories(snap);
      RoaringBitmap[] bitmaps = new RoaringBitmap[shards];
      for (int i = 0; i < shards; i++) {
        bitmaps[i] = new RoaringBitmap();
      }
      for (int m = 0; m < members; m++) {
        if (random.nextInt(10) < 6) {
          bitmaps[Integer.hashCode(m * 31 + 7) % shards].add(m);
        }
      }
      ObjectNode manifest = json.createObjectNode();
      manifest.put("snapshot", id).put("purpose", "genai-training")
          .put("as_of", Instant.parse("2024-01-01T00:00:00Z").plusSeconds(3600L * s).toString())
          .put("policy_version", "v1").put("included", 0).put("excluded_total", 0);
      ArrayNode list = manifest.putArray("shards");
      for (int i = 0; i < shards; i++) {
        String file = String.format("members-%05d.roaring", i);
        bitmaps[i].runOptimize();
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(snap.resolve(file)))) {
          bitmaps[i].serialize(out);
        }
        list.addObject().put("shard", i).put("members_file", file);
      }
      json.writeValue(snap.resolve("manifest.json").toFile(), manifest);
    }
    long t0 = System.nanoTime();
    SnapshotCatalog catalog = SnapshotCatalog.open(dir);
    long t1 = System.nanoTime();
    System.gc();
    long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    System.out.printf("catalog of %d snapshots (%d members, %d shards each) opened in %.2f s, ~%d MiB heap%n",
        catalog.snapshots().size(), members, shards, (t1 - t0) / 1e9, heap >> 20);
    int queries = 20_000;
    long hits = 0;
    for (int warm = 0; warm < 2_000; warm++) {
      hits += catalog.where(random.nextInt(members)).size();
    }
    long[] nanos = new long[queries];
    for (int q = 0; q < queries; q++) {
      int member = random.nextInt(members);
      long s = System.nanoTime();
      hits += catalog.where(member).size();
      nanos[q] = System.nanoTime() - s;
    }
    report("where (catalog in memory)", nanos, hits);

    // What `lethe where` does: open the root's lineage index (read from the files and stored the
    // first time; checked against the files after that), then one query.
    for (int open = 0; open < 3; open++) {
      long o0 = System.nanoTime();
      try (LineageIndex index = LineageIndex.open(dir)) {
        long o1 = System.nanoTime();
        System.out.printf("lineage index open %d: %.1f ms (%s)%n", open + 1, (o1 - o0) / 1e6,
            index.rebuilt() ? "read from the snapshot files" : "stored index, every file checked unchanged");
      }
    }
    try (LineageIndex index = LineageIndex.open(dir)) {
      hits = 0;
      for (int warm = 0; warm < 2_000; warm++) {
        hits += index.where(random.nextInt(members)).size();
      }
      hits = 0;
      for (int q = 0; q < queries; q++) {
        int member = random.nextInt(members);
        long s = System.nanoTime();
        hits += index.where(member).size();
        nanos[q] = System.nanoTime() - s;
      }
      report("where (lineage index)", nanos, hits);
    }

    // What a build's publish and a retirement do to the next `lethe where`: the index is read
    // again from the files (and not stored until the new files are a few seconds old).
    String added = "ffff" + String.format("%028x", System.nanoTime() & 0xffffffffffffL);
    Path staged = dir.resolve(".publishing-" + added);
    Files.createDirectories(staged);
    Path template = dir.resolve(String.format("%032x", 0));
    try (Stream<Path> files = Files.list(template)) {
      for (Path f : files.toList()) {
        Files.copy(f, staged.resolve(f.getFileName()));
      }
    }
    ObjectNode manifest = (ObjectNode) json.readTree(staged.resolve("manifest.json").toFile());
    manifest.put("snapshot", added).put("as_of", Instant.parse("2030-01-01T00:00:00Z").toString());
    json.writeValue(staged.resolve("manifest.json").toFile(), manifest);
    Files.move(staged, dir.resolve(added), StandardCopyOption.ATOMIC_MOVE);
    firstWhere("after a publish", dir, random.nextInt(members));
    try (Stream<Path> files = Files.list(dir.resolve(added))) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir.resolve(added));
    firstWhere("after a retirement", dir, random.nextInt(members));
    System.out.printf("load average at end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
  }

  private static void firstWhere(String when, Path dir, int member) throws Exception {
    long t0 = System.nanoTime();
    try (LineageIndex index = LineageIndex.open(dir)) {
      long t1 = System.nanoTime();
      int hits = index.where(member).size();
      long t2 = System.nanoTime();
      System.out.printf("first where %s: open %.1f ms (%s), then the query %.2f ms (%d hits)%n", when, (t1 - t0) / 1e6,
          index.rebuilt() ? "read from the snapshot files" : "stored index", (t2 - t1) / 1e6, hits);
    }
  }

  private static void report(String what, long[] nanos, long hits) {
    Arrays.sort(nanos);
    int queries = nanos.length;
    System.out.printf("%s: p50 %.1f µs, p99 %.1f µs, max %.1f µs over %d queries (%d hits)%n",
        what, nanos[queries / 2] / 1e3, nanos[queries * 99 / 100] / 1e3, nanos[queries - 1] / 1e3, queries, hits);
  }
}
