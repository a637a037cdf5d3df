package dev.lethe.spark;

import dev.lethe.core.event.NameDigest;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.ConsentLedger.PostedContent;
import dev.lethe.core.text.ByteLines;
import dev.lethe.pipeline.BuildCounts;
import dev.lethe.pipeline.ConsentView;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.RecordProcessor;
import dev.lethe.pipeline.RedactionPolicies;
import dev.lethe.pipeline.SnapshotBuilds;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.UnreadableReport;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.CharsetDecoder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The snapshot build on Apache Spark, giving the same snapshot as the embedded engine for the
 * same inputs: the same manifest bytes, shard bytes, bitmaps and dataset metadata.
 *
 * <p>How: every input gets a sequence number that orders it as the embedded engine reads it (the
 * ledger's own items first, in content id order, then each export by byte offset of its lines).
 * The record step runs in the processing partitions with the very {@code RecordProcessor} of the
 * embedded engine, made on each executor from a broadcast {@link BuildSpec}. Included lines are
 * shuffled by shard and sorted by sequence number within each shard, so every shard's lines
 * reach one writing task in input order; it writes them with the embedded engine's shard writer.
 * Counts travel through the same shuffle and come back with the written shards in one job, so a
 * retried task can never count twice. The driver then writes the metadata and publishes with
 * the embedded engine's code.
 *
 * <p>Content comes from JSON Lines or Parquet files on any Hadoop file system. JSON Lines: lines
 * end at {@code \n} only, as in the embedded engine; bytes are decoded strictly, so invalid UTF-8
 * is excluded as {@code malformed}. Lines that cannot be read as records are named as the embedded
 * engine names them, the first {@value UnreadableReport#SHOWN} by file and line number, whatever
 * the partitioning (see {@link #build(ConsentLedger, SnapshotRequest, List, ProgressListener)}).
 * Parquet (a file whose name ends in {@code .parquet}): one record per row, checked as a line's
 * fields are, in row order (see {@link ParquetExports}); its manifest input digest is the SHA-256
 * of the file's bytes, as for every input.
 *
 * <p>Shards are written in the request's {@link dev.lethe.pipeline.ShardFormat}, found by name on
 * each executor ({@code parquet} needs {@code lethe-parquet}, which {@code lethe-spark.jar} carries
 * with its Parquet relocated away from Spark's). The output directory must be a POSIX path that the driver and every executor see
 * (local disk in local mode; a shared mount on a cluster), because the publish is a rename there.
 */
public final class SparkEngine implements SnapshotEngine {

  private final SparkSession session;
  private final JavaSparkContext spark;
  private final String detector;
  private final int writePartitions;
  private final long maxSplitBytes;

  /**
   * An engine on {@code session} redacting with the detector named {@code detector} (see {@link
   * Detectors}).
   *
   * @param writePartitions writing tasks (0: as many as Spark's default parallelism, at most one
   *     per shard slot)
   * @param maxSplitBytes largest input split in bytes (0: the file system's default block size)
   */
  public SparkEngine(SparkSession session, String detector, int writePartitions, long maxSplitBytes) {
    this.session = Objects.requireNonNull(session, "session");
    this.spark = JavaSparkContext.fromSparkContext(session.sparkContext());
    Detectors.byName(detector); // fail on the driver, not in a task, for a bad name
    this.detector = detector;
    if (writePartitions < 0 || maxSplitBytes < 0) {
      throw new IllegalArgumentException("partitions and split size must not be negative");
    }
    this.writePartitions = writePartitions;
    this.maxSplitBytes = maxSplitBytes;
  }

  /** An engine with Spark's default parallelism and splits. */
  public SparkEngine(SparkSession session, String detector) {
    this(session, detector, 0, 0);
  }

  /**
   * Builds from the request's local content files (read through Spark as {@code file:} URIs).
   * Progress is not reported (Spark's own UI shows it); the listener is told start and end, and,
   * before the publish, the first {@value UnreadableReport#SHOWN} export lines that could not be
   * read, each under its content file as the request names it, in input order, and how many more
   * there were ({@link ProgressListener#moreUnreadable}).
   */
  @Override
  public SnapshotResult build(ConsentLedger ledger, SnapshotRequest request, ProgressListener progress)
      throws IOException {
    List<String> sources = request.contentFiles().stream().map(p -> p.toAbsolutePath().toUri().toString()).toList();
    progress.started(0);
    try {
      return build(ledger, request, sources, request.contentFiles().stream().map(Path::toString).toList(), progress);
    } finally {
      progress.finished();
    }
  }

  /**
   * {@link #build(ConsentLedger, SnapshotRequest, List, ProgressListener)} without hearing of
   * unreadable lines.
   */
  public SnapshotResult build(ConsentLedger ledger, SnapshotRequest request, List<String> sources) throws IOException {
    return build(ledger, request, sources, ProgressListener.NONE);
  }

  /**
   * Builds from content sources named by URI or path on any Hadoop file system ({@code file:},
   * {@code hdfs:}, {@code s3a:}, ...): files named {@code *.parquet} are Parquet exports, any other
   * file JSON Lines. A directory stands for its files in name order (hidden
   * files, starting with {@code .} or {@code _}, left out). The request's own content files must
   * be the same sources or none; sources are recorded beside the snapshot for forget rebuilds
   * only when they are all local files.
   *
   * <p>{@code unreadable} hears, on the driver before the publish, of the first {@value
   * UnreadableReport#SHOWN} JSON Lines export lines that could not be read in input order
   * (whatever the partitioning), through {@link ProgressListener#unreadable}, each under its
   * source as given (a file of a directory source: the directory joined with its name), then once
   * of how many more there were, through {@link ProgressListener#moreUnreadable}; nothing else
   * of it is called.
   *
   * @throws IOException if reading inputs or writing the snapshot fails; nothing is published then
   */
  public SnapshotResult build(
      ConsentLedger ledger, SnapshotRequest request, List<String> sources, ProgressListener unreadable)
      throws IOException {
    return build(ledger, request, sources, null, unreadable);
  }

  /** As above; {@code shown}, if not null, names each source (a file) in reports instead. */
  private SnapshotResult build(
      ConsentLedger ledger, SnapshotRequest request, List<String> sources, List<String> shown,
      ProgressListener unreadable) throws IOException {
    ZstdGuard.require();
    Configuration hadoop = spark.hadoopConfiguration();
    List<String> names = new ArrayList<>();
    List<URI> files = expand(sources, hadoop, names);
    if (shown != null) {
      names = shown;
    }
    if (files.size() > InputRecord.MAX_SOURCES - 1) {
      throw new IllegalArgumentException("at most " + (InputRecord.MAX_SOURCES - 1) + " content files, not " + files.size());
    }
    String problem = SnapshotBuilds.inputNameProblem(
        request.ledgerName(), files.stream().map(f -> new org.apache.hadoop.fs.Path(f).getName()).toList());
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    List<SnapshotMetadata.Input> inputs = new ArrayList<>();
    inputs.add(new SnapshotMetadata.Input(request.ledgerName(), request.ledgerSha256()));
    List<String> digests = digests(files, hadoop);
    for (int i = 0; i < files.size(); i++) {
      inputs.add(new SnapshotMetadata.Input(new org.apache.hadoop.fs.Path(files.get(i)).getName(), digests.get(i)));
    }
    SnapshotRequest recorded = localFiles(request, files);
    List<String> reported = names;
    return SnapshotBuilds.underLock(
        request, building -> run(building, ledger, recorded, files, inputs, hadoop, reported, unreadable));
  }

  private SnapshotResult run(
      Path building, ConsentLedger ledger, SnapshotRequest request, List<URI> files,
      List<SnapshotMetadata.Input> inputs, Configuration hadoop, List<String> shown, ProgressListener unreadable)
      throws IOException {
    ConsentView view = ConsentView.of(ledger, request.purpose(), request.asOf(), request.shardsPerGroup());
    List<String> names = new ArrayList<>(ledger.memberNames());
    names.sort(null);
    List<NameDigest> erased = ledger.erasedNameDigests();
    // Fails here, before any work, if a digest was made under another deployment's key.
    SnapshotBuilds.directory(List.of(), erased, request.deploymentKey());
    BuildSpec spec = new BuildSpec(
        UUID.randomUUID().toString(),
        ConsentGates.of(ledger, view),
        names.toArray(String[]::new),
        erased.stream().map(NameDigest::toString).toArray(String[]::new),
        request.deploymentKey(),
        SnapshotBuilds.pseudonymKey(request, inputs),
        RedactionPolicies.describe(request.redaction()),
        detector,
        SnapshotBuilds.forgotten(request).toArray(String[]::new),
        SnapshotBuilds.forgottenSinceAsOf(request).toArray(String[]::new),
        ledger.contentIds().toArray(String[]::new));
    Broadcast<BuildSpec> shipped = spark.broadcast(spec);
    try {
      JavaRDD<InputRecord> all = posted(ledger);
      JavaRDD<InputRecord> exports = null;
      for (int i = 0; i < files.size(); i++) {
        URI file = files.get(i);
        JavaRDD<InputRecord> one = ParquetExports.isParquet(file)
            ? ParquetExports.rows(session, file, i + 1, maxSplitBytes)
            : lines(file, i + 1, hadoop);
        exports = exports == null ? one : exports.union(one);
        all = all.union(one);
      }
      Broadcast<HashMap<String, Long>> copies =
          spark.broadcast(exports == null ? new HashMap<>() : firstOfCopies(exports));
      JavaPairRDD<ShardKey, Object> processed = all.mapPartitionsToPair(
          part -> new RecordStep(part, shipped.value().processor(), TaskContext.getPartitionId(), copies.value()));
      int writers = writePartitions > 0
          ? writePartitions
          : Math.max(1, Math.min(view.layout().shardCount(), spark.defaultParallelism()));
      String buildingDir = building.toAbsolutePath().toString();
      // Formats are not serializable: the writing tasks look theirs up by name, as the driver did.
      String format = request.format().name();
      List<ShardWriter.Written> written = processed
          .repartitionAndSortWithinPartitions(new ShardPartitioner(writers), ShardKey.ORDER)
          .mapPartitions(part -> {
            TaskContext task = TaskContext.get();
            String attempt = task.stageId() + "-" + task.partitionId() + "-" + task.attemptNumber();
            return List.of(ShardWriter.write(part, shipped.value().layout(), format, Path.of(buildingDir), attempt)).iterator();
          })
          .collect();
      copies.destroy();
      removeAttempts(building);
      BuildCounts counts = new BuildCounts();
      UnreadableLines unreadableLines = new UnreadableLines();
      List<SnapshotMetadata.Shard> shards = new ArrayList<>();
      for (ShardWriter.Written w : written) {
        counts.merge(w.counts);
        unreadableLines.merge(w.unreadable);
        w.shards.forEach(s -> shards.add(s.toShard()));
      }
      shards.sort(Comparator.comparingInt(SnapshotMetadata.Shard::shard));
      check(shards, counts);
      long more = unreadableLines.report(shown, unreadable);
      if (more > 0) {
        unreadable.moreUnreadable(more);
      }
      SnapshotResult result = SnapshotBuilds.publish(building, request, view, inputs, shards, counts);
      if (!request.contentFiles().isEmpty() || files.isEmpty()) {
        SnapshotBuilds.recordSources(request, result.metadata().snapshot());
      }
      return result;
    } finally {
      shipped.destroy();
    }
  }

  /**
   * Each content id that more than one export record has, with the first one's sequence number:
   * a pass over the exports that reads only ids, so that the record step can leave out later
   * copies wherever Spark puts them. The map is as small as the copies are few.
   */
  private static HashMap<String, Long> firstOfCopies(JavaRDD<InputRecord> exports) {
    return new HashMap<>(exports
        .mapPartitionsToPair(part -> {
          CharsetDecoder utf8 = RecordProcessor.strictUtf8();
          List<Tuple2<String, long[]>> ids = new ArrayList<>();
          while (part.hasNext()) {
            InputRecord input = part.next();
            String id = RecordStep.contentId(input, utf8);
            if (id != null) {
              ids.add(new Tuple2<>(id, new long[] {input.sequence, 1}));
            }
          }
          return ids.iterator();
        })
        .reduceByKey((a, b) -> new long[] {Math.min(a[0], b[0]), a[1] + b[1]})
        .filter(idFirstCount -> idFirstCount._2()[1] > 1)
        .mapToPair(idFirstCount -> new Tuple2<>(idFirstCount._1(), idFirstCount._2()[0]))
        .collectAsMap());
  }

  /** The ledger's own items, first in input order (source 0, numbered by position). */
  private JavaRDD<InputRecord> posted(ConsentLedger ledger) {
    List<PostedContent> items = ledger.postedContent();
    List<InputRecord> records = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      records.add(InputRecord.posted(i, items.get(i)));
    }
    int slices = Math.max(1, Math.min(spark.defaultParallelism(), records.size() / 10_000 + 1));
    return spark.parallelize(records, slices);
  }

  /**
   * The lines of one export, numbered by source and byte offset. Lines end at {@code \n} only
   * (Hadoop's default also splits at a lone {@code \r}, the embedded engine does not), and the
   * {@code \r} of a {@code \r\n} is dropped as the embedded engine drops it.
   */
  private JavaRDD<InputRecord> lines(URI file, int source, Configuration hadoop) {
    Configuration conf = new Configuration(hadoop);
    conf.set("textinputformat.record.delimiter", "\n");
    if (maxSplitBytes > 0) {
      conf.setLong("mapreduce.input.fileinputformat.split.maxsize", maxSplitBytes);
    }
    return spark
        .newAPIHadoopFile(file.toString(), TextInputFormat.class, LongWritable.class, Text.class, conf)
        .map(line -> {
          // Hadoop reuses the Text: copy its bytes before they leave this function.
          byte[] bytes = Arrays.copyOf(line._2().getBytes(), line._2().getLength());
          return InputRecord.line(InputRecord.sequence(source, line._1().get()), ByteLines.withoutTerminator(bytes, bytes.length));
        });
  }

  /**
   * The files of {@code sources}, a directory's in name order; {@code shown} gets each one's name
   * for reports: the source as given, or the directory source joined with the file's name.
   */
  private static List<URI> expand(List<String> sources, Configuration hadoop, List<String> shown) throws IOException {
    List<URI> files = new ArrayList<>();
    for (String source : sources) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(source);
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory()) {
        List<FileStatus> visible = Stream.of(fs.listStatus(path))
            .filter(f -> !f.getPath().getName().startsWith(".") && !f.getPath().getName().startsWith("_"))
            .sorted(Comparator.comparing(f -> f.getPath().getName()))
            .toList();
        for (FileStatus entry : visible) {
          if (entry.isDirectory()) {
            // A partitioned dataset (year=2024/...): never leave its records out without a word.
            throw new IllegalArgumentException("content directory " + source + " has a subdirectory "
                + entry.getPath().getName() + "; name its files or subdirectories as sources instead");
          }
          files.add(entry.getPath().toUri());
          shown.add((source.endsWith("/") ? source : source + "/") + entry.getPath().getName());
        }
      } else {
        files.add(fs.makeQualified(path).toUri());
        shown.add(source);
      }
    }
    return files;
  }

  /** SHA-256 of each file, computed by one task per file (in parallel, where the data is). */
  private List<String> digests(List<URI> files, Configuration hadoop) {
    if (files.isEmpty()) {
      return List.of();
    }
    Map<String, String> conf = new HashMap<>();
    hadoop.forEach(e -> conf.put(e.getKey(), e.getValue()));
    List<String> names = files.stream().map(URI::toString).toList();
    return spark.parallelize(names, names.size()).map(name -> sha256(name, conf)).collect();
  }

  private static String sha256(String file, Map<String, String> settings) throws IOException {
    Configuration conf = new Configuration(false);
    settings.forEach(conf::set);
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * The request to publish and record: the caller's, with its content files set to the sources
   * when they are all local files (so a later forget rebuild finds them), else none.
   */
  private static SnapshotRequest localFiles(SnapshotRequest request, List<URI> files) {
    if (!request.contentFiles().isEmpty()) {
      List<URI> own = request.contentFiles().stream().map(p -> p.toAbsolutePath().normalize().toUri()).toList();
      List<URI> given = files.stream().map(u -> Path.of(u).toAbsolutePath().normalize().toUri()).toList();
      if (!own.equals(given)) {
        throw new IllegalArgumentException("the request's content files are not the sources given");
      }
      return request;
    }
    if (files.isEmpty() || !files.stream().allMatch(u -> "file".equals(u.getScheme()))) {
      return request;
    }
    return request.toBuilder().content(files.stream().map(Path::of).toList()).build();
  }

  /** Leftovers of failed task attempts, which must not be published with the snapshot. */
  private static void removeAttempts(Path building) throws IOException {
    List<Path> attempts;
    try (Stream<Path> list = Files.list(building)) {
      attempts = list.filter(p -> p.getFileName().toString().startsWith(ShardWriter.ATTEMPT_PREFIX)).toList();
    }
    for (Path attempt : attempts) {
      try (Stream<Path> walk = Files.walk(attempt)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Fails closed if the writers' shards and the counts disagree (a shard written twice, a lost line). */
  private static void check(List<SnapshotMetadata.Shard> shards, BuildCounts counts) {
    long lines = 0;
    for (int i = 0; i < shards.size(); i++) {
      if (i > 0 && shards.get(i).shard() == shards.get(i - 1).shard()) {
        throw new IllegalStateException("shard " + shards.get(i).shard() + " was written by two tasks");
      }
      lines += shards.get(i).records();
    }
    if (lines != counts.included()) {
      throw new IllegalStateException("the shards hold " + lines + " lines but " + counts.included() + " records were included");
    }
  }
}
