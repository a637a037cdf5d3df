package dev.lethe.spark;

import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.RedactionPolicy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Throughput driver (not a test): the same generated input through the embedded engine and the
 * Spark engine in local mode.
 *
 * <pre>
 * SparkThroughput generate DIR FILES LINES_PER_FILE MEMBERS
 * SparkThroughput embedded DIR OUT THREADS [DETECTOR]
 * SparkThroughput spark    DIR OUT MASTER [DETECTOR] [SPLIT_MB]
 * </pre>
 *
 * Prints one line: engine, seconds (build only; Spark's start separately), input MB, MB/s,
 * records, snapshot id. Key: 32 bytes of 0x11; ledger named {@code ledger} with its SHA-256,
 * as {@code SparkBuild} names it, so both engines and the shaded jar agree on snapshot ids.
 */
public final class SparkThroughput {

  static final byte[] KEY = HexFormat.of().parseHex("11".repeat(32));

  private SparkThroughput() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "generate" -> {
        long t0 = System.nanoTime();
        SyntheticInput in = SyntheticInput.write(Path.of(args[1]), 42L, Integer.parseInt(args[4]),
            Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        System.out.printf("generated %.1f MB in %.1f s%n", mb(in.content), (System.nanoTime() - t0) / 1e9);
      }
      case "embedded" -> {
        Path dir = Path.of(args[1]);
        String detector = args.length > 4 ? args[4] : Detectors.PATTERNS;
        SnapshotRequest request = request(dir, Path.of(args[2]), Integer.parseInt(args[3]));
        ConsentLedger ledger = ledger(dir);
        long t0 = System.nanoTime();
        SnapshotResult r = SnapshotEngine.embedded(Detectors.byName(detector)).build(ledger, request, ProgressListener.NONE);
        report("embedded threads=" + args[3], t0, request.contentFiles(), r);
      }
      case "spark" -> {
        Path dir = Path.of(args[1]);
        String detector = args.length > 4 ? args[4] : Detectors.PATTERNS;
        long split = args.length > 5 ? Long.parseLong(args[5]) << 20 : 0;
        long s0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().master(args[3]).appName("throughput")
            .config("spark.ui.enabled", "false")
            .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .getOrCreate();
        System.out.printf("spark session started in %.1f s%n", (System.nanoTime() - s0) / 1e9);
        try {
          SnapshotRequest request = request(dir, Path.of(args[2]), 1);
          ConsentLedger ledger = ledger(dir);
          long t0 = System.nanoTime();
          SnapshotResult r = new SparkEngine(spark, detector, 0, split).build(ledger, request, ProgressListener.NONE);
          report("spark " + args[3], t0, request.contentFiles(), r);
        } finally {
          spark.stop();
        }
      }
      default -> throw new IllegalArgumentException("generate, embedded or spark");
    }
  }

  private static SnapshotRequest request(Path dir, Path out, int threads) throws Exception {
    List<Path> content;
    try (Stream<Path> files = Files.list(dir)) {
      content = files.filter(p -> p.getFileName().toString().startsWith("content-")).sorted().toList();
    }
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("ledger.jsonl"))));
    return new SnapshotRequest("genai-training", SyntheticInput.AS_OF, content, out, 4,
        RedactionPolicy.pseudonymousPeople(), KEY, threads, "ledger", sha, null);
  }

  private static ConsentLedger ledger(Path dir) throws Exception {
    try (InputStream in = Files.newInputStream(dir.resolve("ledger.jsonl"))) {
      return LedgerReader.load(in).ledger();
    }
  }

  private static double mb(List<Path> files) throws Exception {
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    return bytes / 1e6;
  }

  private static void report(String engine, long t0, List<Path> files, SnapshotResult r) throws Exception {
    double seconds = (System.nanoTime() - t0) / 1e9;
    double mb = mb(files);
    long records = r.metadata().included() + r.metadata().excluded().values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("%s: %.1f s, %.1f MB, %.1f MB/s, %d records, %d included, snapshot %s%s%n", engine, seconds, mb,
        mb / seconds, records, r.metadata().included(), r.metadata().snapshot(), r.alreadyPublished() ? " (already published)" : "");
  }
}
