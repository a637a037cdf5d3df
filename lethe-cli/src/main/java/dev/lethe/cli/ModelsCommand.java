package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.forget.Retirements;
import dev.lethe.store.LedgerStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe models}: the registered models, one JSON line each. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Lists registered models (by id): snapshot, trainer, seed, digest, parent and shards, one JSON line each.",
      "",
      "Each line says whether the model is in use (\"status\":\"in-use\") or was retired by forgetting"
          + " (\"status\":\"retired\", with \"retired\": when, the replaced snapshot it was trained from, the"
          + " retrained model that replaces it, whether its artefacts were deleted, and under which forget requests)."
    })
final class ModelsCommand implements Callable<Integer> {

  @Option(names = "--models", paramLabel = "DIR", description = "Model directory (default: DATA/models).")
  Path models;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    ModelRegistry registry = ModelRegistry.open(models != null ? models : ModelDirs.defaultDir(store));
    List<ModelRecord> all = registry.models();
    Retirements retirements = Retired.read(roots(all), registry, store);
    for (ModelRecord m : all) {
      w.println(retirements.putModelStatus(json(m), m.id()));
    }
    w.flush();
    return CommandLine.ExitCode.OK;
  }

  /**
   * The snapshot roots whose replacements retire models: DATA/snapshots when it holds the snapshot of
   * every model (the usual case: no store is opened), else also every readable directory a build
   * registered.
   */
  private List<Path> roots(List<ModelRecord> all) {
    Path own = SnapshotDirs.canonical(SnapshotDirs.defaultDir(store));
    if (all.stream().allMatch(m -> Files.isDirectory(own.resolve(m.snapshot())))) {
      return List.of(own);
    }
    try (LedgerStore ledger = store.open(Clock.systemUTC())) {
      return SnapshotDirs.roots(ledger, store).stream().filter(SnapshotDirs::reachable).toList();
    }
  }

  /** A model as the model commands print it. */
  static ObjectNode json(ModelRecord m) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("model", m.id());
    o.put("snapshot", m.snapshot());
    o.put("trainer", m.trainer());
    o.put("trainer_version", m.trainerVersion());
    ObjectNode settings = o.putObject("settings");
    m.settings().forEach(settings::put);
    o.put("seed", m.seed());
    o.put("digest", m.digest());
    o.put("parent", m.parent().orElse(null));
    o.put("origin", m.origin().word());
    o.put("shards", m.shards().size());
    ArrayNode trained = o.putArray("trained_shards");
    m.trainedShards().forEach(trained::add);
    o.put("records", m.records());
    o.put("directory", m.directory().toString());
    return o;
  }
}
