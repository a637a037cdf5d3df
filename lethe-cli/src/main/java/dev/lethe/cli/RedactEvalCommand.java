package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.eval.Datasets;
import dev.lethe.redact.eval.Evaluation;
import dev.lethe.redact.eval.LabeledText;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lethe redact-eval DATASET...}: span-level precision, recall and F2 of the detectors. */
@Command(
    name = "redact-eval",
    mixinStandardHelpOptions = true,
    description = {
      "Scores the detectors on labeled data (precision, recall, F2 per type).",
      "Scores the detectors on labeled data: span-level precision, recall and F2 per type and",
      "overall, for overlap and for exact matches. DATASET is presidio-research JSON (*.json) or",
      "CoNLL with BIO tags (anything else). Presidio sets are scored on every type Lethe",
      "detects (gold DOMAIN_NAME counts as URL); CoNLL sets on PERSON unless --types says",
      "otherwise. Prints a table per dataset and writes all results as JSON. With --errors, also",
      "writes every missed and spurious span as a JSON line, to read what the detectors get wrong."
    })
final class RedactEvalCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "DATASET", description = "Labeled files.")
  List<Path> datasets;

  @Option(names = "--json", paramLabel = "FILE", defaultValue = "redact-eval.json",
      description = "Where to write the JSON results (default: ${DEFAULT-VALUE}).")
  Path json;

  @Option(names = "--types", split = ",", paramLabel = "TYPE",
      description = "Types to score, e.g. PERSON,EMAIL_ADDRESS.")
  List<String> types;

  @Option(names = "--alias", paramLabel = "LETHE=GOLD",
      description = "Count a Lethe type as another, e.g. SOCIAL_HANDLE=PERSON for corpora that "
          + "label @mentions as people.")
  Map<String, String> aliases = new HashMap<>();

  @Option(names = "--errors", paramLabel = "FILE",
      description = "Also write each error as a JSON line: {dataset, id, kind: missed|spurious, type, "
          + "start, end, span, context}.")
  Path errors;

  @Option(names = "--no-model", description = "Leave out the statistical name finder.")
  boolean noModel;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Every file is read before anything is scored or written, so a bad file changes nothing.
    Map<Path, List<LabeledText>> labeled = new LinkedHashMap<>();
    for (Path file : datasets) {
      try {
        labeled.put(file, Datasets.read(file));
      } catch (IOException | RuntimeException e) {
        err.println(file + ": cannot read: " + e.getMessage());
        return Lethe.BAD_INPUT;
      }
    }
    Detector detector = noModel
        ? Detector.of(EnumSet.allOf(EntityType.class), false)
        : Detector.standard();
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode results = mapper.createArrayNode();
    List<ObjectNode> errorLines = new ArrayList<>();
    labeled.forEach((file, texts) -> {
      boolean presidio = file.getFileName().toString().endsWith(".json");
      Set<String> scored = types != null
          ? new TreeSet<>(types)
          : presidio
              ? EnumSet.allOf(EntityType.class).stream().map(Enum::name).collect(Collectors.toCollection(TreeSet::new))
              : Set.of("PERSON");
      Map<String, String> goldAliases = presidio ? Map.of("DOMAIN_NAME", "URL") : Map.of();
      Evaluation.Report report = Evaluation.run(file.toString(), detector, texts,
          new Evaluation.Options(scored, goldAliases, aliases),
          e -> {
            if (errors != null) {
              errorLines.add(errorJson(mapper, file, e));
            }
          });
      out.print(Evaluation.table(report));
      out.println();
      results.add(toJson(mapper, report, scored, aliases));
    });
    mapper.writeValue(json.toFile(), results);
    out.println("wrote " + json);
    if (errors != null) {
      ObjectWriter line = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
      try (BufferedWriter w = Files.newBufferedWriter(errors, StandardCharsets.UTF_8)) {
        for (ObjectNode o : errorLines) {
          w.write(line.writeValueAsString(o));
          w.newLine();
        }
      }
      out.println("wrote " + errors + " (" + errorLines.size() + " errors)");
    }
    return CommandLine.ExitCode.OK;
  }

  /** One error as JSON, with up to 40 code points of text either side for context. */
  static ObjectNode errorJson(ObjectMapper mapper, Path file, Evaluation.Mistake e) {
    String t = e.text().text();
    int cps = t.codePointCount(0, t.length());
    ObjectNode o = mapper.createObjectNode();
    o.put("dataset", file.toString());
    o.put("id", e.text().id());
    o.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
    o.put("type", e.type());
    o.put("start", e.start());
    o.put("end", e.end());
    o.put("span", e.covered());
    int from = t.offsetByCodePoints(0, Math.max(0, e.start() - 40));
    int to = t.offsetByCodePoints(0, Math.min(cps, e.end() + 40));
    o.put("context", t.substring(from, to));
    return o;
  }

  private static ObjectNode toJson(ObjectMapper mapper, Evaluation.Report r, Set<String> scored,
      Map<String, String> aliases) {
    ObjectNode o = mapper.createObjectNode();
    o.put("dataset", r.dataset());
    o.put("texts", r.texts());
    o.put("codePoints", r.codePoints());
    o.put("seconds", r.seconds());
    o.putPOJO("scoredTypes", scored);
    o.putPOJO("aliases", aliases);
    ObjectNode per = o.putObject("perType");
    r.perType().forEach((k, m) -> per.set(k, metrics(mapper, m)));
    o.set("overall", metrics(mapper, r.overall()));
    return o;
  }

  private static ObjectNode metrics(ObjectMapper mapper, Evaluation.Metrics m) {
    ObjectNode o = mapper.createObjectNode();
    o.put("gold", m.gold());
    o.put("predicted", m.predicted());
    o.put("precision", m.precision());
    o.put("recall", m.recall());
    o.put("f2", m.f2());
    o.put("exactPrecision", m.exactPrecision());
    o.put("exactRecall", m.exactRecall());
    o.put("exactF2", m.exactF2());
    return o;
  }
}
