package dev.lethe.pipeline;

import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.NameDigest;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.ConsentLedger.PostedContent;
import dev.lethe.core.text.ByteLines;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import dev.lethe.redact.Detector;
import dev.lethe.redact.MemberDirectory;
import dev.lethe.redact.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
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
  /** The last member directory and what it was built from, reused while that does not change. */
  private DirectorySource directorySource;
  private MemberDirectory directory = MemberDirectory.empty();

  private record DirectorySource(List<String> names, List<NameDigest> erased, String erasedKeyId) {}

  EmbeddedEngine(Detector detector) {
    this.detector = detector;
  }

  /**
   * The directory of the ledger's member names and erased members' name digests, the same object
   * as the previous build's when they are the same, so a {@link DetectionCache} keeps answering
   * across builds.
   */
  private synchronized MemberDirectory directory(ConsentLedger ledger, byte[] deploymentKey) {
    List<String> names = new ArrayList<>(ledger.memberNames());
    names.sort(null);
    List<NameDigest> erased = ledger.erasedNameDigests();
    String keyId = erased.isEmpty() ? "" : ErasedNameKey.derive(deploymentKey).id();
    DirectorySource source = new DirectorySource(names, erased, keyId);
    if (!source.equals(directorySource)) {
      directory = SnapshotBuilds.directory(names, erased, deploymentKey);
      directorySource = source;
    }
    return directory;
  }

  @Override
  public SnapshotResult build(ConsentLedger ledger, SnapshotRequest request, ProgressListener progress)
      throws IOException {
    return SnapshotBuilds.underLock(request, building -> {
      try {
        return buildInto(building, ledger, request, progress);
      } finally {
        progress.finished();
      }
    });
  }

  private SnapshotResult buildInto(Path building, ConsentLedger ledger, SnapshotRequest request, ProgressListener progress)
      throws IOException {
    List<SnapshotMetadata.Input> inputs = SnapshotBuilds.inputs(request);
    long totalBytes = 0;
    for (Path file : request.contentFiles()) {
      totalBytes += Files.size(file);
    }
    ConsentView view = ConsentView.of(ledger, request.purpose(), request.asOf(), request.shardsPerGroup());
    byte[] secret = SnapshotBuilds.pseudonymKey(request, inputs);
    Redactor redactor = Redactor.create(detector, request.redaction(), secret);
    RecordProcessor processor = new RecordProcessor(
        view, redactor, directory(ledger, request.deploymentKey()), SnapshotBuilds.forgotten(request),
        SnapshotBuilds.forgottenSinceAsOf(request), new HashSet<>(ledger.contentIds()));

    BuildCounts tally = new BuildCounts();
    progress.started(totalBytes);
    ExecutorService workers = Executors.newFixedThreadPool(request.threads(), daemonThreads());
    // The content ids seen spill next to the hidden build directory (named so that the next build
    // removes what a crash left), never into the snapshot.
    try (ShardSink sink = new ShardSink(building, view.layout(), request.format());
        SeenContent seen = new SeenContent(building.resolveSibling(building.getFileName() + ".seen"))) {
      Deque<Batch> inFlight = new ArrayDeque<>();
      int maxInFlight = 4 * request.threads();
      long bytes = 0;
      // The ledger's own content first, in content id order, then each export in line order.
      List<PostedContent> posted = ledger.postedContent();
      for (int from = 0; from < posted.size(); from += BATCH_LINES) {
        List<PostedContent> batch = posted.subList(from, Math.min(posted.size(), from + BATCH_LINES));
        inFlight.add(new Batch(null, null, workers.submit(() -> processPosted(processor, batch))));
        drain(inFlight, maxInFlight, sink, tally, seen, progress);
      }
      for (Path file : request.contentFiles()) {
        try (InputStream in = Files.newInputStream(file)) {
          ByteLines lines = ContentLines.lines(in);
          List<byte[]> batch = new ArrayList<>();
          long[] numbers = new long[BATCH_LINES];
          int batchBytes = 0;
          long number = 0;
          for (byte[] line; (line = lines.next()) != null; ) {
            number++;
            if (ContentLines.isBlank(line)) {
              continue;
            }
            numbers[batch.size()] = number;
            batch.add(line);
            batchBytes += line.length;
            if (batch.size() == BATCH_LINES || batchBytes >= BATCH_BYTES) {
              List<byte[]> full = batch;
              inFlight.add(new Batch(file, numbers, workers.submit(() -> processLines(processor, full))));
              batch = new ArrayList<>();
              numbers = new long[BATCH_LINES];
              batchBytes = 0;
              drain(inFlight, maxInFlight, sink, tally, seen, progress);
              progress.progressed(tally.records(), bytes + lines.consumed());
            }
          }
          if (!batch.isEmpty()) {
            List<byte[]> last = batch;
            inFlight.add(new Batch(file, numbers, workers.submit(() -> processLines(processor, last))));
          }
          bytes += lines.consumed();
        }
      }
      drain(inFlight, 0, sink, tally, seen, progress);
      progress.progressed(tally.records(), bytes);
      List<SnapshotMetadata.Shard> shards = sink.finish();
      SnapshotResult result = SnapshotBuilds.publish(building, request, view, inputs, shards, tally);
      SnapshotBuilds.recordSources(request, result.metadata().snapshot());
      return result;
    } finally {
      workers.shutdownNow();
    }
  }

  /**
   * Outcomes on their way: for lines of a content file, the file and each line's number (1-based,
   * blank lines counted), so an unreadable line can be reported where it is; nulls for ledger
   * items.
   */
  private record Batch(Path file, long[] lineNumbers, Future<List<RecordProcessor.ExportOutcome>> outcomes) {}

  private static void drain(
      Deque<Batch> inFlight, int keep, ShardSink sink, BuildCounts tally, SeenContent seen, ProgressListener progress)
      throws IOException {
    while (inFlight.size() > keep) {
      Batch batch = inFlight.poll();
      List<RecordProcessor.ExportOutcome> outcomes;
      try {
        outcomes = batch.outcomes().get();
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
      for (int i = 0; i < outcomes.size(); i++) {
        RecordOutcome outcome = outcomes.get(i).outcome();
        String content = outcomes.get(i).content();
        if (batch.file() != null && content != null && !seen.add(content)) {
          // A later copy of an export record read before: the first one is the record.
          outcome = new RecordOutcome.Excluded(RecordProcessor.DUPLICATE_CONTENT);
        }
        if (outcome instanceof RecordOutcome.Included included) {
          sink.write(included);
        } else if (outcome instanceof RecordOutcome.Excluded excluded && excluded.problem() != null && batch.file() != null) {
          progress.unreadable(batch.file().toString(), batch.lineNumbers()[i], excluded.reason(), excluded.problem());
        }
        tally.add(outcome);
      }
    }
  }

  private static List<RecordProcessor.ExportOutcome> processPosted(RecordProcessor processor, List<PostedContent> batch) {
    List<RecordProcessor.ExportOutcome> outcomes = new ArrayList<>(batch.size());
    for (PostedContent c : batch) {
      RecordOutcome outcome = processor.process(
          new ContentRecord(c.content(), c.member(), c.kind(), c.visibility(), c.postedAt(), c.deletedAt(), c.text()));
      outcomes.add(new RecordProcessor.ExportOutcome(null, outcome)); // ledger ids are unique
    }
    return outcomes;
  }

  private static List<RecordProcessor.ExportOutcome> processLines(RecordProcessor processor, List<byte[]> batch) {
    var decoder = RecordProcessor.strictUtf8();
    List<RecordProcessor.ExportOutcome> outcomes = new ArrayList<>(batch.size());
    for (byte[] line : batch) {
      outcomes.add(processor.processExportLine(line, decoder));
    }
    return outcomes;
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return runnable -> {
      Thread t = new Thread(runnable, "lethe-snapshot-worker");
      t.setDaemon(true);
      return t;
    };
  }
}
