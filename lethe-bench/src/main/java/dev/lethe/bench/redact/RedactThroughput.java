package dev.lethe.bench.redact;

import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.redact.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * End-to-end redaction throughput: redacts synthetic posts with every detector on, first on one
 * thread (KB/s per core), then on all cores. Usage:
 * {@code java -cp lethe-bench.jar dev.lethe.bench.redact.RedactThroughput [MB] [--rules-only]}.
 */
public final class RedactThroughput {
  private RedactThroughput() {}

  public static void main(String[] args) throws Exception {
    double mb = args.length > 0 ? Double.parseDouble(args[0]) : 20;
    boolean rulesOnly = List.of(args).contains("--rules-only");
    Detector detector = rulesOnly ? Detector.of(EnumSet.allOf(EntityType.class), false) : Detector.standard();
    Redactor redactor = Redactor.create(detector, RedactionPolicy.pseudonymousPeople(),
        "benchmark-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    SyntheticPosts gen = new SyntheticPosts(42);
    List<String> posts = new ArrayList<>();
    long bytes = 0;
    while (bytes < mb * 1_000_000) {
      String p = gen.next();
      posts.add(p);
      bytes += p.getBytes(StandardCharsets.UTF_8).length;
    }
    // Warm-up: let the JIT compile the hot paths before timing.
    for (int i = 0; i < Math.min(posts.size(), 20_000); i++) {
      redactor.redact(posts.get(i), DetectionContext.none());
    }
    long t0 = System.nanoTime();
    long sink = 0;
    for (String p : posts) {
      sink += redactor.redact(p, DetectionContext.none()).text().length();
    }
    double one = (System.nanoTime() - t0) / 1e9;
    int cores = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(cores);
    long t1 = System.nanoTime();
    List<Future<Long>> parts = new ArrayList<>();
    for (int c = 0; c < cores; c++) {
      int from = c;
      parts.add(pool.submit(() -> {
        long s = 0;
        for (int i = from; i < posts.size(); i += cores) {
          s += redactor.redact(posts.get(i), DetectionContext.none()).text().length();
        }
        return s;
      }));
    }
    for (Future<Long> f : parts) {
      sink += f.get();
    }
    double all = (System.nanoTime() - t1) / 1e9;
    pool.shutdown();
    System.out.printf(Locale.ROOT, "%s: %d posts, %.1f MB UTF-8%n",
        rulesOnly ? "rules only (no statistical name finder)" : "all detectors", posts.size(), bytes / 1e6);
    System.out.printf(Locale.ROOT, "1 thread: %.1f s, %.0f KB/s per core%n", one, bytes / 1e3 / one);
    System.out.printf(Locale.ROOT, "%d threads: %.1f s, %.0f KB/s total, %.0f KB/s per core%n",
        cores, all, bytes / 1e3 / all, bytes / 1e3 / all / cores);
    if (sink == 42) {
      System.out.println();
    }
  }
}
