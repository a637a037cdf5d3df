package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  void detectNamesTheBadLineAndStillAnswersTheOthers() throws Exception {
    String in = "{\"id\": 1, \"text\": \"ana@example.com\"}\n"
        + "{\"id\": 2, \"text\": 42}\n"
        + "not json\n"
        + "{\"id\": 4, \"text\": \"bo@example.org\"}\n";
    CliRun run = CliRun.runWithStdin(in, "detect");
    assertThat(run.status()).isEqualTo(Lethe.BAD_INPUT);
    assertThat(run.err()).contains("line 2: expected an object with a string \"text\"").contains("line 3: not JSON");
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
    JsonNode email = results.get(1).get("perType").get("EMAIL_ADDRESS");
    assertThat(email.get("precision").asDouble()).isEqualTo(0.5);
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
