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
import java.util.TreeMap;
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
      "Scores the detectors on labeled data: span-level precision, recall and F2 per type and"
          + " overall, for overlapping spans (P, R, F2) and for exact ones (xP, xR, xF2). A rate"
          + " with nothing to count is n/a (null in the JSON): precision when nothing was"
          + " predicted, recall when nothing was labeled, F2 when neither.",
      "",
      "DATASET is presidio-research JSON (*.json) or CoNLL with BIO tags (anything else)."
          + " Presidio sets are scored on every type Lethe detects (gold DOMAIN_NAME counts as"
          + " URL); CoNLL sets on PERSON unless --types says otherwise.",
      "",
      "Prints a table per dataset and writes all results as JSON. With --errors, also writes"
          + " every missed and spurious span as a JSON line, to read what the detectors get"
          + " wrong. Unknown types and unwritable output files are refused (exit status 2)"
          + " before anything is scored.",
      ""
    })
final class RedactEvalCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "DATASET", description = "Labeled files.")
  List<Path> datasets;

  @Option(names = "--json", paramLabel = "FILE", defaultValue = "redact-eval.json",
      description = "Where to write the JSON results (default: ${DEFAULT-VALUE}).")
  Path json;

  @Option(names = "--types", split = ",", paramLabel = "TYPE",
      description = "Lethe types to score, e.g. PERSON,EMAIL_ADDRESS.")
  List<String> types;

  @Option(names = "--alias", paramLabel = "TYPE=AS",
      description = "Count a Lethe type as another Lethe type, e.g. ZIP_CODE=STREET_ADDRESS for"
          + " corpora that label a postcode as part of the address.")
  Map<String, String> aliases = new HashMap<>();

  @Option(names = "--errors", paramLabel = "FILE",
      description = "Also write each error as a JSON line: {dataset, id, kind: missed|spurious,"
          + " type, start, end, span, context}.")
  Path errors;

  @Option(names = "--no-model", description = "Leave out the statistical name finder.")
  boolean noModel;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String badOption = checkTypes();
    if (badOption == null) {
      badOption = checkWritable("--json", json);
    }
    if (badOption == null && errors != null) {
      badOption = checkWritable("--errors", errors);
    }
    if (badOption != null) {
      err.println(badOption);
      return Lethe.BAD_INPUT;
    }
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
      out.print(table(report));
      out.println();
      results.add(toJson(mapper, report, scored, aliases));
    });
    try {
      mapper.writeValue(json.toFile(), results);
    } catch (IOException e) {
      err.println("lethe: cannot write " + json + ": " + e.getMessage());
      return CommandOutput.WRITE_FAILED;
    }
    out.println("wrote " + json);
    if (errors != null) {
      ObjectWriter line = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
      try (BufferedWriter w = Files.newBufferedWriter(errors, StandardCharsets.UTF_8)) {
        for (ObjectNode o : errorLines) {
          w.write(line.writeValueAsString(o));
          w.newLine();
        }
      } catch (IOException e) {
        err.println("lethe: cannot write " + errors + ": " + e.getMessage());
        return CommandOutput.WRITE_FAILED;
      }
      out.println("wrote " + errors + " (" + errorLines.size() + " errors)");
    }
    if (CommandOutput.failed(out)) {
      return CommandOutput.writeFailed(err);
    }
    return CommandLine.ExitCode.OK;
  }

  /** What is wrong with --types and --alias, or null: both name only types Lethe detects. */
  private String checkTypes() {
    Set<String> known = EnumSet.allOf(EntityType.class).stream().map(Enum::name)
        .collect(Collectors.toCollection(TreeSet::new));
    String hint = " is not a Lethe type (one of " + String.join(", ", known) + ")";
    if (types != null) {
      for (String t : types) {
        if (!known.contains(t)) {
          return "--types: \"" + t + "\"" + hint;
        }
      }
    }
    for (Map.Entry<String, String> a : aliases.entrySet()) {
      for (String t : List.of(a.getKey(), a.getValue())) {
        if (!known.contains(t)) {
          return "--alias " + a.getKey() + "=" + a.getValue() + ": \"" + t + "\"" + hint;
        }
      }
    }
    return null;
  }

  /**
   * What keeps {@code file} from being written, or null. Checked before the (long) scoring, so a
   * typo in a path costs nothing; the file itself is not created until the results are ready.
   */
  private static String checkWritable(String option, Path file) {
    Path abs = file.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return option + " " + file + ": is a directory";
    }
    if (Files.exists(abs)) {
      return Files.isRegularFile(abs) && Files.isWritable(abs)
          ? null
          : option + " " + file + ": cannot write this file (not a regular file, or no permission)";
    }
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return option + " " + file + ": the directory " + dir + " does not exist";
    }
    return Files.isWritable(dir) ? null : option + " " + file + ": cannot create files in " + dir;
  }

  /** The report as a fixed-width table, one line per type and one for all; n/a as in the JSON. */
  static String table(Evaluation.Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s: %d texts, %d code points, %.1f s (%.1f KB/s)%n",
        r.dataset(), r.texts(), r.codePoints(), r.seconds(), r.codePoints() / 1000.0 / Math.max(r.seconds(), 1e-9)));
    sb.append(String.format(Locale.ROOT, "%-15s %6s %6s %6s %6s %6s | %6s %6s %6s%n",
        "type", "gold", "pred", "P", "R", "F2", "xP", "xR", "xF2"));
    new TreeMap<>(r.perType()).forEach((k, m) -> sb.append(row(k, m)));
    sb.append(row("ALL", r.overall()));
    return sb.toString();
  }

  private static String row(String k, Evaluation.Metrics m) {
    Double[] rates = rates(m);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-15s %6d %6d", k, m.gold(), m.predicted()));
    for (int i = 0; i < rates.length; i++) {
      sb.append(i == 3 ? " |" : "").append(String.format(Locale.ROOT, " %6s",
          rates[i] == null ? "n/a" : String.format(Locale.ROOT, "%.3f", rates[i])));
    }
    return sb.append(System.lineSeparator()).toString();
  }

  /**
   * Precision, recall, F2, then the same for exact matches; null where there is nothing to count
   * (Evaluation's own convention scores an empty type as perfect, which reads as a result).
   */
  private static Double[] rates(Evaluation.Metrics m) {
    boolean noPred = m.predicted() == 0;
    boolean noGold = m.gold() == 0;
    boolean none = noPred && noGold;
    return new Double[] {
      noPred ? null : m.precision(), noGold ? null : m.recall(), none ? null : m.f2(),
      noPred ? null : m.exactPrecision(), noGold ? null : m.exactRecall(), none ? null : m.exactF2()};
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
    o.putPOJO("aliases", new java.util.TreeMap<>(aliases));
    ObjectNode per = o.putObject("perType");
    r.perType().forEach((k, m) -> per.set(k, metrics(mapper, m)));
    o.set("overall", metrics(mapper, r.overall()));
    return o;
  }

  private static ObjectNode metrics(ObjectMapper mapper, Evaluation.Metrics m) {
    ObjectNode o = mapper.createObjectNode();
    o.put("gold", m.gold());
    o.put("predicted", m.predicted());
    // The counts behind the rates, so that results of several runs or datasets can be summed.
    o.put("matchedGold", m.matchedGold());
    o.put("matchedPredicted", m.matchedPredicted());
    o.put("exact", m.exact());
    Double[] rates = rates(m);
    String[] names = {"precision", "recall", "f2", "exactPrecision", "exactRecall", "exactF2"};
    for (int i = 0; i < names.length; i++) {
      o.put(names[i], rates[i]);
    }
    return o;
  }
}
