package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.unlearn.Generation;
import dev.lethe.unlearn.Model;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.ModelRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe generate}: samples a continuation of a prompt from a registered model. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Samples text from a registered model, deterministically for a seed.",
      "",
      "Samples a continuation of the prompt's last sentence from a registered model, until the end of the"
          + " sentence or --max-tokens; the same model, prompt and seed always give the same text. Prints one JSON"
          + " object.",
      "",
      "A model forgetting retired is refused (exit status 2), naming the model in use that replaced it."
    })
final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "ID", description = "Model id (see `lethe models`).")
  String model;

  @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "Text to continue (may be empty).")
  String prompt;

  @Option(names = "--seed", paramLabel = "N", description = "Sampling seed (default: the model's seed).")
  Long seed;

  @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "50", description = "Most tokens to sample (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--models", paramLabel = "DIR", description = "Model directory (default: DATA/models).")
  Path models;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (maxTokens < 0) {
      err.println("--max-tokens: must not be negative");
      return Lethe.BAD_INPUT;
    }
    ModelRegistry registry = ModelRegistry.open(models != null ? models : ModelDirs.defaultDir(store));
    Optional<ModelRecord> record = registry.find(model);
    if (record.isEmpty()) {
      err.println("--model: no model " + model + " in " + registry.directory());
      return Lethe.BAD_INPUT;
    }
    // Its artefacts are gone (or were trained on members forgetting removed).
    String refusal = Retired.refusal(store, registry, record.get());
    if (refusal != null) {
      err.println(refusal);
      return Lethe.BAD_INPUT;
    }
    Model loaded = registry.load(model);
    long s = seed != null ? seed : record.get().seed();
    Generation g = loaded.generate(prompt, maxTokens, s);
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("model", model);
    o.put("prompt", prompt);
    o.put("seed", s);
    o.put("text", g.text());
    ArrayNode tokens = o.putArray("tokens");
    g.tokens().forEach(tokens::add);
    o.put("ended", g.ended());
    PrintWriter w = spec.commandLine().getOut();
    w.println(o);
    w.flush();
    return CommandLine.ExitCode.OK;
  }
}
