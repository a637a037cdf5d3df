package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.testkit.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lethe where} and {@code lethe snapshots} through a snapshot root's stored lineage index:
 * the index answers while the files are as it recorded them, and forgetting, which deletes the
 * bitmaps of the snapshot it replaces, is seen at once even when every file looks old.
 */
class LineageIndexCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void whereAnswersFromTheStoredIndexAndSeesForgettingAtOnce(@TempDir Path dir) throws Exception {
    String data = SnapshotRootsTest.imported(dir);
    Path out = dir.resolve("out");
    CliRun build = SnapshotRootsTest.built(dir, data, out);
    String snapshot = JSON.readTree(build.out()).get("snapshot").asText();

    // Fresh files are read each time; once they have settled, the first query stores the index.
    Path index = out.resolve(LineageIndex.DIRECTORY).resolve("index");
    assertThat(snapshotsOf(where(data, "u2"))).containsExactly(snapshot);
    assertThat(index).doesNotExist();
    age(out);
    assertThat(snapshotsOf(where(data, "u2"))).containsExactly(snapshot);
    assertThat(index).isRegularFile();
    FileTime stored = Files.getLastModifiedTime(index);
    assertThat(snapshotsOf(where(data, "u1"))).containsExactly(snapshot);
    CliRun list = CliRun.run("snapshots", "--data", data);
    assertThat(list.status()).as(list.err()).isZero();
    assertThat(list.out().lines().map(this::json).map(n -> n.get("members").asLong()).toList()).containsExactly(2L);
    assertThat(Files.getLastModifiedTime(index)).as("answered from the stored index, not rebuilt").isEqualTo(stored);

    assertThat(CliRun.run("forget", "--data", data, "--member", "u2").status()).isZero();
    CliRun run = CliRun.run("forget-run", "--data", data, "--threads", "2");
    assertThat(run.status()).as(run.err()).isZero();
    String rebuilt = JSON.readTree(CliRun.run("forget-status", "--data", data, "--member", "u2").out())
        .get("replacements").get(0).get("new_snapshot").asText();
    // Every file made to look old: only the recorded states (bitmaps gone, a directory added) tell.
    age(out);
    assertThat(snapshotsOf(where(data, "u2"))).isEmpty();
    assertThat(snapshotsOf(where(data, "u1"))).containsExactly(rebuilt);
    assertThat(Files.getLastModifiedTime(index)).as("rebuilt from the files").isNotEqualTo(stored);
  }

  private static JsonNode where(String data, String member) throws IOException {
    CliRun where = CliRun.run("where", "--data", data, "--member", member);
    assertThat(where.status()).as(where.err()).isZero();
    return JSON.readTree(where.out());
  }

  private static List<String> snapshotsOf(JsonNode where) {
    return where.get("snapshots").findValuesAsText("snapshot");
  }

  private JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError(line, e);
    }
  }

  /** Sets the time of every snapshot file and directory (not the index's) to long ago. */
  private static void age(Path root) throws IOException {
    Trees.setLastModified(root, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")), root.resolve(LineageIndex.DIRECTORY));
  }
}
