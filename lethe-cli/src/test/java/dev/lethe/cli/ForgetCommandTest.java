package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lethe forget}: what it refuses, and what it does when the same request is already pending. */
class ForgetCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private String[] requests(String data) {
    String out = CliRun.run("forget-status", "--data", data).out().strip();
    return out.isEmpty() ? new String[0] : out.split("\n");
  }

  @Test
  void aPurposeNoPolicyDefinesIsRefusedAndNothingIsQueued() throws Exception {
    String data = SnapshotRootsTest.imported(dir);
    CliRun typo = CliRun.run("forget", "--data", data, "--member", "u1", "--purpose", "genai-trainin");
    assertThat(typo.status()).as(typo.out()).isEqualTo(2);
    assertThat(typo.err()).contains("--purpose", "\"genai-trainin\" is not defined by any policy", "(defined: genai-training)",
        "no request was queued");
    assertThat(typo.out()).isEmpty();
    assertThat(requests(data)).isEmpty();

    CliRun right = CliRun.run("forget", "--data", data, "--member", "u1", "--purpose", "genai-training");
    assertThat(right.status()).as(right.err()).isZero();
    assertThat(requests(data)).hasSize(1);
  }

  @Test
  void theSamePendingManualRequestIsReportedNotQueuedTwice() throws Exception {
    String data = SnapshotRootsTest.imported(dir);
    CliRun first = CliRun.run("forget", "--data", data, "--member", "u1");
    assertThat(first.status()).as(first.err()).isZero();
    String id = JSON.readTree(first.out()).get("id").asText();

    CliRun second = CliRun.run("forget", "--data", data, "--member", "u1");
    assertThat(second.status()).as(second.err()).isZero();
    assertThat(second.err()).contains("already pending", id, "no new request was queued");
    JsonNode shown = JSON.readTree(second.out());
    assertThat(shown.get("id").asText()).isEqualTo(id);
    assertThat(shown.get("status").asText()).isEqualTo("pending");
    assertThat(requests(data)).hasSize(1);

    // Another purpose, or another member, is another request.
    assertThat(CliRun.run("forget", "--data", data, "--member", "u1", "--purpose", "genai-training").status()).isZero();
    assertThat(CliRun.run("forget", "--data", data, "--member", "u2").status()).isZero();
    assertThat(requests(data)).hasSize(3);
  }
}
