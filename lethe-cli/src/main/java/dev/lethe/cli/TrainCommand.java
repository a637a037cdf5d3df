package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.SnapshotFiles;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.ShardTrainer;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.TrainingReport;
import dev.lethe.unlearn.forget.Retirements;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe train}: trains the reference language model on a published snapshot and registers it. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Trains the reference model on a published snapshot and registers it.",
      "",
      "Trains the reference model (interpolated Kneser–Ney n-grams, one per shard) on a published snapshot and"
          + " registers it; prints the model as one JSON object. Training the same snapshot again finds the same"
          + " model.",
      "",
      "A snapshot forgetting replaced is refused (exit status 2), naming the rebuild that replaced it, and so is"
          + " a snapshot with no records (a model of nothing scores every text alike). A shard file whose SHA-256"
          + " is not the manifest's is named and nothing is registered (exit status 1)."
    })
final class TrainCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--snapshot", required = true, paramLabel = "ID", description = "Snapshot id (see `lethe snapshots`).")
  String snapshot;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Snapshot directory (default: DATA/snapshots, then every directory a build published into).")
  Path out;

  @Option(names = "--models", paramLabel = "DIR", description = "Model directory (default: DATA/models).")
  Path models;

  @Option(names = "--order", paramLabel = "N", defaultValue = "3", description = "n-gram order, 3 to 8 (default: ${DEFAULT-VALUE}).")
  int order;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed recorded with the model; the default seed of `lethe generate` (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", paramLabel = "N", description = "Shards trained at once (default: available processors).")
  Integer threads;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Set by {@link #find}: a root a build recorded the snapshot in, when it was not found. */
  private String missingFrom;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    ShardTrainer trainer;
    try {
      trainer = ShardTrainer.kneserNey(order);
    } catch (IllegalArgumentException e) {
      err.println("--order: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (workers < 1) {
      err.println("--threads: must be at least 1");
      return Lethe.BAD_INPUT;
    }
    if (!SnapshotRoots.isSnapshotId(snapshot)) {
      err.println("--snapshot: not a snapshot id: " + snapshot);
      return Lethe.BAD_INPUT;
    }
    Path snapshotDir;
    try {
      snapshotDir = find();
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
    if (snapshotDir == null) {
      err.println("--snapshot: no published snapshot " + snapshot + " in "
          + (out != null ? out : SnapshotDirs.defaultDir(store) + " or any snapshot directory a build registered")
          + (missingFrom == null ? "" : "; a build recorded it in " + missingFrom + ", which lacks it now"
              + " (restore it, or 'lethe snapshots --retire " + snapshot + "')"));
      return Lethe.BAD_INPUT;
    }
    ModelRegistry registry = ModelRegistry.open(models != null ? models : ModelDirs.defaultDir(store));
    Path root = snapshotDir.getParent();
    Retirements retirements = Retired.read(List.of(root), registry, store);
    Optional<Retirements.ReplacedSnapshot> replaced = retirements.snapshot(root, snapshot);
    if (replaced.isPresent()) {
      // Its shard files are gone (or hold members forgetting removed): training on it would bring them back.
      List<String> now = retirements.inUseSuccessors(root, snapshot);
      err.println("--snapshot: " + replaced.get().describe()
          + (now.isEmpty() ? "; no snapshot replacing it is in use" : "; the snapshot in use now is " + String.join(", ", now)));
      return Lethe.BAD_INPUT;
    }
    Optional<Retirements.UnverifiedRebuild> unverified = retirements.unverifiedRebuild(root, snapshot);
    if (unverified.isPresent()) {
      // Forgetting has not verified it: it may hold what the members asked to have forgotten.
      err.println("--snapshot: " + unverified.get().describe() + "; train on that one");
      return Lethe.BAD_INPUT;
    }
    if (records(snapshotDir) == 0) {
      // A model of nothing scores every text alike (perplexity 2.0): it would only mislead.
      err.println("--snapshot: snapshot " + snapshot + " has no records to train on");
      return Lethe.BAD_INPUT;
    }
    TrainingReport report = Training.of(registry, workers).train(snapshotDir, trainer, seed);
    ObjectNode o = ModelsCommand.json(report.model());
    o.put("already_published", report.alreadyPublished());
    o.put("records_trained", report.recordsTrained());
    o.put("seconds", report.elapsed().toMillis() / 1000.0);
    PrintWriter w = spec.commandLine().getOut();
    w.println(o);
    w.flush();
    return CommandLine.ExitCode.OK;
  }

  /** The records of the snapshot's shards, as its manifest lists them. */
  private static long records(Path snapshotDir) throws IOException {
    JsonNode manifest = JSON.readTree(snapshotDir.resolve(SnapshotFiles.MANIFEST).toFile());
    long records = 0;
    for (JsonNode shard : manifest.path("shards")) {
      records += shard.path("records").asLong();
    }
    return records;
  }

  /**
   * The snapshot's directory: in {@code --out}; else in DATA/snapshots, then in the directories
   * builds registered (the store is opened only when the default directory lacks it); null if none.
   */
  private Path find() {
    missingFrom = null;
    List<Path> roots = out != null ? List.of(out) : List.of(SnapshotDirs.defaultDir(store));
    for (int pass = 0; pass < 2; pass++) {
      for (Path root : roots) {
        if (Files.isRegularFile(root.resolve(snapshot).resolve("manifest.json"))) {
          return root.resolve(snapshot);
        }
      }
      if (out != null || pass > 0) {
        return null;
      }
      try (LedgerStore ledger = store.open(Clock.systemUTC())) {
        roots = SnapshotDirs.roots(ledger, store);
        // Not found anywhere: say where a build recorded it, if one did, rather than only "no such snapshot".
        missingFrom = ledger.recordedSnapshots().stream().filter(r -> r.snapshot().equals(snapshot))
            .map(r -> r.root().toString()).findFirst().orElse(null);
      }
    }
    return null;
  }
}
