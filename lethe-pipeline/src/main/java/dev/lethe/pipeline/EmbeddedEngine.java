package dev.lethe.pipeline;

import dev.lethe.core.event.Visibility;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.ConsentLedger.PostedContent;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.MemberDirectory;
import dev.lethe.redact.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The embedded engine: one coordinating thread reads input in batches of lines and writes
 * results; worker threads decode, gate and redact the batches. Results are written strictly in
 * input order, so the snapshot does not depend on the number of threads or their timing, and at
 * most {@code 4 × threads} batches are in flight, so memory stays bounded whatever the input
 * size.
 */
final class EmbeddedEngine implements SnapshotEngine {

  private static final int BATCH_LINES = 2_048;
  private static final int BATCH_BYTES = 4 << 20;

  private final Detector detector;
  /** The last member directory and the names it was built from, reused while they do not change. */
  private List<String> directoryNames = List.of();
  private MemberDirectory directory = MemberDirectory.empty();

  EmbeddedEngine(Detector detector) {
    this.detector = detector;
  }

  /**
   * The directory of the ledger's member names, the same object as the previous build's when the
   * names are the same, so a {@link DetectionCache} keeps answering across builds.
   */
  private synchronized MemberDirectory directory(ConsentLedger ledger) {
    List<String> names = new ArrayList<>(ledger.memberNames());
    names.sort(null);
    if (!names.equals(directoryNames)) {
      directoryNames = names;
      directory = MemberDirectory.of(names);
    }
    return directory;
  }

