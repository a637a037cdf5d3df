package dev.lethe.unlearn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.ForgetObligations;
import dev.lethe.unlearn.forget.ForgetRequests;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A snapshot build leaves out the members forgotten since its as-of instant by {@link
 * ForgetObligations} (lethe-pipeline, below this module); forgetting turns the same obligations
 * into requests with {@link ForgetRequests}. On every public scenario, at several instants, every
 * obligation becomes a request with the same member, reason, purpose and receipt, and no request
 * comes from anywhere else (the reason words, the ids' dedupe and the request order are the
 * mapping's own).
 */
class ForgetRuleAgreementTest {

  @TestFactory
  Stream<DynamicTest> buildsAndForgettingDeriveTheSameObligations() throws Exception {
    Path scenarios = Path.of("..", "lethe-core", "src", "test", "resources", "scenarios").toAbsolutePath().normalize();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(scenarios)) {
      files = walk.filter(p -> p.toString().endsWith(".jsonl") && !p.toString().endsWith(".expected.jsonl")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private static void check(Path scenario) throws Exception {
    LedgerReader.LoadedLedger loaded;
    try (InputStream in = Files.newInputStream(scenario)) {
      loaded = LedgerReader.load(in);
    }
    List<LedgerEvent> events = loaded.lines().stream().map(LedgerLine::event).toList();
    TreeSet<Instant> instants = new TreeSet<>();
    events.forEach(e -> instants.add(e.at()));
    instants.add(Instant.parse("9999-12-31T00:00:00Z"));
    for (Instant now : List.of(instants.first(), instants.ceiling(instants.first().plusSeconds(86_400L * 180)), instants.last())) {
      Set<String> requests = ForgetRequests.derive(events, loaded.ledger(), now).stream()
          .map(r -> r.member() + "|" + r.reason().word() + "|" + r.purpose() + "|" + r.receivedAt())
          .collect(Collectors.toCollection(TreeSet::new));
      Set<String> obligations = ForgetObligations.derive(events, loaded.ledger(), now).stream()
          .map(o -> o.member() + "|" + o.reason().word() + "|" + o.purpose() + "|" + o.receivedAt())
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(obligations).as("at %s", now).isEqualTo(requests);
    }
  }
}
