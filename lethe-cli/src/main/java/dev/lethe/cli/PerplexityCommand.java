package dev.lethe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.text.ByteLines;
import dev.lethe.unlearn.Model;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.TextScore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lethe perplexity}: how well a registered model predicts held-out text. */
@Command(
    name = "perplexity",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Scores a file with a registered model: per-token perplexity.",
      "",
      "The perplexity is over all the file's texts. Lines that start with '{'"
          + " are JSON objects whose \"text\" is scored (a content export or shard); other lines are plain text;"
          + " blank lines are skipped. FILE - reads standard input. Prints one JSON object.",
      "",
      "A line that is not valid UTF-8 is refused (exit status 2, 'FILE:LINE: not valid UTF-8'), and so is"
          + " input with no text to score: with no tokens there is no perplexity.",
      "",
      "A model forgetting retired is refused (exit status 2), naming the model in use that replaced it."
    })
final class PerplexityCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, paramLabel = "ID", description = "Model id (see `lethe models`).")
  String model;

  @Parameters(index = "0", paramLabel = "FILE", description = "JSON Lines with \"text\", or plain text lines; - for standard input.")
  String file;

  @Option(names = "--models", paramLabel = "DIR", description = "Model directory (default: DATA/models).")
  Path models;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (!file.equals("-") && Files.isDirectory(Path.of(file))) {
      err.println("FILE: " + file + " is a directory");
      return Lethe.BAD_INPUT;
    }
    if (!file.equals("-") && !Files.isRegularFile(Path.of(file))) {
      err.println("FILE: no such file: " + file);
      return Lethe.BAD_INPUT;
    }
    ModelRegistry registry = ModelRegistry.open(models != null ? models : ModelDirs.defaultDir(store));
    if (registry.find(model).isEmpty()) {
      err.println("--model: no model " + model + " in " + registry.directory());
      return Lethe.BAD_INPUT;
    }
    // Its artefacts are gone (or were trained on members forgetting removed).
    String refusal = Retired.refusal(store, registry, registry.require(model));
    if (refusal != null) {
      err.println(refusal);
      return Lethe.BAD_INPUT;
    }
    Model loaded = registry.load(model);
    TextScore total = TextScore.EMPTY;
    long texts = 0;
    // Lines are split as bytes and decoded strictly, as the ledger and content readers do, so that
    // invalid UTF-8 is refused naming its line instead of being scored as replacement characters.
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
      ByteLines lines = new ByteLines(in, ByteLines.UNLIMITED);
      long number = 0;
      for (byte[] bytes = lines.next(); bytes != null; bytes = lines.next()) {
        number++;
        String line;
        try {
          line = utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
          err.println(file + ":" + number + ": not valid UTF-8");
          return Lethe.BAD_INPUT;
        }
        if (number == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        String text = line;
        if (line.stripLeading().startsWith("{")) {
          JsonNode node;
          try {
            node = JSON.readTree(line);
          } catch (JsonProcessingException e) {
            err.println(file + ":" + number + ": malformed JSON");
            return Lethe.BAD_INPUT;
          }
          if (node == null || !node.path("text").isTextual()) {
            err.println(file + ":" + number + ": no \"text\" string");
            return Lethe.BAD_INPUT;
          }
          text = node.get("text").textValue();
        }
        total = total.plus(loaded.score(text));
        texts++;
      }
    }
    if (total.tokens() == 0) {
      // A perplexity needs at least one token: 1.0 for nothing scored would read as a perfect score.
      err.println(file + ": no text to score (" + (texts == 0 ? "no lines with text" : "its texts hold no tokens") + ")");
      return Lethe.BAD_INPUT;
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("model", model);
    o.put("file", file);
    o.put("texts", texts);
    o.put("tokens", total.tokens());
    o.put("log2_probability", total.log2Probability());
    o.put("bits_per_token", -total.log2Probability() / total.tokens());
    o.put("perplexity", total.perplexity());
    PrintWriter w = spec.commandLine().getOut();
    w.println(o);
    w.flush();
    return CommandLine.ExitCode.OK;
  }
}
