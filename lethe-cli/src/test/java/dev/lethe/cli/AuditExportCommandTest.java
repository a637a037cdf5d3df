package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lethe audit export --out}: never mixes its bundle with what was there before. */
class AuditExportCommandTest {

  private static final Path SCENARIOS = Path.of("..", "lethe-core", "src", "test", "resources", "scenarios");

  @TempDir Path dir;
  private String data;
  private String otherData;

  @BeforeEach
  void twoDeployments() {
    data = dir.resolve("data").toString();
    otherData = dir.resolve("other").toString();
    assertThat(CliRun.run("import", "--data", data, SCENARIOS.resolve("timeline-2024.jsonl").toString()).status()).isZero();
    assertThat(CliRun.run("import", "--data", otherData, SCENARIOS.resolve("random/s001.jsonl").toString()).status()).isZero();
  }

  private CliRun export(String data, Path out) {
    return CliRun.run("audit", "export", "--data", data, "--out", out.toString());
  }

  /** Every file under {@code root} with its bytes, by relative path. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), Files.readString(p));
      }
    }
    return files;
  }

  private Stream<String> leftovers() throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList().stream();
    }
  }

  @Test
  void anotherDeploymentsBundleIsRefusedAndLeftAsItWas() throws Exception {
    Path bundle = dir.resolve("bundle");
    CliRun other = export(otherData, bundle);
    assertThat(other.status()).as(other.err()).isZero();
    Map<String, String> before = tree(bundle);

    CliRun refused = export(data, bundle);
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).startsWith("lethe: --out " + bundle + ": holds the audit bundle of another deployment (origin lethe.dev/audit/")
        .endsWith("; choose a new or empty directory; nothing was written\n");
    assertThat(tree(bundle)).isEqualTo(before);
    assertThat(leftovers()).isEmpty();
    // Refused before anything was signed: the log still has no checkpoint of its own.
    assertThat(CliRun.run("audit", "verify", "--data", data).out()).isEqualTo("ok: 35 leaves, 0 checkpoints\n");
  }

  @Test
  void aDirectoryWithOtherFilesIsRefusedAndLeftAsItWas() throws Exception {
    Path notes = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(notes.resolve("todo.txt"), "keep me\n");
    CliRun refused = export(data, notes);
    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo("lethe: --out " + notes + ": is not empty and holds todo.txt, which is not part of an"
        + " audit bundle; choose a new or empty directory; nothing was written\n");
    assertThat(tree(notes)).containsOnlyKeys("todo.txt");

    // A bundle of this deployment with a stray file is not only a bundle either.
    Path bundle = dir.resolve("bundle");
    assertThat(export(data, bundle).status()).isZero();
    Files.writeString(bundle.resolve("checkpoints").resolve("README"), "x");
    assertThat(export(data, bundle).status()).isEqualTo(2);
    // Nor is a directory holding only a bundle.json that is not a bundle manifest.
    Path fake = Files.createDirectories(dir.resolve("fake"));
    Files.writeString(fake.resolve("bundle.json"), "{\"origin\":\"x\"}\n");
    assertThat(export(data, fake).err()).contains("holds no readable bundle.json");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aNewAnEmptyOrThisDeploymentsOwnBundleDirectoryGetsAFreshBundle() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    CliRun first = export(data, empty);
    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.out()).isEqualTo("wrote " + empty + ": 35 leaves, 1 checkpoints\n");
    assertThat(tree(empty)).containsOnlyKeys(
        "bundle.json", "leaves.jsonl", "leaf-hashes.txt", "consistency.jsonl", "key.vkey", "checkpoints/000001.note");

    // Re-exporting after more leaves replaces the whole earlier bundle: nothing of it is left over.
    Files.writeString(empty.resolve("checkpoints").resolve("000009.note"), "an old checkpoint\n");
    assertThat(CliRun.run("import", "--data", data, SCENARIOS.resolve("random/s001.jsonl").toString()).status()).isZero();
    CliRun again = export(data, empty);
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(tree(empty)).doesNotContainKey("checkpoints/000009.note").containsKey("checkpoints/000002.note");
    assertThat(Files.readAllLines(empty.resolve("leaves.jsonl")).size()).isGreaterThan(35);

    Path fresh = dir.resolve("a").resolve("b");
    assertThat(export(data, fresh).status()).isZero();
    assertThat(tree(fresh).get("leaves.jsonl")).isEqualTo(tree(empty).get("leaves.jsonl"));
    assertThat(leftovers()).isEmpty();
  }
}
