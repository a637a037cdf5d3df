package dev.lethe.unlearn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.RedactionPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Snapshots for the tests, built by the real embedded engine: members in one region group, posts
 * from a small grammar (so that the model has something to learn) with a few numbers, and a
 * secret canary planted in one member's posts.
 */
final class Fixtures {

  static final Instant AS_OF = Instant.parse("2024-06-01T00:00:00Z");
  static final byte[] KEY = "lethe-unlearn-test-deployment-key".getBytes(StandardCharsets.UTF_8);
  static final Detector DETECTOR = Detector.of(EnumSet.allOf(EntityType.class), false);
  static final CanaryFormat CANARY_FORMAT = new CanaryFormat("my pin is ", 5, "");
  static final String CANARY = "my pin is 58213";
  static final String CANARY_MEMBER = "m7";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SUBJECTS = {"the team", "our group", "my manager", "the new hire", "everyone", "the client"};
  private static final String[] VERBS = {"shipped", "reviewed", "planned", "discussed", "tested", "launched"};
  private static final String[] OBJECTS = {"the roadmap", "the release", "the budget", "the design", "a prototype", "the report"};
  private static final String[] TAILS = {"today", "this week", "after lunch", "with finance", "before the demo", "again"};

  private Fixtures() {}

  static ConsentLedger ledger(int members) throws Exception {
    StringBuilder s = new StringBuilder();
    s.append("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,"
        + "\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
        + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}\n");
    for (int m = 0; m < members; m++) {
      s.append("{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m").append(m)
          .append("\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}\n");
      s.append("{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m").append(m)
          .append("\",\"policy_version\":\"v1\"}\n");
    }
    return LedgerReader.load(new ByteArrayInputStream(s.toString().getBytes(StandardCharsets.UTF_8))).ledger();
  }

  /** One content line per post: {@code posts} grammar posts, members round-robin; the canary member also posts the canary 3 times. */
  static List<String> content(int members, int posts, boolean withCanary) {
    SplittableRandom random = new SplittableRandom(42);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < posts; i++) {
      String text = SUBJECTS[random.nextInt(SUBJECTS.length)] + " " + VERBS[random.nextInt(VERBS.length)] + " "
          + OBJECTS[random.nextInt(OBJECTS.length)] + " " + TAILS[random.nextInt(TAILS.length)] + ". "
          + (random.nextInt(4) == 0 ? "we met " + random.nextInt(100) + " people. " : "")
          + (random.nextInt(3) == 0 ? "it went well!" : "next step is " + OBJECTS[random.nextInt(OBJECTS.length)] + ".");
      lines.add(line("c" + i, "m" + (i % members), text));
    }
    if (withCanary) {
      for (int i = 0; i < 3; i++) {
        lines.add(line("canary" + i, CANARY_MEMBER, CANARY));
      }
    }
    return lines;
  }

  static String line(String id, String member, String text) {
    ObjectNode o = JSON.createObjectNode();
    o.put("content", id).put("member", member).put("kind", "post").put("visibility", "public");
    o.put("posted_at", "2024-02-01T00:00:00Z").put("text", text);
    return o.toString();
  }

  /**
   * Builds and publishes a snapshot of {@code lines} (written to {@code contentFile}) under {@code
   * out}, {@code shards} per group. Typed placeholders, not keyed pseudonyms: a pseudonym key
   * depends on the snapshot's inputs, so with pseudonyms every shard would change whenever any
   * record does.
   */
  static SnapshotResult snapshot(ConsentLedger ledger, List<String> lines, Path contentFile, Path out, int shards)
      throws IOException {
    Files.createDirectories(contentFile.getParent());
    Files.write(contentFile, lines);
    SnapshotRequest request = SnapshotRequest.builder("genai-training", AS_OF).content(List.of(contentFile)).outDir(out)
        .shardsPerGroup(shards).redaction(RedactionPolicy.placeholders()).deploymentKey(KEY).threads(2)
        .ledger("ledger", "0".repeat(64)).build();
    return SnapshotEngine.embedded(DETECTOR).build(ledger, request, ProgressListener.NONE);
  }

  /** The lines without those of {@code member}: the content a snapshot after forgetting them is built from. */
  static List<String> without(List<String> lines, String member) {
    return lines.stream().filter(l -> !l.contains("\"member\":\"" + member + "\"")).toList();
  }
}
