package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lethe detect}, {@code lethe redact} and {@code lethe redact-eval}: what scorers and users call. */
class RedactCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void detectAnswersEachLineWithCodePointOffsets() throws Exception {
    // The emoji is two UTF-16 units but one code point: offsets must count it once.
    String in = "{\"id\": 7, \"text\": \"\uD83D\uDE00 mail ana@example.com\"}\n"
        + "{\"id\": \"b\", \"text\": \"call 020 7946 0958\", \"country\": \"GB\"}\n";
    CliRun run = CliRun.runWithStdin(in, "detect");
    assertThat(run.status()).isZero();
    List<JsonNode> lines = lines(run.out());
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("id").asInt()).isEqualTo(7);
    JsonNode email = lines.get(0).get("spans").get(0);
    assertThat(email.get("type").asText()).isEqualTo("EMAIL_ADDRESS");
    assertThat(email.get("start").asInt()).isEqualTo(7);
    assertThat(email.get("end").asInt()).isEqualTo(22);
    assertThat(lines.get(1).get("id").asText()).isEqualTo("b");
    assertThat(lines.get(1).get("spans").get(0).get("type").asText()).isEqualTo("PHONE_NUMBER");
  }

  @Test
  void detectEchoesANumericIdExactlyAsWritten() throws Exception {
    // Parsed as a double, 1e400 would print as the string "Infinity" and 1.50 as 1.5.
    String in = "{\"id\":1e400,\"text\":\"x\"}\n"
        + "{\"text\":\"x\", \"nested\": {\"id\": 3}, \"id\": 1.50}\n"
        + "{\"id\":-0,\"text\":\"x\"}\n"
        + "{\"id\":123456789012345678901234567890,\"text\":\"x\"}\n";
    CliRun run = CliRun.runWithStdin(in, "detect");
    assertThat(run.status()).isZero();
    assertThat(run.out().lines().toList()).containsExactly(
        "{\"id\":1e400,\"spans\":[]}",
        "{\"id\":1.50,\"spans\":[]}",
        "{\"id\":-0,\"spans\":[]}",
        "{\"id\":123456789012345678901234567890,\"spans\":[]}");
  }

  @Test
  void detectNamesTheBadLineAndStillAnswersTheOthers() throws Exception {
    String in = "{\"id\": 1, \"text\": \"ana@example.com\"}\n"
        + "{\"id\": 2, \"text\": 42}\n"
        + "not json\n"
        + "{\"id\": 4, \"text\": \"bo@example.org\"}\n";
    CliRun run = CliRun.runWithStdin(in, "detect");
    assertThat(run.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(run.err()).contains("line 2: \"text\" must be a string, not number").contains("line 3: malformed JSON at column 4: unrecognized token 'not': expected a JSON value");
    assertThat(lines(run.out())).extracting(n -> n.get("id").asInt()).containsExactly(1, 4);
  }

  @Test
  void redactLeavesNoOriginalValueAndPseudonymsFollowTheSecret() {
    String text = "Maria Rossi wrote to maria.rossi@example.com from +44 20 7946 0958.";
    String secret = "00112233445566778899aabbccddeeff";
    CliRun first = CliRun.runWithStdin(text, "redact", "--secret-hex", secret);
    CliRun again = CliRun.runWithStdin(text, "redact", "--secret-hex", secret);
    CliRun other = CliRun.runWithStdin(text, "redact", "--secret-hex", "ff" + secret.substring(2));
    assertThat(first.status()).isZero();
    assertThat(first.out()).doesNotContain("Maria", "Rossi", "maria.rossi", "7946")
        .contains("[EMAIL_ADDRESS]", "[PHONE_NUMBER]").containsPattern("\\[PERSON_[0-9a-f]{6}]");
    assertThat(again.out()).isEqualTo(first.out());
    assertThat(other.out()).isNotEqualTo(first.out());
    assertThat(CliRun.runWithStdin(text, "redact", "--secret-hex", "abc").status()).isEqualTo(Lethe.BAD_INPUT);
  }

  @Test
  void redactEvalScoresWritesJsonAndListsEachError(@TempDir Path dir) throws Exception {
    // Two sentences: a name and an e-mail found; a name the detectors cannot know is missed
    // ("zzq" is lower case and in no list), and one e-mail is present but not labeled.
    Path conll = dir.resolve("tiny.conll");
    Files.writeString(conll, String.join("\n",
        "Maria\tB-person", "Rossi\tI-person", "wrote\tO", "", "ask\tO", "zzq\tB-person", "now\tO", ""));
    Path presidio = dir.resolve("tiny.json");
    Files.writeString(presidio, "[{\"full_text\": \"mail ana@example.com or bo@example.org\", \"spans\": "
        + "[{\"entity_type\": \"EMAIL_ADDRESS\", \"start_position\": 5, \"end_position\": 20}]}]");
    Path json = dir.resolve("eval.json");
    Path errors = dir.resolve("errors.jsonl");
    CliRun run = CliRun.run("redact-eval", conll.toString(), presidio.toString(),
        "--json", json.toString(), "--errors", errors.toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("PERSON").contains("EMAIL_ADDRESS").contains("ALL");
    JsonNode results = JSON.readTree(json.toFile());
    assertThat(results).hasSize(2);
    JsonNode person = results.get(0).get("perType").get("PERSON");
    assertThat(person.get("gold").asInt()).isEqualTo(2);
    assertThat(person.get("recall").asDouble()).isEqualTo(0.5);
    assertThat(person.get("matchedGold").asInt()).isEqualTo(1); // the counts behind the rates, for summing runs
    JsonNode email = results.get(1).get("perType").get("EMAIL_ADDRESS");
    assertThat(email.get("precision").asDouble()).isEqualTo(0.5);
    assertThat(email.get("predicted").asInt()).isEqualTo(2 * email.get("matchedPredicted").asInt());
    List<JsonNode> wrong = lines(Files.readString(errors));
    assertThat(wrong).extracting(e -> e.get("kind").asText() + " " + e.get("type").asText() + " " + e.get("span").asText())
        .containsExactly("missed PERSON zzq", "spurious EMAIL_ADDRESS bo@example.org");
    assertThat(wrong.get(1).get("context").asText()).isEqualTo("mail ana@example.com or bo@example.org");
  }

  @Test
  void redactEvalRefusesABadFileBeforeWritingAnything(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.conll");
    Files.writeString(good, "Maria\tB-person\n");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[{\"full_text\": \"short\", \"spans\": [{\"entity_type\": \"PERSON\", "
        + "\"start_position\": 2, \"end_position\": 99}]}]");
    Path json = dir.resolve("eval.json");
    CliRun run = CliRun.run("redact-eval", good.toString(), bad.toString(), "--json", json.toString());
    assertThat(run.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(run.err()).contains("bad.json").contains("item 0");
    assertThat(json).doesNotExist();
    Path noTab = dir.resolve("notab.conll");
    Files.writeString(noTab, "Maria\tB-person\n\nRossi\n");
    CliRun conll = CliRun.run("redact-eval", noTab.toString(), "--json", json.toString());
    assertThat(conll.err()).contains("line 3");
    assertThat(json).doesNotExist();
  }

  @Test
  void detectRefusesTextAfterTheObjectAndRepeatedKeys() throws Exception {
    String in = "{\"id\":1,\"text\":\"a\"}{\"id\":2,\"text\":\"b john@x.com\"}\n"
        + "{\"id\":3,\"text\":\"a\",\"text\":\"john@x.com\"}\n"
        + "{\"id\":4,\"text\":\"bo@example.org\"} x\n"
        + "{\"id\":5,\"text\":\"bo@example.org\"}\n";
    CliRun run = CliRun.runWithStdin(in, "detect");
    assertThat(run.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(run.err()).contains("line 1: malformed JSON at column 20: text after the JSON value")
        .contains("line 2: malformed JSON at column 26: duplicate field 'text'")
        .contains("line 3: malformed JSON at column 35: unrecognized token 'x': expected a JSON value");
    assertThat(lines(run.out())).extracting(n -> n.get("id").asInt()).containsExactly(5);
  }

  @Test
  void detectNeedsAnIdAndATextOnEveryLine() throws Exception {
    String in = "{\"text\": \"ana@example.com\"}\n"
        + "{\"id\": null, \"text\": \"a\"}\n"
        + "{\"id\": {\"a\": 1}, \"text\": \"a\"}\n"
        + "{\"id\": 4}\n"
        + "[1, 2]\n"
        + "{\"id\": 6, \"text\": \"bo@example.org\"}\n";
    CliRun run = CliRun.runWithStdin(in, "detect");
    assertThat(run.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(run.err().lines()).containsExactly(
        "line 1: missing required field \"id\"",
        "line 2: \"id\" must be a string or a number, not null",
        "line 3: \"id\" must be a string or a number, not object",
        "line 4: missing required field \"text\"",
        "line 5: expected a JSON object");
    assertThat(lines(run.out())).extracting(n -> n.get("id").asInt()).containsExactly(6);
  }

  @Test
  void detectReportsEachLineThatIsNotUtf8AndKeepsTheOthersExact() throws Exception {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    in.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}); // a byte order mark is skipped
    in.writeBytes("{\"id\": 1, \"text\": \"\u00e9 ana@example.com\"}\r\n".getBytes(StandardCharsets.UTF_8));
    in.writeBytes("{\"id\": 2, \"text\": \"".getBytes(StandardCharsets.UTF_8));
    in.writeBytes(new byte[] {(byte) 0xff, (byte) 0xc3});
    in.writeBytes(" ana@example.com\"}\n".getBytes(StandardCharsets.UTF_8));
    in.writeBytes("{\"id\": 3, \"text\": \"\u00e9\u00e9 ana@example.com\"}".getBytes(StandardCharsets.UTF_8));
    Raw run = raw(in.toByteArray(), null, "detect");
    assertThat(run.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(run.err()).isEqualTo("line 2: not valid UTF-8 (byte 20 of the line)\n");
    List<JsonNode> out = lines(run.out());
    assertThat(out).extracting(n -> n.get("id").asInt()).containsExactly(1, 3);
    assertThat(out.get(0).get("spans").get(0).get("start").asInt()).isEqualTo(2);
    assertThat(out.get(1).get("spans").get(0).get("start").asInt()).isEqualTo(3);
  }

  @Test
  void redactRefusesInputThatIsNotUtf8AsAWhole() {
    byte[] in = {'m', 'a', 'i', 'l', ' ', (byte) 0xc3, '(', ' ', 'a', '@', 'b', '.', 'c', 'o', 'm'};
    Raw run = raw(in, null, "redact");
    assertThat(run.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("not valid UTF-8 (byte 6)");
  }

  @Test
  void countryCodesAreCheckedInDetectAndRedact() throws Exception {
    String in = "{\"id\": 1, \"text\": \"call 020 7946 0958\", \"country\": \"gb\"}\n"
        + "{\"id\": 2, \"text\": \"x\", \"country\": \"ZZ\"}\n"
        + "{\"id\": 3, \"text\": \"x\", \"country\": \"UK\"}\n"
        + "{\"id\": 4, \"text\": \"x\", \"country\": \"DEU\"}\n"
        + "{\"id\": 5, \"text\": \"x\", \"country\": \" de \"}\n"
        + "{\"id\": 6, \"text\": \"x\", \"country\": 49}\n"
        + "{\"id\": 7, \"text\": \"x\", \"country\": null}\n";
    CliRun run = CliRun.runWithStdin(in, "detect");
    assertThat(run.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(run.err().lines()).hasSize(5).satisfiesExactly(
        l -> assertThat(l).startsWith("line 2: \"country\": \"ZZ\" is not an assigned"),
        l -> assertThat(l).startsWith("line 3: \"country\": \"UK\"").contains("GB"),
        l -> assertThat(l).startsWith("line 4: \"country\": \"DEU\""),
        l -> assertThat(l).startsWith("line 5: \"country\": \" de \""),
        l -> assertThat(l).isEqualTo("line 6: \"country\" must be a string or null, not number"));
    List<JsonNode> out = lines(run.out());
    assertThat(out).extracting(n -> n.get("id").asInt()).containsExactly(1, 7);
    assertThat(out.get(0).get("spans").get(0).get("type").asText()).isEqualTo("PHONE_NUMBER");

    CliRun germany = CliRun.runWithStdin("x", "redact", "--country", "GERMANY");
    assertThat(germany.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(germany.err()).contains("--country: \"GERMANY\"");
    assertThat(germany.out()).isEmpty();
    CliRun uk = CliRun.runWithStdin("x", "redact", "--country", "uk");
    assertThat(uk.err()).contains("GB");
    CliRun gb = CliRun.runWithStdin("call 020 7946 0958", "redact", "--country", "gb");
    assertThat(gb.status()).isZero();
    assertThat(gb.out()).isEqualTo("call [PHONE_NUMBER]");
  }

  @Test
  void redactCountsAreJson() throws Exception {
    CliRun run = CliRun.runWithStdin("Maria Rossi wrote to maria.rossi@example.com, and again to maria.rossi@example.com.",
        "redact", "--secret-hex", "00112233445566778899aabbccddeeff");
    assertThat(run.status()).isZero();
    JsonNode counts = JSON.readTree(run.err());
    assertThat(counts.get("EMAIL_ADDRESS").asInt()).isEqualTo(2);
    assertThat(counts.get("PERSON").asInt()).isEqualTo(1);
  }

  @Test
  void aFailedWriteEndsDetectAtOnceWithStatusOne() {
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      in.append("{\"id\": ").append(i).append(", \"text\": \"mail ana@example.com\"}\n");
    }
    byte[] bytes = in.toString().getBytes(StandardCharsets.UTF_8);
    Raw run = raw(bytes, new Full(), "detect");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("lethe: cannot write the output: ");
    // Stopped early: most of the input was never read (a read-ahead buffer is allowed).
    assertThat(run.unread()).isGreaterThan(bytes.length / 2);
  }

  @Test
  void aFailedWriteFailsRedactAndRedactEval(@TempDir Path dir) throws Exception {
    Raw redact = raw("mail ana@example.com".getBytes(StandardCharsets.UTF_8), new Full(), "redact");
    assertThat(redact.status()).isEqualTo(1);
    assertThat(redact.err()).startsWith("lethe: cannot write the output: ").doesNotContain("EMAIL_ADDRESS");
    Path conll = dir.resolve("tiny.conll");
    Files.writeString(conll, "Maria\tB-person\n");
    Raw eval = raw(new byte[0], new Full(), "redact-eval", conll.toString(), "--no-model",
        "--json", dir.resolve("e.json").toString());
    assertThat(eval.status()).isEqualTo(1);
    assertThat(eval.err()).startsWith("lethe: cannot write the output: ");
  }

  @Test
  void redactEvalRefusesUnknownTypesAndUnwritableOutputsBeforeScoring(@TempDir Path dir) throws Exception {
    Path conll = dir.resolve("tiny.conll");
    Files.writeString(conll, "Maria\tB-person\n");
    String json = dir.resolve("e.json").toString();
    CliRun types = CliRun.run("redact-eval", conll.toString(), "--json", json, "--types", "PERSON,FOO");
    assertThat(types.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(types.err()).contains("--types: \"FOO\" is not a Lethe type").contains("EMAIL_ADDRESS");
    CliRun key = CliRun.run("redact-eval", conll.toString(), "--json", json, "--alias", "FOO=PERSON");
    assertThat(key.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(key.err()).contains("--alias FOO=PERSON: \"FOO\" is not a Lethe type");
    CliRun value = CliRun.run("redact-eval", conll.toString(), "--json", json, "--alias", "ZIP_CODE=BAR");
    assertThat(value.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(value.err()).contains("\"BAR\" is not a Lethe type");
    CliRun noDir = CliRun.run("redact-eval", conll.toString(), "--json", dir.resolve("missing/e.json").toString());
    assertThat(noDir.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(noDir.err()).contains("--json").contains("does not exist");
    assertThat(noDir.out()).isEmpty();
    CliRun isDir = CliRun.run("redact-eval", conll.toString(), "--json", dir.toString());
    assertThat(isDir.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(isDir.err()).contains("is a directory");
    CliRun errors = CliRun.run("redact-eval", conll.toString(), "--json", json,
        "--errors", dir.resolve("nowhere/errors.jsonl").toString());
    assertThat(errors.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(errors.err()).contains("--errors");
    assertThat(dir.resolve("e.json")).doesNotExist();
  }

  @Test
  void redactEvalPrintsNotApplicableWhereThereIsNothingToCount(@TempDir Path dir) throws Exception {
    // One text with a URL nobody labeled, and nothing else: EMAIL_ADDRESS has neither gold nor
    // predictions, URL has predictions but no gold.
    Path conll = dir.resolve("plain.conll");
    Files.writeString(conll, "see\tO\nhttps://example.org\tO\n");
    Path json = dir.resolve("e.json");
    CliRun run = CliRun.run("redact-eval", conll.toString(), "--no-model", "--json", json.toString(),
        "--types", "EMAIL_ADDRESS,URL");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain("1.000");
    assertThat(run.out().lines().filter(l -> l.startsWith("URL")))
        .containsExactly("URL                  0      1  0.000    n/a  0.000 |  0.000    n/a  0.000");
    JsonNode url = JSON.readTree(json.toFile()).get(0).get("perType").get("URL");
    assertThat(url.get("recall").isNull()).isTrue();
    assertThat(url.get("precision").asDouble()).isZero();

    Files.writeString(conll, "see\tO\nyou\tO\n");
    CliRun empty = CliRun.run("redact-eval", conll.toString(), "--no-model", "--json", json.toString(),
        "--types", "EMAIL_ADDRESS");
    assertThat(empty.status()).isZero();
    assertThat(empty.out().lines().filter(l -> l.startsWith("ALL")))
        .containsExactly("ALL                  0      0    n/a    n/a    n/a |    n/a    n/a    n/a");
    JsonNode all = JSON.readTree(json.toFile()).get(0).get("overall");
    for (String rate : List.of("precision", "recall", "f2", "exactPrecision", "exactRecall", "exactF2")) {
      assertThat(all.get(rate).isNull()).as(rate).isTrue();
    }
  }

  @Test
  void helpReadsAsWholeSentencesWithin80Columns() {
    for (String command : List.of("detect", "redact", "redact-eval")) {
      CliRun help = CliRun.run(command, "--help");
      assertThat(help.status()).isZero();
      assertThat(help.out().lines()).as(command).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
      String flowing = help.out().replaceAll("\\s+", " ");
      Map<String, String> sentence = Map.of(
          "detect", "Every bad line is reported; the good lines are answered; the exit status is 2 if any line was bad.",
          "redact", "Without --secret-hex a random secret is used, so pseudonyms differ from run to run.",
          "redact-eval", "CoNLL sets on PERSON unless --types says otherwise.");
      assertThat(flowing).as(command).contains(sentence.get(command));
    }
    String eval = CliRun.run("redact-eval", "--help").out();
    assertThat(eval.split("Scores the detectors", -1)).hasSize(2);
  }

  /** A run with raw bytes on standard input and, optionally, a given standard output. */
  record Raw(int status, String out, String err, int unread) {}

  private static Raw raw(byte[] stdin, OutputStream stdout, String... args) {
    synchronized (CliRun.class) {
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      StringWriter err = new StringWriter();
      CommandLine cli = Lethe.newCommandLine();
      PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout == null ? captured : stdout, StandardCharsets.UTF_8));
      cli.setOut(out);
      cli.setErr(new PrintWriter(err, true));
      InputStream saved = System.in;
      ByteArrayInputStream in = new ByteArrayInputStream(stdin);
      System.setIn(in);
      try {
        int status = cli.execute(args);
        out.flush();
        return new Raw(status, captured.toString(StandardCharsets.UTF_8), err.toString(), in.available());
      } finally {
        System.setIn(saved);
      }
    }
  }

  /** Standard output on a full disk, like /dev/full: every write fails. */
  private static final class Full extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      throw new IOException("No space left on device");
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      throw new IOException("No space left on device");
    }
  }

  private static List<JsonNode> lines(String out) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }
}
