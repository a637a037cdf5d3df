package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The scenarios lethe-core ships in its test resources (tests run in the module directory). */
  static Path scenarios() {
    Path path = Path.of("..", "lethe-core", "src", "test", "resources", "scenarios").toAbsolutePath().normalize();
    assertThat(path).isDirectory();
    return path;
  }

  static List<JsonNode> jsonLines(String text) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  @TestFactory
  Stream<DynamicTest> replayPrintsTheExpectedLinesForEveryScenario() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(scenarios())) {
      files = walk.filter(p -> p.toString().endsWith(".jsonl") && !p.toString().endsWith(".expected.jsonl"))
          .sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(51);
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      CliRun run = CliRun.run("replay", f.toString());
      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.err()).isEmpty();
      Path expected = Path.of(f.toString().replace(".jsonl", ".expected.jsonl"));
      assertThat(jsonLines(run.out())).isEqualTo(jsonLines(Files.readString(expected)));
    }));
  }

  @Test
  void outputHasTheSpecsKeysAndFormat() throws Exception {
    CliRun run = CliRun.run("replay", scenarios().resolve("edges/e000.jsonl").toString());
    String first = run.out().lines().findFirst().orElseThrow();
    assertThat(first).isEqualTo(
        "{\"member\":\"m0\",\"purpose\":\"genai-training\",\"at\":\"2024-02-03T08:00:00Z\",\"allowed\":false,"
            + "\"reason\":\"jurisdiction-blocked\",\"setting_offered\":false,\"policy_version\":\"a0\"}");
    // An offset instant is printed in UTC.
    assertThat(run.out()).contains("\"at\":\"2024-02-04T08:00:00Z\"");
  }

  @Test
  void fractionalSecondsArePrintedOnlyWhenNonZero(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("q.jsonl");
    Files.writeString(file,
        "{\"type\":\"query\",\"at\":\"2024-09-20T12:00:00.250+00:00\",\"member\":\"m\",\"purpose\":\"p\"}\n"
            + "{\"type\":\"query\",\"at\":\"2024-09-20T12:00:00.000Z\",\"member\":\"m\",\"purpose\":\"p\"}\n");
    CliRun run = CliRun.run("replay", file.toString());
    List<JsonNode> lines = jsonLines(run.out());
    assertThat(lines.get(0).get("at").asText()).isEqualTo("2024-09-20T12:00:00.250Z");
    assertThat(lines.get(1).get("at").asText()).isEqualTo("2024-09-20T12:00:00Z");
    assertThat(lines.get(0).get("policy_version").isNull()).isTrue();
    assertThat(lines.get(0).get("reason").asText()).isEqualTo("unknown-member");
  }

  @Test
  void severalFilesAreAnsweredInOrderAndEachLineNamesItsFile(@TempDir Path dir) throws Exception {
    String a = scenarios().resolve("edges/e000.jsonl").toString();
    String b = scenarios().resolve("edges/e001.jsonl").toString();
    CliRun run = CliRun.run("replay", a, b);
    assertThat(run.status()).isZero();
    List<JsonNode> lines = jsonLines(run.out());
    List<JsonNode> expectedA = jsonLines(Files.readString(Path.of(a.replace(".jsonl", ".expected.jsonl"))));
    List<JsonNode> expectedB = jsonLines(Files.readString(Path.of(b.replace(".jsonl", ".expected.jsonl"))));
    assertThat(lines).hasSize(expectedA.size() + expectedB.size());
    for (int i = 0; i < lines.size(); i++) {
      boolean inA = i < expectedA.size();
      assertThat(lines.get(i).get("file").asText()).isEqualTo(inA ? a : b);
      JsonNode withoutFile = ((com.fasterxml.jackson.databind.node.ObjectNode) lines.get(i).deepCopy()).without("file");
      assertThat(withoutFile)
          .isEqualTo(inA ? expectedA.get(i) : expectedB.get(i - expectedA.size()));
    }
  }

  @Test
  void anInvalidFileExitsTwoNamesTheLineAndPrintsNothingForIt(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad,
        "{\"type\":\"query\",\"at\":\"2024-09-20T12:00:00Z\",\"member\":\"m\",\"purpose\":\"p\"}\n"
            + "\n"
            + "{\"type\":\"gpc.signal\",\"at\":\"2024-09-20T12:00:00Z\",\"member\":\"ghost\"}\n");
    CliRun single = CliRun.run("replay", bad.toString());
    assertThat(single.status()).isEqualTo(2);
    assertThat(single.out()).isEmpty();
    assertThat(single.err().strip()).isEqualTo("line 3: member \"ghost\" does not exist at 2024-09-20T12:00:00Z");

    String good = scenarios().resolve("edges/e000.jsonl").toString();
    CliRun several = CliRun.run("replay", bad.toString(), good);
    assertThat(several.status()).isEqualTo(2);
    assertThat(several.err().strip()).startsWith(bad + ": line 3: ");
    assertThat(jsonLines(several.out())).allSatisfy(l -> assertThat(l.get("file").asText()).isEqualTo(good));
    assertThat(jsonLines(several.out())).hasSize(4);
  }

  @Test
  void aMissingFileIsBadInput() {
    CliRun run = CliRun.run("replay", "/nonexistent/ledger.jsonl");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("/nonexistent/ledger.jsonl");
  }

  @Test
  void dashReadsStandardInput() throws Exception {
    String text = Files.readString(scenarios().resolve("edges/e000.jsonl"));
    CliRun run = CliRun.runWithStdin(text, "replay", "-");
    assertThat(run.status()).isZero();
    assertThat(jsonLines(run.out()))
        .isEqualTo(jsonLines(Files.readString(scenarios().resolve("edges/e000.expected.jsonl"))));
  }

  @Test
  void helpAndVersionFollowPicocliConventions() {
    CliRun help = CliRun.run("--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("Usage: lethe", "replay", "eligible");
    CliRun replayHelp = CliRun.run("replay", "--help");
    assertThat(replayHelp.out()).contains("Usage: lethe replay", "FILE...");
    CliRun version = CliRun.run("--version");
    assertThat(version.status()).isZero();
    assertThat(version.out()).startsWith("lethe ");
    CliRun usage = CliRun.run("replay");
    assertThat(usage.status()).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required parameter");
  }
}
