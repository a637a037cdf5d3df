package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

  record Verification(int status, String output) {}

  /** Runs the independent verifier on a bundle, as an auditor does. */
  static Verification verify(Path bundle) throws Exception {
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", VERIFIER.toString(), bundle.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Verification(p.exitValue(), output);
  }
}
