package dev.lethe.pipeline;

import static dev.lethe.pipeline.SnapshotAssert.assertThatSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.policy.PurposePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot contents against an independent recomputation: the expected decisions of the public
 * scenarios (written by an independent implementation of the spec). For every (purpose, instant)
 * the scenarios ask about, a snapshot built at that instant from one post per queried member
 * must include exactly the posts of the members the expected output allows, and count each
 * other post under the expected reason. As every build of a stored ledger does, it is given the
 * members forgetting obliges us, after that instant, to remove ({@link ForgetObligations}, as the
 * whole scenario knows them): an allowed member among them is counted as {@link
 * RecordProcessor#FORGOTTEN_SINCE_AS_OF} instead of included.
 */
class SnapshotScenarioTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @TestFactory
  Stream<DynamicTest> snapshotsAgreeWithTheExpectedDecisions() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(PipelineFixtures.scenarios())) {
      files = walk.filter(p -> p.toString().endsWith(".jsonl") && !p.toString().endsWith(".expected.jsonl")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(51);
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private void check(Path scenario) throws Exception {
    var loaded = PipelineFixtures.load(scenario);
    ConsentLedger ledger = loaded.ledger();
    List<ForgetObligations.Obligation> obligations = ForgetObligations.derive(
        loaded.lines().stream().map(dev.lethe.core.ledger.LedgerLine::event).toList(), ledger, Instant.parse("9999-12-31T00:00:00Z"));
    int forgottenSince = 0;
    List<JsonNode> expected = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(scenario.toString().replace(".jsonl", ".expected.jsonl")))) {
      if (!line.isBlank()) {
        expected.add(JSON.readTree(line));
      }
    }
    Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
    for (JsonNode q : expected) {
      groups.computeIfAbsent(q.get("purpose").asText() + "|" + q.get("at").asText(), k -> new ArrayList<>()).add(q);
    }
    int build = 0;
    for (List<JsonNode> group : groups.values()) {
      String purpose = group.get(0).get("purpose").asText();
      Instant at = Rfc3339.parseInstant(group.get(0).get("at").asText());
      PurposePolicy p = ledger.policyAt(at).flatMap(pol -> pol.purpose(purpose)).orElse(null);
      String kind = p == null ? "post" : p.contentKinds().stream().filter(k -> !k.equals("message")).sorted().findFirst().orElse("post");
      String visibility = p == null ? "public" : p.visibility().stream().map(v -> v.word()).sorted().findFirst().orElse("public");
      java.util.Set<String> since = ForgetObligations.membersForgottenSince(obligations, purpose, at);
      StringBuilder content = new StringBuilder();
      List<String> shouldInclude = new ArrayList<>();
      Map<String, Long> expectedExcluded = new LinkedHashMap<>();
      for (int i = 0; i < group.size(); i++) {
        JsonNode q = group.get(i);
        String id = "c" + i;
        content.append(record(id, q.get("member").asText(), kind, visibility, at, null)).append('\n');
        if (q.get("allowed").asBoolean() && since.contains(q.get("member").asText())) {
          expectedExcluded.merge(RecordProcessor.FORGOTTEN_SINCE_AS_OF, 1L, Long::sum);
          forgottenSince++;
        } else if (q.get("allowed").asBoolean()) {
          shouldInclude.add(id);
        } else {
          expectedExcluded.merge(q.get("reason").asText(), 1L, Long::sum);
        }
      }
      Path file = temp.resolve("content-" + scenario.getFileName() + "-" + build + ".jsonl");
      Files.writeString(file, content);
      Path out = temp.resolve("out-" + scenario.getFileName() + "-" + build++);
      SnapshotResult result =
          SnapshotEngine.embedded(PipelineFixtures.DETECTOR)
              .build(ledger, PipelineFixtures.request(purpose, at, List.of(file), out, 2).toBuilder()
                  .forgottenSinceAsOf(since).build(), ProgressListener.NONE);
      assertThatSnapshot(result.directory()).isConsistent().includesExactly(shouldInclude);
      expectedExcluded.forEach((reason, n) -> assertThatSnapshot(result.directory()).hasExcluded(reason, n));
      assertThat(result.metadata().excluded().values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(group.size() - shouldInclude.size());
      assertThat(result.metadata().excluded().getOrDefault(RecordProcessor.FORGOTTEN_SINCE_AS_OF, 0L))
          .isEqualTo(expectedExcluded.getOrDefault(RecordProcessor.FORGOTTEN_SINCE_AS_OF, 0L));
    }
    FORGOTTEN_SINCE_TOTAL.addAndGet(forgottenSince);
  }

  /** Allowed queries the rule left out, over every scenario (so the rule is seen to apply). */
  private static final java.util.concurrent.atomic.AtomicLong FORGOTTEN_SINCE_TOTAL = new java.util.concurrent.atomic.AtomicLong();

  @org.junit.jupiter.api.AfterAll
  static void theRuleLeftSomeAllowedMembersOut() {
    assertThat(FORGOTTEN_SINCE_TOTAL.get()).isPositive();
  }

  static String record(String id, String member, String kind, String visibility, Instant posted, Instant deleted) {
    ObjectNode o = JSON.createObjectNode();
    o.put("content", id).put("member", member).put("kind", kind).put("visibility", visibility);
    o.put("posted_at", Rfc3339.format(posted));
    if (deleted != null) {
      o.put("deleted_at", Rfc3339.format(deleted));
    }
    o.put("text", "post " + id + " by a member");
    return o.toString();
  }
}
