package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end: the shaded jar an auditor downloads, run with {@code java -jar}. */
class VerifierJarIT {

  private static final TestSigner SIGNER = new TestSigner(TestBundleWriter.ORIGIN);

  @TempDir
  Path temp;

  @Test
  void jarVerifiesAnHonestBundleAndRejectsATamperedOne() throws Exception {
    Path bundle = new TestBundleWriter(SIGNER).write(temp.resolve("bundle"),
        TestBundleWriter.leaves(100), 10, 64, 100);

    Result honest = java(bundle.toString());
    assertThat(honest.exit()).as(honest.output()).isEqualTo(0);
    assertThat(honest.output()).contains("VERIFIED").contains("latest size:  100");

    Tamper.swapLines(bundle, "leaves.jsonl", 70, 71);
    Result tampered = java(bundle.toString(), "--json");
    assertThat(tampered.exit()).isEqualTo(1);
    assertThat(tampered.output()).contains("\"firstTamperedLeaf\" : 70")
        .contains("lethe-verify: FAILED: leaves 70 and 71 (leaves.jsonl lines 71 and 72) are swapped");

    assertThat(java().exit()).isEqualTo(2);
  }

  private record Result(int exit, String output) {}

  private static Result java(String... args) throws IOException, InterruptedException {
    String jar = System.getProperty("lethe.verify.jar");
    assertThat(jar).as("failsafe passes the jar path").isNotNull();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}
