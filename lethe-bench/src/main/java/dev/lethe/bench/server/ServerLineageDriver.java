package dev.lethe.bench.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.server.LetheServer;
import dev.lethe.server.Principal;
import dev.lethe.server.Role;
import dev.lethe.server.ServerConfig;
import dev.lethe.server.Tokens;
import dev.lethe.store.Append;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreConfig;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The server's member lineage ({@code GET /v1/members/{id}/data-usage}, the member's "where is my
 * data" answer) and the auditor's snapshot list ({@code GET /v1/audit/snapshots}) over a large
 * snapshot root, in process on loopback: an embedded store with {@code members} members (dense
 * numbers 0, 1, ...), the root registered, and a server over them. The snapshots are not recorded
 * in the store: {@code WhereLatencyDriver}'s have member bitmaps but no shard files, so a record
 * would make each a missing snapshot. Prints the first answer's time, the heap after it, the latency of sequential
 * answers for random members, and the first answer after a snapshot is published into the root
 * and after it is retired again (the root is left as it was found, but for the server's {@code
 * .lethe-lineage} index).
 *
 * <p>{@code ROOT} is a snapshot root such as {@link dev.lethe.bench.pipeline.WhereLatencyDriver}
 * writes (1,000 snapshots of 100,000 members in 16 shards); give it a copy if it must not be
 * written to. {@code WORK} holds the store and must not exist yet or be empty.
 *
 * <p>Run: {@code java -cp lethe-bench/target/lethe-bench.jar
 * dev.lethe.bench.server.ServerLineageDriver ROOT WORK [members=1000] [requests=2000]}
 */
public final class ServerLineageDriver {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerLineageDriver() {}

  public static void main(String[] args) throws Exception {
    Path root = SnapshotRoots.canonical(Path.of(args[0]));
    Path work = Path.of(args[1]).toAbsolutePath();
    int members = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int requests = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
    Files.createDirectories(work);
    System.out.printf("load average at start: %s%n", loadAverage());
    Clock clock = Clock.systemUTC();
    try (LedgerStore store = LedgerStore.open(new StoreConfig(work.resolve("data"), null, clock))) {
      seed(store, members);
      store.registerSnapshotRoot(root);
      Tokens tokens = Tokens.hs256(Tokens.loadOrCreateSecret(work.resolve("data")), clock);
      // The server's own snapshot directory is left empty: every answer comes from ROOT.
      ServerConfig config = ServerConfig.builder(store, tokens, work.resolve("data")).clock(clock).port(0)
          .forgetEvery(Duration.ofDays(1)).build();
      try (LetheServer server = LetheServer.start(config)) {
        Client client = new Client("http://127.0.0.1:" + server.port(), tokens);
        System.out.printf("snapshot root %s, %d members; %d sequential requests per measurement%n", root, members, requests);
        SplittableRandom random = new SplittableRandom(11);

        long first = client.usage("m0");
        System.out.printf("first data-usage answer: %.1f ms (%d snapshots hold m0); heap after GC: %d MiB%n",
            first / 1e6, client.lastHits, heapMiB());
        measure("data-usage", client, random, members, requests, false);
        measure("audit/snapshots", client, random, members, Math.max(20, requests / 20), true);

        // A build publishes one more snapshot (a copy of the first, under a new id), as a rename.
        String added = "ffff" + String.format("%028x", System.nanoTime() & 0xffffffffffffL);
        Path staged = root.resolve(".publishing-" + added);
        Path template;
        try (Stream<Path> s = Files.list(root)) {
          template = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().findFirst().orElseThrow();
        }
        copyTree(template, staged);
        ObjectNode manifest = (ObjectNode) JSON.readTree(staged.resolve("manifest.json").toFile());
        manifest.put("snapshot", added).put("as_of", Instant.parse("2030-01-01T00:00:00Z").toString());
        JSON.writeValue(staged.resolve("manifest.json").toFile(), manifest);
        Files.move(staged, root.resolve(added), StandardCopyOption.ATOMIC_MOVE);
        long afterPublish = client.usage("m0");
        System.out.printf("first data-usage answer after a snapshot was published: %.1f ms (%d snapshots hold m0)%n",
            afterPublish / 1e6, client.lastHits);
        measure("data-usage after the publish", client, random, members, requests / 4, false);

        SnapshotRoots.retire(store, root, added);
        long afterRetire = client.usage("m0");
        System.out.printf("first data-usage answer after it was retired: %.1f ms (%d snapshots hold m0); heap after GC: %d MiB%n",
            afterRetire / 1e6, client.lastHits, heapMiB());
        measure("data-usage after the retirement", client, random, members, requests / 4, false);
      }
    }
    System.out.printf("load average at end: %s%n", loadAverage());
  }

  private static void measure(String what, Client client, SplittableRandom random, int members, int requests, boolean listing)
      throws Exception {
    for (int warm = 0; warm < Math.min(200, requests); warm++) {
      if (listing) {
        client.listing();
      } else {
        client.usage("m" + random.nextInt(members));
      }
    }
    long[] nanos = new long[requests];
    for (int i = 0; i < requests; i++) {
      nanos[i] = listing ? client.listing() : client.usage("m" + random.nextInt(members));
    }
    Arrays.sort(nanos);
    System.out.printf("%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d requests%n", what, nanos[requests / 2] / 1e6,
        nanos[requests * 99 / 100] / 1e6, nanos[requests - 1] / 1e6, requests);
  }

  /** Sequential requests on one connection; each returns its time from send to the whole body. */
  private static final class Client {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Tokens tokens;
    private final String auditor;
    int lastHits;

    Client(String base, Tokens tokens) {
      this.base = base;
      this.tokens = tokens;
      this.auditor = tokens.issue(Principal.of(Role.AUDITOR), Duration.ofHours(2));
    }

    long usage(String member) throws Exception {
      String token = tokens.issue(Principal.member(member), Duration.ofHours(2));
      long t0 = System.nanoTime();
      String body = get("/v1/members/" + member + "/data-usage", token);
      long t = System.nanoTime() - t0;
      JsonNode answer = JSON.readTree(body);
      if (!answer.get("complete").asBoolean()) {
        throw new IllegalStateException("an incomplete answer: " + body.substring(Math.max(0, body.length() - 200)));
      }
      lastHits = answer.get("snapshots").size();
      return t;
    }

    long listing() throws Exception {
      long t0 = System.nanoTime();
      get("/v1/audit/snapshots", auditor);
      return System.nanoTime() - t0;
    }

    private String get(String path, String token) throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
          .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
      }
      return r.body();
    }
  }

  private static void seed(LedgerStore store, int members) throws Exception {
    List<Append> batch = new ArrayList<>();
    batch.add(Append.of("{\"type\":\"policy.published\",\"at\":\"2023-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
        + "\"effective\":\"2023-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"FR\",\"DE\"]},\"purposes\":{"
        + "\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
        + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}"));
    for (int i = 0; i < members; i++) {
      batch.add(Append.of("{\"type\":\"member.registered\",\"at\":\"2023-01-02T00:00:00Z\",\"member\":\"m" + i
          + "\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}"));
    }
    store.appendBatch(batch);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }

  private static long heapMiB() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
