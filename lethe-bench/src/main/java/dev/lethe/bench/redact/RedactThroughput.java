package dev.lethe.bench.redact;

import dev.lethe.bench.text.SocialPosts;
import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.NameDigest;
import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.MemberDirectory;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.redact.Redactor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * End-to-end redaction throughput: redacts {@link SocialPosts} (real token frequencies, varied names
 * and personal data, so per-word caches hit no more often than on real text) with every detector
 * on, first on one thread (MB/s per core, by wall clock and by the thread's CPU time, which a busy
 * machine disturbs less), then on all cores. Posts are generated in chunks outside the timed part, so any volume
 * fits in a small heap. Usage: {@code java -cp lethe-bench.jar
 * dev.lethe.bench.redact.RedactThroughput [MB] [--rules-only] [--one-thread] [--pool N] [--members N]
 * [--erased N]}.
 *
 * <p>{@code --members N} adds a member directory of N display names, {@code --erased N} one of N
 * erased members' name digests (lethe-core's {@code NameDigest}); the names are pairs and triples
 * of capitalised words that follow each other in posts of another seed, so some of them occur in
 * the timed posts, as members' names do. Without them the directory is empty.
 *
 * <p>{@code --pool N} is a diagnostic, not the benchmark: it redacts the same N posts over and
 * over, so with a small pool every word the detectors look up stays in the processor's caches. The
 * gap between that figure and the benchmark's is what memory waits cost; what remains is the
 * instructions themselves.
 */
public final class RedactThroughput {
  private static final int CHUNK = 10_000;

  private RedactThroughput() {}

  public static void main(String[] args) throws Exception {
    double mb = args.length > 0 ? Double.parseDouble(args[0]) : 20;
    boolean rulesOnly = List.of(args).contains("--rules-only");
    boolean oneThread = List.of(args).contains("--one-thread");
    int pool = List.of(args).indexOf("--pool");
    List<String> repeated = pool < 0 ? List.of() : posts(SocialPosts.create(42), Integer.parseInt(args[pool + 1]));
    Detector detector = rulesOnly ? Detector.of(EnumSet.allOf(EntityType.class), false) : Detector.standard();
    Redactor redactor = Redactor.create(detector, RedactionPolicy.pseudonymousPeople(),
        "benchmark-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    int members = option(args, "--members");
    int erased = option(args, "--erased");
    DetectionContext context = directory(members, erased);
    long target = (long) (mb * 1_000_000);
    // Warm-up: let the JIT compile the hot paths before timing.
    SocialPosts warm = SocialPosts.create(7);
    for (int i = 0; i < 20_000; i++) {
      redactor.redact(warm.next(), context);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    SocialPosts gen = SocialPosts.create(42);
    long bytes = 0;
    long posts = 0;
    long nanos = 0;
    long cpu = 0;
    long sink = 0;
    List<String> chunk = new ArrayList<>(CHUNK);
    while (bytes < target) {
      chunk.clear();
      for (int i = 0; i < CHUNK && bytes < target; i++) {
        String p = repeated.isEmpty() ? gen.next() : repeated.get((int) ((posts + i) % repeated.size()));
        chunk.add(p);
        bytes += p.getBytes(StandardCharsets.UTF_8).length;
      }
      posts += chunk.size();
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (String p : chunk) {
        sink += redactor.redact(p, context).text().length();
      }
      nanos += System.nanoTime() - t0;
      cpu += mx.getCurrentThreadCpuTime() - c0;
    }
    double one = nanos / 1e9;
    double oneCpu = cpu / 1e9;
    System.out.printf(Locale.ROOT, "%s%s: %d posts%s, %.1f MB UTF-8%n",
        rulesOnly ? "rules only (no statistical name finder)" : "all detectors",
        members + erased == 0 ? "" : ", directory of " + members + " names and " + erased + " erased-name digests", posts,
        repeated.isEmpty() ? "" : " (the same " + repeated.size() + " over and over)", bytes / 1e6);
    System.out.printf(Locale.ROOT, "1 thread: %.1f s, %.2f MB/s per core; %.1f CPU s, %.2f MB per CPU second%n",
        one, bytes / 1e6 / one, oneCpu, bytes / 1e6 / oneCpu);
    if (!oneThread) {
      sink += allCores(redactor, context, Math.min(target, 50_000_000));
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  private static int option(String[] args, String name) {
    int at = List.of(args).indexOf(name);
    return at < 0 ? 0 : Integer.parseInt(args[at + 1]);
  }

  /** A context whose directory holds {@code members} names and {@code erased} erased-name digests. */
  private static DetectionContext directory(int members, int erased) {
    if (members + erased == 0) {
      return DetectionContext.none();
    }
    List<String> all = DirectoryThroughput.names(members + erased);
    ErasedNameKey key = ErasedNameKey.derive("benchmark-deployment-secret".getBytes(StandardCharsets.UTF_8));
    List<NameDigest> digests = new ArrayList<>();
    for (String name : all.subList(members, all.size())) {
      key.digest(name).ifPresent(digests::add);
    }
    return DetectionContext.none().withDirectory(MemberDirectory.of(all.subList(0, members), key, digests));
  }

  private static List<String> posts(SocialPosts gen, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("--pool needs at least one post: " + n);
    }
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(gen.next());
    }
    return out;
  }

  /** Redacts up to {@code target} bytes of posts on every core; prints the total rate. */
  private static long allCores(Redactor redactor, DetectionContext context, long target) throws Exception {
    SocialPosts gen = SocialPosts.create(43);
    List<String> posts = new ArrayList<>();
    long bytes = 0;
    while (bytes < target) {
      String p = gen.next();
      posts.add(p);
      bytes += p.getBytes(StandardCharsets.UTF_8).length;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(cores);
    long t1 = System.nanoTime();
    List<Future<Long>> parts = new ArrayList<>();
    for (int c = 0; c < cores; c++) {
      int from = c;
      parts.add(pool.submit(() -> {
        long s = 0;
        for (int i = from; i < posts.size(); i += cores) {
          s += redactor.redact(posts.get(i), context).text().length();
        }
        return s;
      }));
    }
    long sink = 0;
    for (Future<Long> f : parts) {
      sink += f.get();
    }
    double all = (System.nanoTime() - t1) / 1e9;
    pool.shutdown();
    System.out.printf(Locale.ROOT, "%d threads: %.1f MB, %.1f s, %.2f MB/s total, %.2f MB/s per core%n",
        cores, bytes / 1e6, all, bytes / 1e6 / all, bytes / 1e6 / all / cores);
    return sink;
  }
}