  @Override
  public SnapshotResult build(ConsentLedger ledger, SnapshotRequest request, ProgressListener progress)
      throws IOException {
    Files.createDirectories(request.outDir());
    try (FileChannel lockChannel =
            FileChannel.open(request.outDir().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.tryLock()) {
      if (lock == null) {
        throw new SnapshotConflictException("another build is writing to " + request.outDir());
      }
      Publisher.removeAbandoned(request.outDir());
      Path building = request.outDir().resolve(Publisher.BUILDING_PREFIX + UUID.randomUUID());
      Files.createDirectory(building);
      try {
        return buildInto(building, ledger, request, progress);
      } catch (IOException | RuntimeException | Error e) {
        Publisher.deleteTree(building);
        throw e;
      } finally {
        progress.finished();
      }
    }
  }

  private SnapshotResult buildInto(Path building, ConsentLedger ledger, SnapshotRequest request, ProgressListener progress)
      throws IOException {
    List<SnapshotMetadata.Input> inputs = new ArrayList<>();
    inputs.add(new SnapshotMetadata.Input(request.ledgerName(), request.ledgerSha256()));
    long totalBytes = 0;
    for (Path file : request.contentFiles()) {
      inputs.add(new SnapshotMetadata.Input(file.getFileName().toString(), Hashing.sha256Hex(file)));
      totalBytes += Files.size(file);
    }
    ConsentView view = ConsentView.of(ledger, request.purpose(), request.asOf(), request.shardsPerGroup());
    // A rebuild keeps its parent's pseudonym key so that untouched shards stay byte-identical.
    List<SnapshotMetadata.Input> keyInputs = request.rebuild() == null ? inputs : request.rebuild().parentInputs();
    byte[] secret = SnapshotSecrets.pseudonymKey(request.deploymentKey(), request.purpose(), request.asOf(), keyInputs);
    Redactor redactor = Redactor.create(detector, request.redaction(), secret);
    RecordProcessor processor = new RecordProcessor(view, redactor, directory(ledger),
        request.rebuild() == null ? java.util.Set.of() : request.rebuild().forgottenMembers());

    Tally tally = new Tally();
    progress.started(totalBytes);
    ExecutorService workers = Executors.newFixedThreadPool(request.threads(), daemonThreads());
    try (ShardSink sink = new ShardSink(building, view.layout())) {
      Deque<Future<List<RecordOutcome>>> inFlight = new ArrayDeque<>();
      int maxInFlight = 4 * request.threads();
      long bytes = 0;
      // The ledger's own content first, in content id order, then each export in line order.
      List<PostedContent> posted = ledger.postedContent();
      for (int from = 0; from < posted.size(); from += BATCH_LINES) {
        List<PostedContent> batch = posted.subList(from, Math.min(posted.size(), from + BATCH_LINES));
        inFlight.add(workers.submit(() -> processPosted(processor, batch)));
        drain(inFlight, maxInFlight, sink, tally);
      }
      for (Path file : request.contentFiles()) {
        try (InputStream in = Files.newInputStream(file)) {
          LineReader lines = new LineReader(in);
          List<byte[]> batch = new ArrayList<>();
          int batchBytes = 0;
          for (byte[] line; (line = lines.next()) != null; ) {
            if (isBlank(line)) {
              continue;
            }
            batch.add(line);
            batchBytes += line.length;
            if (batch.size() == BATCH_LINES || batchBytes >= BATCH_BYTES) {
              List<byte[]> full = batch;
              inFlight.add(workers.submit(() -> processLines(processor, full)));
              batch = new ArrayList<>();
              batchBytes = 0;
              drain(inFlight, maxInFlight, sink, tally);
              progress.progressed(tally.records, bytes + lines.consumed());
            }
          }
          if (!batch.isEmpty()) {
            List<byte[]> last = batch;
            inFlight.add(workers.submit(() -> processLines(processor, last)));
          }
          bytes += lines.consumed();
        }
      }
      drain(inFlight, 0, sink, tally);
      progress.progressed(tally.records, bytes);
      List<SnapshotMetadata.Shard> shards = sink.finish();
      return publish(building, request, view, inputs, shards, tally);
    } finally {
      workers.shutdownNow();
    }
  }

  private SnapshotResult publish(
      Path building,
      SnapshotRequest request,
      ConsentView view,
      List<SnapshotMetadata.Input> inputs,
      List<SnapshotMetadata.Shard> shards,
      Tally tally)
      throws IOException {
    SnapshotMetadata withoutId = metadata("", request, view, inputs, shards, tally);
    String parent = request.rebuild() == null ? null : request.rebuild().parentSnapshot();
    String id = Manifest.id(withoutId, view.layout(), parent);
    SnapshotMetadata metadata = metadata(id, request, view, inputs, shards, tally);
    byte[] manifest = CanonicalJson.bytes(Manifest.toJson(metadata, view.layout(), parent));
    SnapshotFiles.writeMetadata(building, metadata, manifest, request.license());
    boolean existed = Publisher.publish(building, request.outDir(), id);
    SnapshotSources.record(request.outDir(), id, request.contentFiles(),
        request.rebuild() == null ? java.util.Set.of() : request.rebuild().forgottenMembers());
    return new SnapshotResult(request.outDir().resolve(id), metadata, Hashing.sha256Hex(manifest), existed);
  }

  private static SnapshotMetadata metadata(
      String id,
      SnapshotRequest request,
      ConsentView view,
      List<SnapshotMetadata.Input> inputs,
      List<SnapshotMetadata.Shard> shards,
      Tally tally) {
    var purpose = view.purposePolicy();
    List<String> kinds = purpose == null ? List.of() : purpose.contentKinds().stream().sorted().toList();
    List<String> visibility =
        purpose == null ? List.of() : purpose.visibility().stream().map(Visibility::word).sorted().toList();
    Map<String, Long> redactions = new TreeMap<>();
    tally.redactions.forEach((type, n) -> redactions.put(type.name(), n));
    return new SnapshotMetadata(
        id,
        request.purpose(),
        purpose == null ? null : purpose.title(),
        request.asOf(),
        view.policy() == null ? null : view.policy().version(),
        kinds,
        visibility,
        tally.included,
        new TreeMap<>(tally.excluded),
        new TreeMap<>(redactions),
        RedactionPolicies.describe(request.redaction()),
        shards,
        inputs);
  }

  private static void drain(Deque<Future<List<RecordOutcome>>> inFlight, int keep, ShardSink sink, Tally tally)
      throws IOException {
    while (inFlight.size() > keep) {
      List<RecordOutcome> outcomes;
      try {
        outcomes = inFlight.poll().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while building the snapshot", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UncheckedIOException u) {
          throw u.getCause();
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        throw new IOException("a worker failed: " + cause, cause);
      }
      for (RecordOutcome outcome : outcomes) {
        tally.records++;
        if (outcome instanceof RecordOutcome.Included included) {
          sink.write(included);
          tally.included++;
          included.redactions().forEach((type, n) -> tally.redactions.merge(type, (long) n, Long::sum));
        } else if (outcome instanceof RecordOutcome.Excluded excluded) {
          tally.excluded.merge(excluded.reason(), 1L, Long::sum);
        }
      }
    }
  }

  private static List<RecordOutcome> processPosted(RecordProcessor processor, List<PostedContent> batch) {
    List<RecordOutcome> outcomes = new ArrayList<>(batch.size());
    for (PostedContent c : batch) {
      outcomes.add(
          processor.process(
              new ContentRecord(c.content(), c.member(), c.kind(), c.visibility(), c.postedAt(), c.deletedAt(), c.text())));
    }
    return outcomes;
  }

  private static List<RecordOutcome> processLines(RecordProcessor processor, List<byte[]> batch) {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<RecordOutcome> outcomes = new ArrayList<>(batch.size());
    for (byte[] line : batch) {
      String text;
      try {
        text = decoder.decode(ByteBuffer.wrap(line)).toString();
      } catch (CharacterCodingException e) {
        outcomes.add(new RecordOutcome.Excluded(ContentLines.MALFORMED));
        continue;
      }
      outcomes.add(processor.processLine(text));
    }
    return outcomes;
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return runnable -> {
      Thread t = new Thread(runnable, "lethe-snapshot-worker");
      t.setDaemon(true);
      return t;
    };
  }

  /** Counts kept by the coordinating thread only. */
  private static final class Tally {
    long records;
    long included;
    final Map<String, Long> excluded = new TreeMap<>();
    final Map<EntityType, Long> redactions = new TreeMap<>();
  }
}
