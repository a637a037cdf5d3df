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
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;

/**
 * Throughput driver (not a test): the same generated input through the embedded engine and the
 * Spark engine in local mode.
 *
 * <pre>
 * SparkThroughput generate    DIR FILES LINES_PER_FILE MEMBERS
 * SparkThroughput generate-mb DIR MB [MEMBERS]      (files of about 128 MB, 5,000 members by default)
 * SparkThroughput embedded    DIR OUT THREADS [DETECTOR]
 * SparkThroughput spark       DIR OUT MASTER [DETECTOR] [SPLIT_MB]
 * </pre>
 *
 * Prints one line: engine, seconds (build only; Spark's start separately), input MB, MB/s,
 * records, records/s, snapshot id. Key: 32 bytes of 0x11; ledger named {@code ledger} with its
 * SHA-256, as {@code SparkBuild} names it, so both engines and the shaded jar agree on snapshot
 * ids. The Spark run then prints where the time went: per stage of the build (wall time, task
 * time, CPU, GC, (de)serialization, shuffle write, spills, from Spark's task metrics), and two
 * probe jobs over the same splits, one that only reads the lines and one that also parses them,
 * so that the record step's time splits into reading, parsing and the rest (gating, redaction,
 * training line, shuffle write).
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
      case "generate-mb" -> {
        long target = Long.parseLong(args[2]) * 1_000_000L;
        int members = args.length > 3 ? Integer.parseInt(args[3]) : 5_000;
        // About 187 bytes per generated line (measured), files of about 128 MB.
        int files = (int) Math.max(1, (target + 127_999_999L) / 128_000_000L);
        int lines = (int) Math.max(1, target / files / 187);
        long t0 = System.nanoTime();
        SyntheticInput in = SyntheticInput.write(Path.of(args[1]), 42L, members, files, lines);
        System.out.printf("generated %d files, %.1f MB in %.1f s%n", files, mb(in.content), (System.nanoTime() - t0) / 1e9);
      }
      case "embedded" -> {
        Path dir = Path.of(args[1]);
        String detector = args.length > 4 ? args[4] : Detectors.PATTERNS;
        SnapshotRequest request = request(dir, Path.of(args[2]), Integer.parseInt(args[3]));
        ConsentLedger ledger = ledger(dir);
        long t0 = System.nanoTime();
        cpu0 = processCpuNanos();
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
        StageTimes stages = new StageTimes();
        spark.sparkContext().addSparkListener(stages);
        try {
          SnapshotRequest request = request(dir, Path.of(args[2]), 1);
          ConsentLedger ledger = ledger(dir);
          long t0 = System.nanoTime();
          cpu0 = processCpuNanos();
          SnapshotResult r = new SparkEngine(spark, detector, 0, split).build(ledger, request, ProgressListener.NONE);
          report("spark " + args[3], t0, request.contentFiles(), r);
          spark.sparkContext().listenerBus().waitUntilEmpty();
          stages.print();
          probes(spark, request.contentFiles(), split);
        } finally {
          spark.stop();
        }
      }
      default -> throw new IllegalArgumentException("generate, embedded or spark");
    }
  }

  /**
   * Jobs over the same line splits as the build: reading only, then reading and parsing (strict
   * UTF-8 and JSON, as the record step does before gating and redaction).
   */
  private static void probes(SparkSession spark, List<Path> files, long split) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = new Configuration(jsc.hadoopConfiguration());
    conf.set("textinputformat.record.delimiter", "\n");
    if (split > 0) {
      conf.setLong("mapreduce.input.fileinputformat.split.maxsize", split);
    }
    for (boolean parse : new boolean[] {false, true}) {
      long t0 = System.nanoTime();
      long n = 0;
      for (Path file : files) {
        n += jsc.newAPIHadoopFile(file.toUri().toString(), TextInputFormat.class, LongWritable.class, Text.class, conf)
            .mapPartitions(part -> {
              java.nio.charset.CharsetDecoder utf8 = dev.lethe.pipeline.RecordProcessor.strictUtf8();
              long ok = 0;
              while (part.hasNext()) {
                Text t = part.next()._2();
                byte[] bytes = java.util.Arrays.copyOf(t.getBytes(), t.getLength());
                if (!parse) {
                  ok += bytes.length > 0 ? 1 : 0;
                  continue;
                }
                try {
                  String line = utf8.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                  ok += dev.lethe.pipeline.ContentLines.parse(line) instanceof dev.lethe.pipeline.ContentLines.Parsed.Ok ? 1 : 0;
                } catch (java.nio.charset.CharacterCodingException e) {
                  // Counted as not parsed, as the record step excludes it.
                }
              }
              return List.of(ok).iterator();
            })
            .reduce(Long::sum);
      }
      System.out.printf("probe %-10s %6.1f s wall (%d lines)%n", parse ? "read+parse" : "read", (System.nanoTime() - t0) / 1e9, n);
    }
  }

  /** Task metrics summed per stage, from Spark's listener bus. */
  private static final class StageTimes extends SparkListener {
    private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
      StageInfo info = event.stageInfo();
      TaskMetrics m = info.taskMetrics();
      double wall = info.submissionTime().isDefined() && info.completionTime().isDefined()
          ? ((Long) info.completionTime().get() - (Long) info.submissionTime().get()) / 1e3 : Double.NaN;
      lines.add(String.format(
          "stage %-3d %-32s %4d tasks %6.1f s wall | task %6.1f s, cpu %6.1f s, gc %5.1f s, deser %4.1f s, result ser %4.1f s"
              + " | in %7.1f MB %9d rec | shuffle write %6.1f MB %5.1f s, read %6.1f MB wait %4.1f s | spill %6.1f MB",
          info.stageId(), info.name().length() > 32 ? info.name().substring(0, 32) : info.name(), info.numTasks(), wall,
          m.executorRunTime() / 1e3, m.executorCpuTime() / 1e9, m.jvmGCTime() / 1e3, m.executorDeserializeTime() / 1e3,
          m.resultSerializationTime() / 1e3, m.inputMetrics().bytesRead() / 1e6, m.inputMetrics().recordsRead(),
          m.shuffleWriteMetrics().bytesWritten() / 1e6, m.shuffleWriteMetrics().writeTime() / 1e9,
          m.shuffleReadMetrics().totalBytesRead() / 1e6, m.shuffleReadMetrics().fetchWaitTime() / 1e3,
          m.diskBytesSpilled() / 1e6));
    }

    void print() {
      lines.forEach(System.out::println);
    }
  }

  private static SnapshotRequest request(Path dir, Path out, int threads) throws Exception {
    List<Path> content;
    try (Stream<Path> files = Files.list(dir)) {
      content = files.filter(p -> p.getFileName().toString().startsWith("content-")).sorted().toList();
    }
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("ledger.jsonl"))));
    return SnapshotRequest.builder("genai-training", SyntheticInput.AS_OF).content(content).outDir(out)
        .shardsPerGroup(4).redaction(RedactionPolicy.pseudonymousPeople()).deploymentKey(KEY).threads(threads)
        .ledger("ledger", sha).build();
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

  /** CPU time of this whole process so far (every thread: the embedded workers, Spark's local executor). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long cpu0;

  private static void report(String engine, long t0, List<Path> files, SnapshotResult r) throws Exception {
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = (processCpuNanos() - cpu0) / 1e9;
    double mb = mb(files);
    long records = r.metadata().included() + r.metadata().excluded().values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("%s: %.1f s, %.1f MB, %.1f MB/s, %d records, %.0f records/s, %d included, process cpu %.1f s"
        + " (%.1f MB per cpu-second), snapshot %s%s%n", engine,
        seconds, mb, mb / seconds, records, records / seconds, r.metadata().included(), cpu, mb / cpu, r.metadata().snapshot(), r.alreadyPublished() ? " (already published)" : "");
  }
}
