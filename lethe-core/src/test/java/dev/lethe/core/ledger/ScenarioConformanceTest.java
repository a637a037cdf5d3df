package dev.lethe.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.event.LedgerEvent.Query;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.LedgerReader.LoadedLedger;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every public scenario ({@code shared/scenarios}, copied into the test resources) reproduces its
 * expected decisions, compared as parsed JSON values field by field.
 */
class ScenarioConformanceTest {

  static Path scenarioRoot() {
    try {
      return Path.of(ScenarioConformanceTest.class.getResource("/scenarios").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Path> scenarioFiles() throws IOException {
    try (Stream<Path> files = Files.walk(scenarioRoot())) {
      return files
          .filter(p -> p.toString().endsWith(".jsonl") && !p.toString().endsWith(".expected.jsonl"))
          .sorted()
          .toList();
    }
  }

  @Test
  void theScenarioSetIsComplete() throws IOException {
    // 1 timeline + 25 edges + 25 random: a missing copy must not pass as "all green".
    assertThat(scenarioFiles()).hasSizeGreaterThanOrEqualTo(51);
  }

  @TestFactory
  Stream<DynamicTest> everyScenarioReproducesItsExpectedOutput() throws IOException {
    return scenarioFiles().stream()
        .map(file -> DynamicTest.dynamicTest(scenarioRoot().relativize(file).toString(), () -> check(file)));
  }

  private static void check(Path file) throws Exception {
    LoadedLedger loaded;
    try (InputStream in = Files.newInputStream(file)) {
      loaded = LedgerReader.load(in);
    }
    List<JsonNode> expected = new ArrayList<>();
    Path expectedFile = Path.of(file.toString().replace(".jsonl", ".expected.jsonl"));
    for (String line : Files.readAllLines(expectedFile)) {
      if (!line.isBlank()) {
        expected.add(LedgerReader.mapper().readTree(line));
      }
    }
    List<Decision> actual = new ArrayList<>();
    for (LedgerLine line : loaded.lines()) {
      if (line.event() instanceof Query q) {
        actual.add(loaded.ledger().decide(q.member(), q.purpose(), q.at()));
      }
    }
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      JsonNode want = expected.get(i);
      Decision got = actual.get(i);
      String where = file.getFileName() + " query " + (i + 1);
      assertThat(got.member()).as(where).isEqualTo(want.get("member").asText());
      assertThat(got.purpose()).as(where).isEqualTo(want.get("purpose").asText());
      assertThat(Rfc3339.format(got.at())).as(where).isEqualTo(want.get("at").asText());
      assertThat(got.reason().word()).as(where).isEqualTo(want.get("reason").asText());
      assertThat(got.allowed()).as(where).isEqualTo(want.get("allowed").asBoolean());
      assertThat(got.settingOffered()).as(where).isEqualTo(want.get("setting_offered").asBoolean());
      JsonNode version = want.get("policy_version");
      assertThat(got.policyVersion()).as(where).isEqualTo(version.isNull() ? null : version.asText());
    }
  }
}
