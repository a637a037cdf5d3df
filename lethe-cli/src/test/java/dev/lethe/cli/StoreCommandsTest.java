package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** import, export, decide and audit against an embedded store in a temporary directory. */
class StoreCommandsTest {

  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private static Run run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private Run lethe(String... args) {
    return run(Lethe.newCommandLine(), args);
  }

  @Test
  void importedLedgerDecidesLikeReplayAndItsAuditLogExports() throws Exception {
    // Maven runs tests in the module directory; the scenario is lethe-core's public test data.
    Path file = Path.of("..", "lethe-core", "src", "test", "resources", "scenarios", "timeline-2024.jsonl");
    String data = dir.resolve("data").toString();
    Run imported = lethe("import", file.toString(), "--data", data);
    assertThat(imported.status()).as(imported.err()).isZero();
    assertThat(imported.out()).startsWith("imported 35 events (0 already stored)");

    ObjectMapper json = new ObjectMapper();
    Run replay = lethe("replay", file.toString());
    int checked = 0;
    for (String line : replay.out().split("\n")) {
      JsonNode want = json.readTree(line);
      Run decided = lethe("decide", "--member", want.get("member").textValue(), "--purpose", want.get("purpose").textValue(),
          "--at", want.get("at").textValue(), "--data", data);
      assertThat(json.readTree(decided.out())).isEqualTo(want);
      checked++;
    }
    assertThat(checked).isGreaterThan(20);

    Clock clock = Clock.fixed(Instant.parse("2024-09-20T12:00:00Z"), ZoneOffset.UTC);
    Run now = run(new CommandLine(new DecideCommand(clock)), "--member", "m-us", "--purpose", "genai-training", "--data", data);
    assertThat(json.readTree(now.out()).get("at").textValue()).isEqualTo("2024-09-20T12:00:00Z");

    Run exported = lethe("export", "--data", data);
    assertThat(exported.out().split("\n")).hasSize(35);

    Run checkpoint = lethe("audit", "checkpoint", "--data", data);
    assertThat(checkpoint.out()).matches("(?s)lethe\\.dev/audit/[0-9a-f]{32}\n35\n[A-Za-z0-9+/=]{44}\n\n\u2014 .*\n");
    Run prove = lethe("audit", "prove", "--leaf", "7", "--size", "20", "--data", data);
    JsonNode proof = json.readTree(prove.out());
    assertThat(proof.get("leaf_index").intValue()).isEqualTo(7);
    assertThat(proof.get("tree_size").intValue()).isEqualTo(20);
    assertThat(proof.get("proof")).hasSize(5);
    assertThat(lethe("audit", "prove", "--leaf", "35", "--data", data).status()).isEqualTo(2);

    Path bundle = dir.resolve("bundle");
    assertThat(lethe("audit", "export", "--out", bundle.toString(), "--data", data).status()).isZero();
    assertThat(Files.readAllLines(bundle.resolve("leaves.jsonl"))).hasSize(35);
    assertThat(lethe("audit", "verify", "--data", data).out()).isEqualTo("ok: 35 leaves, 1 checkpoints\n");
  }

  @Test
  void badImportsNameTheLineAndStoreNothing() throws Exception {
    String data = dir.resolve("data").toString();
    Path file = dir.resolve("bad.jsonl");
    Files.write(file, List.of(
        "# a comment",
        "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{},\"purposes\":{\"p\":{\"default\":\"opt-out\",\"min_age\":0,\"honor_gpc\":false,\"content_kinds\":[],\"visibility\":[]}}}}",
        "{\"type\":\"consent.set\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"p\",\"choice\":\"grant\",\"source\":\"api\"}"),
        StandardCharsets.UTF_8);
    Run bad = lethe("import", file.toString(), "--data", data);
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("line 3: member \"m1\" does not exist at 2024-02-01T00:00:00Z\n");
    assertThat(lethe("replay", file.toString()).err()).isEqualTo(bad.err());
    assertThat(lethe("export", "--data", data).out()).isEmpty();
    Run missing = lethe("import", dir.resolve("nope.jsonl").toString(), "--data", data);
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");
  }
}
