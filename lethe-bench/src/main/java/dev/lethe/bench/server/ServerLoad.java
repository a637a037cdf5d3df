package dev.lethe.bench.server;

import dev.lethe.server.LetheServer;
import dev.lethe.server.Principal;
import dev.lethe.server.ServerConfig;
import dev.lethe.server.Tokens;
import dev.lethe.store.Append;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load against {@code lethe serve} on a real PostgreSQL (embedded binaries), on
 * loopback only: settings reads ({@code GET /v1/members/{id}/settings}) and writes ({@code PUT
 * .../settings/genai-training}) mixed 4:1, each from a member's own bearer token, at fixed target
 * rates. Requests are sent on schedule whether or not earlier ones returned, and latency is
 * measured from each request's scheduled instant, so a stalled server shows as latency rather
 * than as a lower send rate (no coordinated omission). Bounded in time: warm-up plus a fixed
 * measurement window per rate, then it stops.
 *
 * <p>Usage: {@code ServerLoad [members=2000] [seconds=20] [rates=500,1000] [writeEvery=5]
 * [synchronousCommit=on]}: every {@code writeEvery}-th request is a write (0: reads only; -1: the
 * baseline, {@code GET /.well-known/gpc.json}, which touches neither tokens nor the database, so
 * it shows what the machine, Jetty and this driver alone allow).
 * PostgreSQL runs with {@code synchronous_commit=on} (its own default, and what makes an
 * acknowledged append durable); the embedded binaries' builder would otherwise turn it off.
 */
public final class ServerLoad {

  private ServerLoad() {}

