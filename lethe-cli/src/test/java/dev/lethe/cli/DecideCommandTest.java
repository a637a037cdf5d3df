package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lethe decide} refuses what the other commands refuse, and still answers what the spec answers. */
class DecideCommandTest {

  private static final Path TIMELINE =
      Path.of("..", "lethe-core", "src", "test", "resources", "scenarios", "timeline-2024.jsonl");
  private static final Clock NOW = Clock.fixed(Instant.parse("2024-12-01T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;
  private String data;

  @BeforeEach
  void importTimeline() {
    data = dir.resolve("data").toString();
    CliRun imported = CliRun.runAt(NOW, "import", TIMELINE.toString(), "--data", data);
    assertThat(imported.status()).as(imported.err()).isZero();
  }

  private CliRun decide(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "decide";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--data=" + data;
    return CliRun.runAt(NOW, all);
  }

  @Test
  void aFutureInstantIsRefusedAsBuildRefusesAFutureAsOf() {
    CliRun future = decide("--member", "m-us", "--purpose", "genai-training", "--at", "9999-12-31T23:59:59Z");
    assertThat(future.status()).isEqualTo(2);
    assertThat(future.out()).isEmpty();
    assertThat(future.err()).isEqualTo("lethe: --at: 9999-12-31T23:59:59Z is in the future (now is 2024-12-01T00:00:00Z);"
        + " a decision can only be made for the present or the past\n");
    CliRun build = CliRun.runAt(NOW, "build", "--purpose", "genai-training", "--as-of", "9999-12-31T23:59:59Z",
        "--content", TIMELINE.toString(), "--data", data);
    assertThat(build.status()).isEqualTo(2);
    assertThat(build.err()).startsWith("lethe: --as-of: 9999-12-31T23:59:59Z is in the future (now is 2024-12-01T00:00:00Z);");

    CliRun now = decide("--member", "m-us", "--purpose", "genai-training", "--at", "2024-12-01T00:00:00Z");
    assertThat(now.status()).as(now.err()).isZero();
    CliRun malformed = decide("--member", "m-us", "--purpose", "genai-training", "--at", "2024-12-01T00:00:00");
    assertThat(malformed.status()).isEqualTo(2);
    assertThat(malformed.err()).startsWith("lethe: --at: ");
  }

  @Test
  void aPurposeNoPolicyDefinesIsRefusedListingTheDefinedOnes() {
    CliRun nope = decide("--member", "m-us", "--purpose", "nope", "--at", "2024-10-01T00:00:00Z");
    assertThat(nope.status()).isEqualTo(2);
    assertThat(nope.out()).isEmpty();
    assertThat(nope.err()).isEqualTo(
        "lethe: --purpose: \"nope\" is not defined by any policy in the ledger (defined: genai-training, personalization)\n");
    // A member who is not offered the setting goes the same way: the refusal does not depend on the answer.
    assertThat(decide("--member", "m-de", "--purpose", "nope", "--at", "2024-10-01T00:00:00Z").err()).isEqualTo(nope.err());
    assertThat(decide("--member", "ghost", "--purpose", "nope", "--at", "2024-10-01T00:00:00Z").status()).isEqualTo(2);
  }

  @Test
  void anEmptyOrBlankMemberIsRefused() {
    for (String member : new String[] {"", " ", "\t"}) {
      CliRun blank = decide("--member", member, "--purpose", "genai-training", "--at", "2024-10-01T00:00:00Z");
      assertThat(blank.status()).as("\"" + member + "\"").isEqualTo(2);
      assertThat(blank.out()).isEmpty();
      assertThat(blank.err()).isEqualTo("lethe: --member must not be empty or blank\n");
    }
  }

  @Test
  void questionsTheSpecAnswersAreStillAnswered() throws Exception {
    ObjectMapper json = new ObjectMapper();
    CliRun unknown = decide("--member", "ghost", "--purpose", "genai-training", "--at", "2024-10-01T00:00:00Z");
    assertThat(unknown.status()).as(unknown.err()).isZero();
    assertThat(json.readTree(unknown.out()).get("reason").textValue()).isEqualTo("unknown-member");
    CliRun beforeAnyPolicy = decide("--member", "m-us", "--purpose", "genai-training", "--at", "2020-01-01T00:00:00Z");
    assertThat(beforeAnyPolicy.status()).as(beforeAnyPolicy.err()).isZero();
    assertThat(json.readTree(beforeAnyPolicy.out()).get("reason").textValue()).isIn("no-policy", "unknown-member");

    // lethe replay answers query events whatever their instant or purpose, as the spec says.
    Path ledger = dir.resolve("queries.jsonl");
    Files.writeString(ledger, Files.readString(TIMELINE)
        + "{\"type\":\"query\",\"at\":\"9999-12-31T23:59:59Z\",\"member\":\"m-us\",\"purpose\":\"genai-training\"}\n"
        + "{\"type\":\"query\",\"at\":\"2024-10-01T00:00:00Z\",\"member\":\"m-us\",\"purpose\":\"nope\"}\n",
        StandardCharsets.UTF_8);
    CliRun replay = CliRun.runAt(NOW, "replay", ledger.toString());
    assertThat(replay.status()).as(replay.err()).isZero();
    String[] lines = replay.out().split("\n");
    JsonNode future = json.readTree(lines[lines.length - 2]);
    JsonNode nope = json.readTree(lines[lines.length - 1]);
    assertThat(future.get("at").textValue()).isEqualTo("9999-12-31T23:59:59Z");
    assertThat(nope.get("purpose").textValue()).isEqualTo("nope");
    assertThat(nope.get("reason").textValue()).isEqualTo("no-policy");
  }
}
