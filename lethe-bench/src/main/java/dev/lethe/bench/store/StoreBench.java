package dev.lethe.bench.store;

import dev.lethe.store.Append;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.roaringbitmap.RoaringBitmap;

/**
 * End-to-end store benchmark on H2 (file) and PostgreSQL (embedded binaries): single appends,
 * batches of 1,000, decision latency and the eligible-set build.
 *
 * <p>Run: {@code java -cp lethe-bench/target/lethe-bench.jar dev.lethe.bench.store.StoreBench
 * [--members N] [--backend h2|pg|both]}. Members get a registration and a notice; every seventh
 * withdraws, every eleventh sends GPC, every thirteenth lives in a blocked country.
 */
public final class StoreBench {

  private static final String POLICY =
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
          + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"FR\",\"DE\"]},"
          + "\"purposes\":{\"genai-training\":{\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}";

  private StoreBench() {}

  public static void main(String[] args) throws Exception {
    int members = 1_000_000;
    String backend = "both";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--members" -> members = Integer.parseInt(args[++i]);
        case "--backend" -> backend = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (!backend.equals("pg")) {
      Path dir = Files.createTempDirectory("lethe-bench-h2");
      run("H2 (file, MODE=PostgreSQL)", StoreConfig.embedded(dir), members);
    }
    if (!backend.equals("h2")) {
      try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
            Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE bench");
        }
        Path keys = Files.createTempDirectory("lethe-bench-pg");
        run("PostgreSQL 16 (embedded binaries, default settings)", StoreConfig.database(pg.getJdbcUrl("postgres", "bench"), keys), members);
      }
    }
  }

  private static List<Append> memberEvents(int i) {
    String m = "member-" + i;
    String country = i % 13 == 0 ? "FR" : "US";
    List<Append> out = new ArrayList<>(3);
    out.add(Append.of("{\"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"" + m
        + "\",\"country\":\"" + country + "\",\"birth_date\":\"19" + (50 + i % 50) + "-01-01\"}"));
    out.add(Append.of("{\"type\":\"notice.sent\",\"at\":\"2024-02-02T00:00:00Z\",\"member\":\"" + m + "\",\"policy_version\":\"v1\"}"));
    if (i % 7 == 0) {
      out.add(Append.of("{\"type\":\"consent.set\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"" + m
          + "\",\"purpose\":\"genai-training\",\"choice\":\"withdraw\",\"source\":\"settings\"}"));
    } else if (i % 11 == 0) {
      out.add(Append.of("{\"type\":\"gpc.signal\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"" + m + "\"}"));
    }
    return out;
  }

  private static void run(String name, StoreConfig config, int members) throws Exception {
    System.out.printf(Locale.ROOT, "%n== %s, %,d members%n", name, members);
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append(POLICY, "policy");

      // Batches of 1,000 events, one transaction each: the bulk load.
      long t0 = System.nanoTime();
      List<Append> batch = new ArrayList<>(1_100);
      long events = 0;
      for (int i = 0; i < members; i++) {
        batch.addAll(memberEvents(i));
        if (batch.size() >= 1_000) {
          store.appendBatch(batch);
          events += batch.size();
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        store.appendBatch(batch);
        events += batch.size();
      }
      double batchSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "appends, batches of ~1,000: %,d events in %.1f s = %,.0f events/s%n",
          events, batchSeconds, events / batchSeconds);

      // Single appends, one committed transaction each, onto the loaded ledger.
      int singles = 2_000;
      long t1 = System.nanoTime();
      for (int i = 0; i < singles; i++) {
        store.append("{\"type\":\"gpc.signal\",\"at\":\"2024-04-01T00:00:00Z\",\"member\":\"member-" + (i * 37 % members) + "\"}", null);
      }
      double singleSeconds = (System.nanoTime() - t1) / 1e9;
      System.out.printf(Locale.ROOT, "appends, single: %,d in %.1f s = %,.0f appends/s%n", singles, singleSeconds, singles / singleSeconds);

      // Decision latency from the store.
      Random random = new Random(42);
      Instant at = Instant.parse("2024-06-01T00:00:00Z");
      for (int i = 0; i < 2_000; i++) {
        store.decide("member-" + random.nextInt(members), "genai-training", at);
      }
      int n = 20_000;
      long[] nanos = new long[n];
      for (int i = 0; i < n; i++) {
        String m = "member-" + random.nextInt(members);
        long s = System.nanoTime();
        store.decide(m, "genai-training", at);
        nanos[i] = System.nanoTime() - s;
      }
      Arrays.sort(nanos);
      System.out.printf(Locale.ROOT, "decide: p50 %.3f ms, p99 %.3f ms (%,d decisions)%n",
          nanos[n / 2] / 1e6, nanos[n * 99 / 100] / 1e6, n);

      // The eligible set for a snapshot.
      store.eligibleMembers("genai-training", at); // warm-up
      long t2 = System.nanoTime();
      RoaringBitmap eligible = store.eligibleMembers("genai-training", Instant.parse("2024-03-15T00:00:00Z"));
      double eligibleSeconds = (System.nanoTime() - t2) / 1e9;
      System.out.printf(Locale.ROOT, "eligible set: %,d of %,d members in %.1f s (%,d bytes serialized)%n",
          eligible.getCardinality(), members, eligibleSeconds, eligible.serializedSizeInBytes());
    }
  }
}