  public static void main(String[] args) throws Exception {
    // On 2 cores the common pool has parallelism 1, and then every CompletableFuture async step
    // without an executor (the HttpClient completes each response body with one) starts a new
    // thread: 22,000 threads in one run, all charged to the box the server shares. Set before
    // CompletableFuture is first used; a value given on the command line wins.
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
      System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
    }
    int members = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int[] rates = Arrays.stream((args.length > 2 ? args[2] : "500,1000").split(",")).mapToInt(Integer::parseInt).toArray();
    int writeEvery = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    String synchronousCommit = args.length > 4 ? args[4] : "on";
    Path keys = Files.createTempDirectory("lethe-load");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", synchronousCommit).start()) {
      try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE load");
      }
      Clock clock = Clock.systemUTC();
      try (LedgerStore store = LedgerStore.open(StoreConfig.database(pg.getJdbcUrl("postgres", "load"), keys).withClock(clock))) {
        seed(store, members);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Tokens tokens = Tokens.hs256(secret, clock);
        try (LetheServer server = LetheServer.start(ServerConfig.builder(store, tokens, keys).clock(clock).port(0).build())) {
          String base = "http://127.0.0.1:" + server.port();
          List<String> bearer = new ArrayList<>(members);
          for (int i = 0; i < members; i++) {
            bearer.add(tokens.issue(Principal.member("m" + i), Duration.ofHours(2)));
          }
          System.out.printf("lethe-server load: PostgreSQL 16 (embedded, synchronous_commit=%s), %d members, %s, %d s per rate%n",
              synchronousCommit, members, writeEvery < 0 ? "baseline: GET /.well-known/gpc.json (no token check, no database)"
              : writeEvery == 0 ? "settings reads only" : "1 settings write per " + writeEvery + " requests", seconds);
          for (int rate : rates) {
            // 10 s of warm-up: with 5 s the first rate still paid for JIT compilation (20 s of CPU in a
            // 15 s window at 500 req/s, against 15 s at 1,000 req/s right after).
            run(base, bearer, rate, Math.min(10, seconds), false, writeEvery);
            run(base, bearer, rate, seconds, true, writeEvery);
          }
        }
      }
    }
  }

  private static void seed(LedgerStore store, int members) throws Exception {
    List<Append> batch = new ArrayList<>();
    batch.add(Append.of("{\"type\":\"policy.published\",\"at\":\"2025-01-01T00:00:00Z\",\"policy\":{\"version\":\"load\","
        + "\"effective\":\"2025-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"FR\",\"DE\"]},\"purposes\":{"
        + "\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
        + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}},"
        + "\"personalization\":{\"title\":\"Personalization\",\"default\":\"opt-out\",\"min_age\":0,\"honor_gpc\":false,"
        + "\"objectable\":true,\"content_kinds\":[\"post\"],\"visibility\":[\"public\"]}}}}"));
    for (int i = 0; i < members; i++) {
      String country = i % 5 == 0 ? "FR" : "US";
      batch.add(Append.of("{\"type\":\"member.registered\",\"at\":\"2025-01-02T00:00:00Z\",\"member\":\"m" + i
          + "\",\"country\":\"" + country + "\",\"birth_date\":\"1990-01-01\"}"));
      batch.add(Append.of("{\"type\":\"notice.sent\",\"at\":\"2025-01-03T00:00:00Z\",\"member\":\"m" + i + "\",\"policy_version\":\"load\"}"));
    }
    store.appendBatch(batch);
  }

  private static void run(String base, List<String> bearer, int rate, int seconds, boolean report, int writeEvery) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    HttpClient http = HttpClient.newBuilder().executor(pool).connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    double driverCpuBefore = driverCpuSeconds();
    double processCpuBefore = processCpuSeconds();
    int total = rate * seconds;
    long[] latency = new long[total];
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(total);
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime() + 50_000_000L;
    for (int i = 0; i < total; i++) {
      long scheduled = start + i * interval;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int member = (int) ((i * 2654435761L) % bearer.size());
      // Deterministic mix: every writeEvery-th request is a write, alternating withdraw and grant.
      boolean write = writeEvery > 0 && i % writeEvery == writeEvery - 1;
      String memberId = "m" + member;
      String path = writeEvery < 0 ? "/.well-known/gpc.json" : "/v1/members/" + memberId
          + (write ? "/settings/" + (member % 5 == 0 ? "personalization" : "genai-training") : "/settings");
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(10))
          .header("Authorization", "Bearer " + bearer.get(member));
      if (write) {
        b.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
            "{\"choice\":\"" + ((i / Math.max(1, writeEvery)) % 2 == 0 ? "withdraw" : "grant") + "\"}"));
      } else {
        b.GET();
      }
      int index = i;
      // Completed on the client's own pool: a plain whenComplete may start a thread per response
      // on a 2-core machine (the common pool has no parallelism there), which loads the driver.
      http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()).whenCompleteAsync((r, e) -> {
        latency[index] = System.nanoTime() - scheduled;
        if (e != null || r.statusCode() != 200) {
          errors.incrementAndGet();
        }
        done.countDown();
      }, pool);
    }
    long sendEnd = System.nanoTime();
    if (!done.await(60, TimeUnit.SECONDS)) {
      System.out.println("  some requests did not complete within 60 s");
    }
    double driverCpu = driverCpuSeconds() - driverCpuBefore;
    double processCpu = processCpuSeconds() - processCpuBefore;
    pool.shutdownNow();
    if (report) {
      long[] sorted = latency.clone();
      Arrays.sort(sorted);
      double achieved = total / ((sendEnd - start) / 1e9);
      System.out.printf("  target %5d req/s (sent %.0f/s, %d requests): p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %7.2f ms  errors %d%n",
          rate, achieved, total, ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), sorted[total - 1] / 1e6, errors.get());
      if (writeEvery > 0) {
        // The same requests split by kind: a write waits for a durable commit and reads twice.
        long[] writes = new long[total / writeEvery];
        long[] reads = new long[total - writes.length];
        int w = 0;
        int r = 0;
        for (int i = 0; i < total; i++) {
          if (i % writeEvery == writeEvery - 1 && w < writes.length) {
            writes[w++] = latency[i];
          } else {
            reads[r++] = latency[i];
          }
        }
        Arrays.sort(writes);
        Arrays.sort(reads);
        System.out.printf("    reads  (%d): p50 %6.2f ms  p99 %6.2f ms;  writes (%d): p50 %6.2f ms  p99 %6.2f ms%n",
            reads.length, ms(reads, 0.50), ms(reads, 0.99), writes.length, ms(writes, 0.50), ms(writes, 0.99));
      }
      System.out.printf("    CPU of this JVM during the run: %.1f s, of it the driver's threads (sender, client, its pool) %.1f s%n",
          processCpu, driverCpu);
    }
  }

  /**
   * CPU of this driver's own threads that are alive now: the sender ({@code main}), the client's
   * selector and the completion pool; the rest of the JVM's CPU is the server's (and the JIT's and
   * GC's, which both share).
   */
  private static double driverCpuSeconds() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long nanos = 0;
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && (t.getThreadName().equals("main") || t.getThreadName().startsWith("HttpClient-")
          || t.getThreadName().startsWith("pool-") || t.getThreadName().startsWith("ForkJoinPool.commonPool"))) {
        nanos += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
      }
    }
    return nanos / 1e9;
  }

  private static double processCpuSeconds() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() / 1e9 : Double.NaN;
  }

  private static double ms(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
