package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.store.audit.AuditReport;
import dev.lethe.store.audit.Merkle;
import dev.lethe.store.audit.SignedCheckpoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it appends to an H2 file store, 22 times at seeded random
 * moments, and then checks that every acknowledged event is stored exactly once and that the
 * audit log, its nodes and every checkpoint still verify.
 */
class CrashTest {

  private static final int KILLS = 22;

  @TempDir Path dir;

  @Test
  void acknowledgedEventsSurviveSigkill() throws Exception {
    Path data = dir.resolve("store");
    Random random = new Random(20240918L);
    Set<String> acknowledged = new LinkedHashSet<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    for (int round = 0; round < KILLS; round++) {
      Process child =
          new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                  CrashChild.class.getName(), data.toString(), Integer.toString(round))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      List<String> lines = new ArrayList<>();
      boolean[] ready = {false};
      Thread reader =
          new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
              // readLine only returns complete lines or a final partial line at EOF; a partial
              // last line (killed mid-print) has no "\n" and must not count, so read raw.
              StringBuilder line = new StringBuilder();
              int c;
              while ((c = in.read()) >= 0) {
                if (c == '\n') {
                  synchronized (lines) {
                    lines.add(line.toString());
                    if (line.toString().equals("ready")) {
                      ready[0] = true;
                      lines.notifyAll();
                    }
                  }
                  line.setLength(0);
                } else {
                  line.append((char) c);
                }
              }
            } catch (java.io.IOException e) {
              // The pipe breaks when the child dies: whatever was read completely counts.
            }
          });
      reader.start();
      synchronized (lines) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!ready[0] && child.isAlive() && System.currentTimeMillis() < deadline) {
          lines.wait(100);
        }
      }
      assertThat(ready[0]).as("round %d: the child opened the store", round).isTrue();
      Thread.sleep(30 + random.nextInt(400));
      child.destroyForcibly(); // SIGKILL on Unix
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      synchronized (lines) {
        for (String l : lines) {
          if (l.startsWith("ack ")) {
            acknowledged.add(l.substring(4));
          }
        }
      }
    }
    assertThat(acknowledged.size()).as("acknowledged appends").isGreaterThan(KILLS * 5);

    try (LedgerStore store = LedgerStore.open(StoreConfig.embedded(data))) {
      for (String id : acknowledged) {
        assertThat(store.eventByClientId(id)).as(id).isPresent();
      }
      StringWriter export = new StringWriter();
      store.export(export);
      Map<String, Integer> seen = new HashMap<>();
      for (String line : export.toString().split("\n")) {
        if (line.contains("\"member.registered\"") || line.contains("\"consent.set\"")) {
          String member = line.replaceAll(".*\"member\":\"([^\"]+)\".*", "$1");
          String type = line.contains("\"member.registered\"") ? "reg-" : "grant-";
          seen.merge(type + member, 1, Integer::sum);
        }
      }
      for (String id : acknowledged) {
        assertThat(seen.get(id)).as("copies of %s", id).isEqualTo(1);
      }
      assertThat(seen.values()).allMatch(n -> n == 1);

      AuditReport report = store.verifyAudit();
      assertThat(report.problems()).isEmpty();
      assertThat(report.leaves()).isEqualTo(store.eventCount());
      List<SignedCheckpoint> checkpoints = store.checkpoints();
      assertThat(checkpoints).hasSizeGreaterThan(1);
      SignedCheckpoint first = checkpoints.get(0);
      SignedCheckpoint last = store.checkpoint();
      assertThat(Merkle.verifyConsistency(first.checkpoint().size(), last.checkpoint().size(),
          first.checkpoint().root(), last.checkpoint().root(),
          store.consistencyProof(first.checkpoint().size(), last.checkpoint().size()))).isTrue();
    }
  }
}
