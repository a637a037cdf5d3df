package dev.lethe.bench.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.bench.text.SocialPosts;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.Detector;
import dev.lethe.redact.RedactionPolicy;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * End-to-end snapshot throughput: MB/s of a full build (gate + redact + shard + compress +
 * publish) against the same engine doing a plain copy (a detector that finds nothing, so each
 * line is parsed, gated and re-written), peak RSS, and the {@code where} latency over many
 * snapshots.
 *
 * <p>Run: {@code java -Xmx2g -cp lethe-bench/target/lethe-bench.jar
 * dev.lethe.bench.pipeline.SnapshotThroughputDriver DIR [megabytes=2048] [threads=2]
 * [format=jsonl|parquet]}
 */
public final class SnapshotThroughputDriver {

  private static final Instant AS_OF = Instant.parse("2024-12-01T00:00:00Z");
  private static final String[] FIRST = {"Alice", "Bruno", "Chloé", "Dmitri", "Eun-ji", "Farah", "Giulia", "Hiroshi", "Ines", "Jakob"};
  private static final String[] LAST = {"Okafor", "Müller", "García", "Nguyen", "Kowalski", "Haddad", "Smith", "Rossi", "Tanaka", "Silva"};

  private SnapshotThroughputDriver() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 2048;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    ShardFormat format = ShardFormat.named(args.length > 3 ? args[3] : "jsonl");
    Files.createDirectories(dir);
    int members = 20_000;
    Path ledgerFile = dir.resolve("ledger.jsonl");
    Path content = dir.resolve("content-social.jsonl");
    writeLedger(ledgerFile, members);
    if (!Files.exists(content) || Files.size(content) < megabytes << 20) {
      writeContent(content, members, megabytes << 20);
    }
    double mb = Files.size(content) / 1e6;
    ConsentLedger ledger;
    try (InputStream in = Files.newInputStream(ledgerFile)) {
      ledger = LedgerReader.load(in).ledger();
    }
    System.out.printf("input: %.0f MB, %d members, %d threads, %s shards%n", mb, members, threads, format.name());

    double copy = run("copy (no detector)", Detector.of(Set.of(), false), ledger, content, dir.resolve("out-copy"), threads, mb, format);
    double full = run("full build (standard detector)", Detector.standard(), ledger, content, dir.resolve("out-full"), threads, mb, format);
    System.out.printf("ratio full / copy: %.2f%n", full / copy);
    System.out.printf("peak RSS: %s%n", peakRss());

    SnapshotCatalog catalog = SnapshotCatalog.open(dir.resolve("out-full"));
    long start = System.nanoTime();
    int queries = 10_000;
    long hits = 0;
    for (int i = 0; i < queries; i++) {
      hits += catalog.where(i % members).size();
    }
    System.out.printf("where: %.1f µs per query over %d snapshot(s) (%d hits)%n",
        (System.nanoTime() - start) / 1e3 / queries, catalog.snapshots().size(), hits);
  }

  private static double run(String name, Detector detector, ConsentLedger ledger, Path content, Path out, int threads, double mb,
      ShardFormat format) throws IOException {
    SnapshotRequest request = SnapshotRequest.builder("genai-training", AS_OF).content(List.of(content)).outDir(out)
        .shardsPerGroup(4).redaction(RedactionPolicy.pseudonymousPeople())
        .deploymentKey("bench-deployment-key-0123456789".getBytes(StandardCharsets.UTF_8)).threads(threads)
        .ledger("ledger", "0".repeat(64)).format(format).build();
    long start = System.nanoTime();
    SnapshotResult result = SnapshotEngine.embedded(detector).build(ledger, request, ProgressListener.NONE);
    double seconds = (System.nanoTime() - start) / 1e9;
    long shardBytes = result.metadata().shards().stream().mapToLong(s -> s.bytes()).sum();
    System.out.printf("%s: %.1f s, %.1f MB/s, %,d included, %.1f MB of shards, excluded %s, redactions %s%n",
        name, seconds, mb / seconds, result.metadata().included(), shardBytes / 1e6, result.metadata().excluded(),
        result.metadata().redactions());
    return mb / seconds;
  }

  private static String peakRss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return line.substring(6).trim();
      }
    }
    return "unknown";
  }

  private static void writeLedger(Path file, int members) throws IOException {
    String[] countries = {"US", "GB", "DE", "IN", "BR", "CA", "FR", "CH"};
    try (Writer w = Files.newBufferedWriter(file)) {
      w.write("{\"type\":\"policy.published\",\"at\":\"2024-08-01T00:00:00Z\",\"policy\":{\"version\":\"2024-09-18\",\"effective\":\"2024-09-18T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\",\"FR\"],\"CH\":[\"CH\"],\"UK\":[\"GB\"]},\"purposes\":{\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\",\"article\",\"comment\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\",\"CH\":\"blocked\",\"UK\":\"blocked\"}}}}}\n");
      for (int m = 0; m < members; m++) {
        w.write("{\"type\":\"member.registered\",\"at\":\"2024-01-01T00:00:00Z\",\"member\":\"m" + m + "\",\"country\":\""
            + countries[m % countries.length] + "\",\"birth_date\":\"" + (1950 + m % 60) + "-03-04\",\"name\":\""
            + FIRST[m % 10] + " " + LAST[(m / 10) % 10] + "\"}\n");
        w.write("{\"type\":\"notice.sent\",\"at\":\"2024-09-01T00:00:00Z\",\"member\":\"m" + m + "\",\"policy_version\":\"2024-09-18\"}\n");
      }
    }
  }

  /**
   * Content records whose texts are {@link SocialPosts} (real word frequencies, varied names and
   * personal data), so that redaction costs what it would on real posts rather than on one
   * template repeated.
   */
  private static void writeContent(Path file, int members, long bytes) throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    SocialPosts posts = SocialPosts.create(11);
    ObjectMapper json = new ObjectMapper();
    long written = 0;
    long id = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      while (written < bytes) {
        int m = random.nextInt(members);
        String line = "{\"content\":\"c" + (id++) + "\",\"member\":\"m" + m + "\",\"kind\":\""
            + (random.nextInt(10) == 0 ? "message" : "post") + "\",\"visibility\":\"public\",\"posted_at\":\"2024-10-0"
            + (1 + random.nextInt(9)) + "T12:00:00Z\",\"text\":" + json.writeValueAsString(posts.next()) + "}\n";
        w.write(line);
        written += line.getBytes(StandardCharsets.UTF_8).length;
      }
    }
  }

}
