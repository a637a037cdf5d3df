package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.ShardTrainer;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.TrainingReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe train}: trains the reference language model on a published snapshot and registers it. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains the reference model on a published snapshot and registers it.",
      "Trains the reference model (interpolated Kneser–Ney n-grams, one per shard) on a published snapshot",
      "and registers it; prints the model as one JSON object. Training the same snapshot again finds the same model."
    })
final class TrainCommand implements Callable<Integer> {

  @Option(names = "--snapshot", required = true, paramLabel = "ID", description = "Snapshot id (see `lethe snapshots`).")
  String snapshot;

  @Option(names = "--out", paramLabel = "DIR", description = "Snapshot directory (default: DATA/snapshots).")
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
    Path snapshotDir = (out != null ? out : SnapshotDirs.defaultDir(store)).resolve(snapshot);
    if (snapshot.isEmpty() || snapshot.startsWith(".") || snapshot.contains("/") || !Files.isRegularFile(snapshotDir.resolve("manifest.json"))) {
      err.println("--snapshot: no published snapshot " + snapshot + " in " + snapshotDir.getParent());
      return Lethe.BAD_INPUT;
    }
    ModelRegistry registry = ModelRegistry.open(models != null ? models : ModelDirs.defaultDir(store));
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
}
