package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.store.audit.Checkpoint;
import dev.lethe.store.audit.NoteKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's audit bundle verifies with the auditor's independent verifier, run as the auditor
 * runs it ({@code java -jar lethe-verify.jar BUNDLE}), and a tampered bundle does not. The two
 * sides share only the bundle format, no code.
 */
class AuditInteropTest {

  /** Built by the reactor before this module (lethe-verify comes first in the module list). */
  private static final Path VERIFIER =
      Path.of("..", "lethe-verify", "target", "lethe-verify.jar").toAbsolutePath().normalize();

  @Test
  void anExportedBundleVerifiesIndependentlyAndATamperedOneDoesNot(@TempDir Path dir) throws Exception {
    assertThat(VERIFIER).as("build lethe-verify first (./mvnw verify builds it before lethe-cli)").isRegularFile();
    Path data = dir.resolve("data");
    Path scenarios = Path.of("..", "lethe-core", "src", "test", "resources", "scenarios");
    assertThat(CliRun.run("import", "--data", data.toString(), scenarios.resolve("timeline-2024.jsonl").toString()).status()).isZero();
    assertThat(CliRun.run("audit", "checkpoint", "--data", data.toString()).status()).isZero();
    assertThat(CliRun.run("import", "--data", data.toString(), scenarios.resolve("random/s001.jsonl").toString()).status()).isZero();
    Path bundle = dir.resolve("bundle");
    CliRun export = CliRun.run("audit", "export", "--data", data.toString(), "--out", bundle.toString());
    assertThat(export.status()).as(export.err()).isZero();

    Verification honest = verify(bundle);
    assertThat(honest.status()).as(honest.output()).isZero();
    assertThat(honest.output()).contains("VERIFIED");

    Path leaves = bundle.resolve("leaves.jsonl");
    List<String> lines = Files.readAllLines(leaves, StandardCharsets.UTF_8);
    String leaf = lines.get(40);
    int middle = leaf.length() / 2;
    char changed = leaf.charAt(middle) == 'x' ? 'y' : 'x';
    lines.set(40, leaf.substring(0, middle) + changed + leaf.substring(middle + 1)); // one byte, one leaf
    Files.write(leaves, lines, StandardCharsets.UTF_8);
    Verification tampered = verify(bundle);
    assertThat(tampered.status()).isEqualTo(1);
    assertThat(tampered.output()).contains("leaf 40");
  }

  @Test
  void aRotatedKeyVerifiesThroughItsChainAndTheRotationCannotBeForged(@TempDir Path dir) throws Exception {
    assertThat(VERIFIER).as("build lethe-verify first (./mvnw verify builds it before lethe-cli)").isRegularFile();
    Path data = dir.resolve("data");
    Path scenarios = Path.of("..", "lethe-core", "src", "test", "resources", "scenarios");
    assertThat(CliRun.run("import", "--data", data.toString(), scenarios.resolve("timeline-2024.jsonl").toString()).status()).isZero();
    Path before = dir.resolve("before");
    assertThat(CliRun.run("audit", "export", "--data", data.toString(), "--out", before.toString()).status()).isZero();
    Path firstKey = Files.copy(before.resolve("key.vkey"), dir.resolve("first.vkey"));

    CliRun rotate = CliRun.run("audit", "rotate-key", "--data", data.toString(), "--keep-retired", "--reason", "scheduled");
    assertThat(rotate.status()).as(rotate.err()).isZero();
    assertThat(rotate.out()).contains("retired key 0: " + Files.readString(firstKey).strip())
        .contains("old private key: kept in " + data.resolve("retired")).contains("signed by both keys:");
    long rotationSize = Long.parseLong(rotate.out().replaceAll("(?s).*signs from tree size (\\d+).*", "$1"));

    assertThat(CliRun.run("import", "--data", data.toString(), scenarios.resolve("random/s001.jsonl").toString()).status()).isZero();
    assertThat(CliRun.run("audit", "checkpoint", "--data", data.toString()).status()).isZero();
    CliRun selfCheck = CliRun.run("audit", "verify", "--data", data.toString());
    assertThat(selfCheck.status()).as(selfCheck.err()).isZero();
    Path bundle = dir.resolve("bundle");
    assertThat(CliRun.run("audit", "export", "--data", data.toString(), "--out", bundle.toString()).status()).isZero();
    assertThat(Files.readString(bundle.resolve("bundle.json"))).contains("lethe-audit-bundle/2");
    List<String> history = Files.readAllLines(bundle.resolve("keys.jsonl"));
    assertThat(history).hasSize(2);
    assertThat(history.get(1)).contains("\"from_size\":" + rotationSize).contains(Files.readString(bundle.resolve("key.vkey")).strip());

    Verification honest = verify(bundle);
    assertThat(honest.status()).as(honest.output()).isZero();
    // The auditor who pinned the key of the earlier bundle follows the rotation chain.
    Verification pinned = verify(bundle, "--key", firstKey.toString());
    assertThat(pinned.status()).as(pinned.output()).isZero();

    // The checkpoint after the rotation re-signed with the retired key (which was kept).
    List<Path> notes;
    try (var files = Files.list(bundle.resolve("checkpoints"))) {
      notes = files.sorted().toList();
    }
    Path last = notes.get(notes.size() - 1);
    String lastNote = Files.readString(last);
    String retiredFile;
    try (var files = Files.list(data.resolve("retired"))) {
      retiredFile = files.findFirst().orElseThrow().toString();
    }
    String origin = lastNote.substring(0, lastNote.indexOf('\n'));
    NoteKey retired = NoteKey.of(origin, NoteKey.load(Path.of(retiredFile)));
    Files.writeString(last, retired.sign(Checkpoint.parse(lastNote.substring(0, lastNote.indexOf("\n\n") + 1))));
    Verification oldKey = verify(bundle, "--key", firstKey.toString());
    assertThat(oldKey.status()).isEqualTo(1);
    assertThat(oldKey.output()).contains("checkpoints/" + last.getFileName() + " (tree size").contains("signed by key 0 (")
        .contains("which was retired at tree size " + rotationSize);
    Files.writeString(last, lastNote);

    // The rotation checkpoint without the retired key's signature line.
    Path rotation = notes.stream().filter(n -> read(n).contains("\n" + rotationSize + "\n")).findFirst().orElseThrow();
    String rotationNote = Files.readString(rotation);
    int signatures = rotationNote.indexOf("\n\n") + 2;
    Files.writeString(rotation, rotationNote.substring(0, signatures) + rotationNote.substring(rotationNote.indexOf('\n', signatures) + 1));
    Verification single = verify(bundle);
    assertThat(single.status()).isEqualTo(1);
    assertThat(single.output()).contains("checkpoints/" + rotation.getFileName() + ": the rotation to key 1");
    Files.writeString(rotation, rotationNote);

    // keys.jsonl edited: the new key claims to sign from a later size.
    Files.writeString(bundle.resolve("keys.jsonl"), history.get(0) + "\n"
        + history.get(1).replace("\"from_size\":" + rotationSize, "\"from_size\":" + (rotationSize + 1)) + "\n");
    Verification edited = verify(bundle);
    assertThat(edited.status()).isEqualTo(1);
    assertThat(edited.output()).contains("signs only from tree size " + (rotationSize + 1));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  record Verification(int status, String output) {}

  /** Runs the independent verifier on a bundle, as an auditor does, with extra options. */
  static Verification verify(Path bundle, String... options) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", VERIFIER.toString(), bundle.toString()));
    command.addAll(List.of(options));
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Verification(p.exitValue(), output);
  }
}
