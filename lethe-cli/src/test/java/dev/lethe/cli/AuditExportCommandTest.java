package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

  /** Staging or replaced directories anywhere under the test directory (beside or inside an --out). */
  private Stream<String> leftovers() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.map(p -> dir.relativize(p).toString())
          .filter(n -> n.contains(".export-") || n.contains(".replaced-")).toList().stream();
    }
  }

  private String auditVerify() {
    return CliRun.run("audit", "verify", "--data", data).out();
  }

  /**
   * Makes {@code dirs} read-only (r-x) for the test's duration; false, and nothing changed, if the
   * user is not held to permissions (root), which makes a test of them meaningless.
   */
  private static boolean readOnly(Path... dirs) throws IOException {
    for (Path d : dirs) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    if (Files.isWritable(dirs[0])) {
      writable(dirs);
      return false;
    }
    return true;
  }

  private static void writable(Path... dirs) throws IOException {
    for (Path d : dirs) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aDirectoryInAParentThatCannotBeWrittenGetsTheBundleAndKeepsItsPermissions() throws Exception {
    // As a mount point (docker -v host:/bundle, NFS) does: --out can be written, but not renamed
    // or replaced in its parent.
    Path parent = Files.createDirectories(dir.resolve("mnt"));
    Path out = Files.createDirectories(parent.resolve("bundle"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-x---"));
    assumeTrue(readOnly(parent), "permissions do not bind this user (root)");
    try {
      CliRun first = export(data, out);
      assertThat(first.status()).as(first.err()).isZero();
      assertThat(first.err()).isEmpty();
      assertThat(tree(out)).containsOnlyKeys(
          "bundle.json", "leaves.jsonl", "leaf-hashes.txt", "consistency.jsonl", "key.vkey", "checkpoints/000001.note");

      // An earlier bundle there is replaced too, entry by entry inside --out.
      assertThat(CliRun.run("import", "--data", data, SCENARIOS.resolve("random/s001.jsonl").toString()).status()).isZero();
      CliRun again = export(data, out);
      assertThat(again.status()).as(again.err()).isZero();
      assertThat(tree(out)).containsKeys("checkpoints/000001.note", "checkpoints/000002.note");
      assertThat(Files.readAllLines(out.resolve("leaves.jsonl")).size()).isGreaterThan(35);
      assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
      assertThat(leftovers()).isEmpty();

      // A new --out there cannot be made: refused before a checkpoint is signed.
      CliRun refused = export(data, parent.resolve("new"));
      assertThat(refused.status()).isEqualTo(2);
      assertThat(refused.err()).startsWith("lethe: --out " + parent.resolve("new") + ": cannot be written (")
          .contains("permission denied").endsWith("; nothing was written\n");
      assertThat(auditVerify()).endsWith(" 2 checkpoints\n");
    } finally {
      writable(parent);
    }
  }

  @Test
  void aDirectoryThatCannotBeWrittenIsRefusedBeforeAnythingIsSigned() throws Exception {
    Path out = Files.createDirectories(dir.resolve("locked"));
    assumeTrue(readOnly(out), "permissions do not bind this user (root)");
    try {
      CliRun refused = export(data, out);
      assertThat(refused.status()).isEqualTo(2);
      assertThat(refused.out()).isEmpty();
      assertThat(refused.err()).startsWith("lethe: --out " + out + ": cannot be written (" + out.resolve(".export-"))
          .endsWith(": permission denied); nothing was written\n");
      assertThat(auditVerify()).isEqualTo("ok: 35 leaves, 0 checkpoints\n");
      assertThat(tree(out)).isEmpty();
    } finally {
      writable(out);
    }
  }

  @Test
  void whatAnInterruptedExportLeftInOutIsRemovedByTheNext() throws Exception {
    Path out = dir.resolve("bundle");
    assertThat(export(data, out).status()).isZero();
    // Interrupted while moving entries: bundle.json and checkpoints/ already aside (they go first),
    // the new bundle half staged.
    Path aside = Files.createDirectories(out.resolve(".replaced-1234"));
    Files.move(out.resolve("bundle.json"), aside.resolve("bundle.json"));
    Files.move(out.resolve("checkpoints"), aside.resolve("checkpoints"));
    Path staged = Files.createDirectories(out.resolve(".export-5678").resolve("checkpoints"));
    Files.writeString(staged.resolve("000001.note"), "half written");

    CliRun again = export(data, out);
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(tree(out)).containsOnlyKeys(
        "bundle.json", "leaves.jsonl", "leaf-hashes.txt", "consistency.jsonl", "key.vkey", "checkpoints/000001.note");
    assertThat(leftovers()).isEmpty();
    assertThat(CliRun.run("audit", "verify", "--data", data).status()).isZero();

    // Leftovers beside no bundle (an export into an empty directory interrupted) are no bundle
    // files either: the directory counts as empty.
    Path empty = Files.createDirectories(dir.resolve("empty").resolve(".export-9abc"));
    Files.writeString(empty.resolve("leaves.jsonl"), "partial");
    assertThat(export(data, empty.getParent()).status()).isZero();
    assertThat(leftovers()).isEmpty();
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
    Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rwx--x---"));
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
    // The directory itself is kept, not replaced: its permissions are as they were.
    assertThat(Files.getPosixFilePermissions(empty)).isEqualTo(PosixFilePermissions.fromString("rwx--x---"));

    Path fresh = dir.resolve("a").resolve("b");
    assertThat(export(data, fresh).status()).isZero();
    assertThat(tree(fresh).get("leaves.jsonl")).isEqualTo(tree(empty).get("leaves.jsonl"));
    assertThat(leftovers()).isEmpty();
  }
}
