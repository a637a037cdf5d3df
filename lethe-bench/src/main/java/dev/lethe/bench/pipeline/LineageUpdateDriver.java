package dev.lethe.bench.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.LineageIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * What keeping the lineage index current costs per change: on a root of many snapshots (as
 * {@link WhereLatencyDriver} writes them; run that first on the same directory), publishes one
 * snapshot (a copy of the first under a new id, moved in as a build does), waits until its files
 * have settled (the index stores nothing younger), and times the {@link LineageIndex#open} that
 * updates and stores the index; then retires it again and times the same. Prints each time, the
 * median, the size of the index's files, and (after the last publish) {@code where}'s p50/p99 for
 * 100,000 member numbers through the index as stored then. The directory is left as found, but for its
 * {@code .lethe-lineage} index.
 *
 * <p>Run: {@code java -cp lethe-bench/target/lethe-bench.jar
 * dev.lethe.bench.pipeline.LineageUpdateDriver DIR [rounds=5]}
 */
public final class LineageUpdateDriver {

  private LineageUpdateDriver() {}

  /** Longer than the index's settle time (3 s), so that every open after a change stores the index. */
  private static final long SETTLE_MILLIS = 4_000;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    ObjectMapper json = new ObjectMapper();
    try (LineageIndex index = LineageIndex.open(dir)) {
      System.out.printf("%d snapshots; index %s%n", index.snapshots().size(),
          index.rebuilt() ? "read from the files" : "stored and current");
    }
    Thread.sleep(SETTLE_MILLIS);
    try (LineageIndex index = LineageIndex.open(dir)) {
      System.out.printf("settled: index %s, %d KiB on disk%n", index.rebuilt() ? "read from the files" : "stored and current",
          indexBytes(dir) >> 10);
    }
    long[] publish = new long[rounds];
    long[] retire = new long[rounds];
    Path template = dir.resolve(String.format("%032x", 0));
    for (int r = 0; r < rounds; r++) {
      String added = "ffff" + String.format("%028x", r);
      Path staged = dir.resolve(".publishing-" + added);
      Files.createDirectories(staged);
      try (Stream<Path> files = Files.list(template)) {
        for (Path f : files.toList()) {
          Files.copy(f, staged.resolve(f.getFileName()));
        }
      }
      ObjectNode manifest = (ObjectNode) json.readTree(staged.resolve("manifest.json").toFile());
      manifest.put("snapshot", added).put("as_of", Instant.parse("2030-01-01T00:00:00Z").plusSeconds(r).toString());
      json.writeValue(staged.resolve("manifest.json").toFile(), manifest);
      Files.move(staged, dir.resolve(added), StandardCopyOption.ATOMIC_MOVE);
      Thread.sleep(SETTLE_MILLIS);
      publish[r] = timedOpen(dir, "publish " + (r + 1));
      if (r == rounds - 1) {
        queries(dir, "with the published snapshot");
      }
      try (Stream<Path> files = Files.list(dir.resolve(added))) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir.resolve(added));
      Thread.sleep(SETTLE_MILLIS);
      retire[r] = timedOpen(dir, "retire " + (r + 1));
    }
    Arrays.sort(publish);
    Arrays.sort(retire);
    System.out.printf("update after a publish: median %.1f ms; after a retirement: median %.1f ms; index %d KiB on disk%n",
        publish[rounds / 2] / 1e6, retire[rounds / 2] / 1e6, indexBytes(dir) >> 10);
  }

  /** Times an open that finds the root changed: it updates the index and stores it. */
  private static long timedOpen(Path dir, String what) throws Exception {
    long t0 = System.nanoTime();
    try (LineageIndex index = LineageIndex.open(dir)) {
      long t = System.nanoTime() - t0;
      System.out.printf("open after %s: %.1f ms (%d snapshots)%n", what, t / 1e6, index.snapshots().size());
    }
    long t = System.nanoTime() - t0;
    try (LineageIndex index = LineageIndex.open(dir)) {
      if (index.rebuilt()) {
        System.out.printf("  (the update after %s was not stored)%n", what);
      }
    }
    return t;
  }

  /** p50 and p99 of {@code where} for random members, through the index as stored now. */
  private static void queries(Path dir, String when) throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    try (LineageIndex index = LineageIndex.open(dir)) {
      int members = 100_000;
      long hits = 0;
      for (int warm = 0; warm < 2_000; warm++) {
        hits += index.where(random.nextInt(members)).size();
      }
      long[] nanos = new long[20_000];
      for (int q = 0; q < nanos.length; q++) {
        int member = random.nextInt(members);
        long s = System.nanoTime();
        hits += index.where(member).size();
        nanos[q] = System.nanoTime() - s;
      }
      Arrays.sort(nanos);
      System.out.printf("where %s (%s): p50 %.1f µs, p99 %.1f µs over %d queries (%d hits)%n", when,
          index.rebuilt() ? "read from the files" : "stored index", nanos[nanos.length / 2] / 1e3, nanos[nanos.length * 99 / 100] / 1e3,
          nanos.length, hits);
    }
  }

  private static long indexBytes(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve(LineageIndex.DIRECTORY))) {
      long total = 0;
      for (Path f : files.toList()) {
        total += Files.size(f);
      }
      return total;
    }
  }
}
