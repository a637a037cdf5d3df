package dev.lethe.pipeline;

import static dev.lethe.pipeline.SnapshotAssert.assertThatSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments of a build leaves either no snapshot or a complete one, never a
 * partial one; the next build removes what the killed one left behind.
 */
class CrashTest {

  private static final Instant AS_OF = Instant.parse("2024-12-01T00:00:00Z");

  @TempDir Path temp;

  @Test
  void killingABuildNeverLeavesAPartialSnapshotVisible() throws Exception {
    Path ledger = temp.resolve("ledger.jsonl");
    Path content = temp.resolve("content.jsonl");
    writeInputs(ledger, content, 400, 300);
    Path out = temp.resolve("out");
    Random random = new Random(20241118L);
    int killed = 0;
    int killedMidWrite = 0;
    for (int attempt = 0; attempt < 6; attempt++) {
      Process child = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp", System.getProperty("java.class.path"),
              BuildChild.class.getName(), ledger.toString(), content.toString(), out.toString(), AS_OF.toString())
          .redirectErrorStream(true)
          .start();
      BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo("building");
      Thread.sleep(300 + random.nextInt(3_000));
      if (child.isAlive()) {
        boolean writing = hasBuildingDirectory(out);
        child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
        killed++;
        killedMidWrite += writing ? 1 : 0;
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertOnlyCompleteSnapshots(out);
    }
    assertThat(killed).as("the test must actually kill builds").isGreaterThan(0);
    assertThat(killedMidWrite).as("some kills must hit a build while it writes shards").isGreaterThan(0);

    SnapshotResult result = SnapshotEngine.embedded(PipelineFixtures.DETECTOR).build(
        PipelineFixtures.load(ledger).ledger(),
        PipelineFixtures.request("genai-training", AS_OF, List.of(content), out, 2),
        ProgressListener.NONE);
    assertThatSnapshot(result.directory()).isConsistent();
    try (Stream<Path> entries = Files.list(out)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .as("abandoned build directories are removed")
          .noneMatch(name -> name.startsWith(Publisher.BUILDING_PREFIX));
    }
  }

  private static boolean hasBuildingDirectory(Path out) throws Exception {
    if (!Files.exists(out)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(out)) {
      return entries.anyMatch(p -> p.getFileName().toString().startsWith(Publisher.BUILDING_PREFIX));
    }
  }

  private static void assertOnlyCompleteSnapshots(Path out) throws Exception {
    if (!Files.exists(out)) {
      return;
    }
    try (Stream<Path> entries = Files.list(out)) {
      for (Path p : entries.filter(Files::isDirectory).toList()) {
        if (!p.getFileName().toString().startsWith(".")) {
          assertThatSnapshot(p).isConsistent();
        }
      }
    }
  }

  /** A ledger of members in GB and DE and a content export big enough to take a few seconds. */
  static void writeInputs(Path ledger, Path content, int members, int postsPerMember) throws Exception {
    try (Writer w = Files.newBufferedWriter(ledger)) {
      w.write("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\"]},\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}\n");
      for (int m = 0; m < members; m++) {
        w.write("{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m" + m + "\",\"country\":\""
            + (m % 3 == 0 ? "DE" : "GB") + "\",\"birth_date\":\"1990-01-01\"}\n");
        w.write("{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m" + m + "\",\"policy_version\":\"v1\"}\n");
      }
    }
    try (Writer w = Files.newBufferedWriter(content)) {
      for (int p = 0; p < postsPerMember; p++) {
        for (int m = 0; m < members; m++) {
          w.write(SnapshotScenarioTest.record("c" + m + "-" + p, "m" + m, "post", "public", Instant.parse("2024-02-01T00:00:00Z"), null)
              .replace("by a member", "number " + p + " from member " + m + ", write to m" + m + "@example.com"));
          w.write('\n');
        }
      }
    }
  }
}
