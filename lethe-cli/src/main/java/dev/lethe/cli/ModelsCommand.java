package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.ModelRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe models}: the registered models, one JSON line each. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Lists registered models (by id): snapshot, trainer, seed, digest, parent and shards, one JSON line each.")
final class ModelsCommand implements Callable<Integer> {

  @Option(names = "--models", paramLabel = "DIR", description = "Model directory (default: DATA/models).")
  Path models;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    for (ModelRecord m : ModelRegistry.open(models != null ? models : ModelDirs.defaultDir(store)).models()) {
      w.println(json(m));
    }
    w.flush();
    return CommandLine.ExitCode.OK;
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
