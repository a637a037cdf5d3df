package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the commands that read JSON Lines say about a line or a file they cannot use. */
class InputErrorsTest {

  private static final Path TIMELINE =
      Path.of("..", "lethe-core", "src", "test", "resources", "scenarios", "timeline-2024.jsonl");

  @TempDir Path dir;

  /** The timeline with its 6th line cut short by its closing brace. */
  private Path truncatedLedger() throws Exception {
    List<String> lines = Files.readAllLines(TIMELINE, StandardCharsets.UTF_8);
    String sixth = lines.get(5);
    assertThat(sixth).endsWith("}");
    lines.set(5, sixth.substring(0, sixth.length() - 1));
    Path file = dir.resolve("a.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void aTruncatedLedgerLineIsNamedByLineAndColumnWithoutParserInternals() throws Exception {
    Path file = truncatedLedger();
    int column = Files.readAllLines(file).get(5).length() + 1;
    String expected = "line 6: malformed JSON at column " + column + ": the object is not closed\n";
    for (String[] args : List.of(
        new String[] {"replay", file.toString()},
        new String[] {"eligible", file.toString(), "--purpose", "genai-training", "--at", "2024-06-01T00:00:00Z"},
        new String[] {"import", file.toString(), "--data", dir.resolve("data").toString()})) {
      CliRun r = CliRun.run(args);
      assertThat(r.status()).as(args[0]).isEqualTo(2);
      assertThat(r.err()).as(args[0]).isEqualTo(expected);
    }
  }

  @Test
  void detectSaysWhereALineBreaks() {
    CliRun r = CliRun.runWithStdin("{\"id\":1,\"text\":\"x\"\n", "detect");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("line 1: malformed JSON at column 19: the object is not closed\n");
    CliRun trailing = CliRun.runWithStdin("{\"id\":1,\"text\":\"x\"} {}\n", "detect");
    assertThat(trailing.err()).isEqualTo("line 1: malformed JSON at column 21: text after the JSON value\n");
  }

  @Test
  void aDirectoryGivenAsALedgerFileIsNamed() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("folder"));
    for (String[] args : List.of(
        new String[] {"replay", folder.toString()},
        new String[] {"eligible", folder.toString(), "--purpose", "genai-training", "--at", "2024-06-01T00:00:00Z"},
        new String[] {"import", folder.toString(), "--data", dir.resolve("data").toString()})) {
      CliRun r = CliRun.run(args);
      assertThat(r.status()).as(args[0]).isEqualTo(2);
      assertThat(r.err()).as(args[0]).isEqualTo("cannot read " + folder + ": is a directory, not a ledger file\n");
    }
    CliRun missing = CliRun.run("replay", dir.resolve("nope.jsonl").toString());
    assertThat(missing.err()).isEqualTo("cannot read " + dir.resolve("nope.jsonl") + ": no such file\n");
  }
}
