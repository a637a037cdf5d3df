package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EligibleCommandTest {

  private static final String LEDGER = String.join("\n",
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\",\"comment\",\"message\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"gb\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"de\",\"country\":\"DE\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"kid\",\"country\":\"GB\",\"birth_date\":\"2012-01-01\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"gb\",\"policy_version\":\"v1\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"c3\",\"member\":\"gb\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"hello\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"c1\",\"member\":\"gb\",\"kind\":\"comment\",\"visibility\":\"public\",\"text\":\"hi\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"c2\",\"member\":\"gb\",\"kind\":\"message\",\"visibility\":\"public\",\"text\":\"secret\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"c4\",\"member\":\"gb\",\"kind\":\"post\",\"visibility\":\"connections\",\"text\":\"x\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"c5\",\"member\":\"gb\",\"kind\":\"profile\",\"visibility\":\"public\",\"text\":\"x\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"c6\",\"member\":\"gb\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"x\"}",
      "{\"type\":\"content.deleted\",\"at\":\"2024-01-05T00:00:00Z\",\"content\":\"c6\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-02-01T00:00:00Z\",\"content\":\"c7\",\"member\":\"gb\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"later\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"d1\",\"member\":\"de\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"x\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"k1\",\"member\":\"kid\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"x\"}",
      "");

  @Test
  void everyItemIsIncludedOrCountedOnceUnderTheFirstReason(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ledger.jsonl");
    Files.writeString(file, LEDGER);
    CliRun run = CliRun.run("eligible", file.toString(), "--purpose", "genai-training", "--at", "2024-01-10T00:00:00+01:00");
    assertThat(run.status()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("at").asText()).isEqualTo("2024-01-09T23:00:00Z");
    assertThat(json.get("policy_version").asText()).isEqualTo("v1");
    assertThat(json.get("included").toString()).isEqualTo("[\"c1\",\"c3\"]");
    JsonNode excluded = json.get("excluded");
    assertThat(excluded.get("kind-excluded").asLong()).isEqualTo(2); // the private message and the profile
    assertThat(excluded.get("visibility-excluded").asLong()).isEqualTo(1);
    assertThat(excluded.get("content-deleted").asLong()).isEqualTo(1);
    assertThat(excluded.get("not-yet-posted").asLong()).isEqualTo(1);
    assertThat(excluded.get("jurisdiction-blocked").asLong()).isEqualTo(1);
    assertThat(excluded.get("minor").asLong()).isEqualTo(1);
    assertThat(json.get("included_count").asLong() + json.get("excluded_count").asLong()).isEqualTo(9);
  }

  @Test
  void aBadInstantIsBadInput(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ledger.jsonl");
    Files.writeString(file, LEDGER);
    CliRun run = CliRun.run("eligible", file.toString(), "--purpose", "genai-training", "--at", "2024-01-10");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--at", "malformed instant");
    assertThat(run.out()).isEmpty();
  }
}
