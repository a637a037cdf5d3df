package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: exit statuses, text and JSON reports, usage errors. */
class MainTest {

  private static final TestSigner SIGNER = new TestSigner(TestBundleWriter.ORIGIN);

  @TempDir
  Path temp;

  private Path bundle;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void writeBundle() {
    bundle = new TestBundleWriter(SIGNER).write(temp.resolve("bundle"),
        TestBundleWriter.leaves(10), 4, 10);
  }

  @Test
  void honestBundleExitsZeroWithAShortReport() {
    assertThat(run(bundle.toString())).isEqualTo(0);
    assertThat(out()).contains("VERIFIED").contains("leaves:       10")
        .contains("checkpoints:  2").contains("latest size:  10")
        .contains("PASS    leaf-roots");
    assertThat(err()).isEmpty();
  }

  @Test
  void jsonReportIsMachineReadable() throws Exception {
    assertThat(run(bundle.toString(), "--json")).isEqualTo(0);
    JsonNode json = Json.MAPPER.readTree(out());
    assertThat(json.get("verified").booleanValue()).isTrue();
    assertThat(json.get("leaves").longValue()).isEqualTo(10);
    assertThat(json.get("latest").get("size").longValue()).isEqualTo(10);
    assertThat(json.get("latest").get("rootHex").textValue()).isEqualTo(Encodings.hex(
        ReferenceMerkle.ofLeaves(TestBundleWriter.leaves(10)).root(10)));
    assertThat(json.get("checks")).hasSize(BundleVerifier.CHECKS.size());
    assertThat(json.get("firstTamperedLeaf").isNull()).isTrue();
  }

  @Test
  void tamperedBundleExitsOneAndNamesTheLeaf() throws Exception {
    Tamper.setLeafByte(bundle, 6, 2, (byte) 'z');
    assertThat(run("--json", bundle.toString())).isEqualTo(1);
    JsonNode json = Json.MAPPER.readTree(out());
    assertThat(json.get("verified").booleanValue()).isFalse();
    assertThat(json.get("firstTamperedLeaf").longValue()).isEqualTo(6);
    assertThat(err()).startsWith("lethe-verify: FAILED: leaf 6 (leaves.jsonl line 7) was altered");
  }

  @Test
  void pinnedKeyOptionIsHonoured() throws Exception {
    Path key = Files.writeString(temp.resolve("other.vkey"),
        new TestSigner(TestBundleWriter.ORIGIN).verifierKey());
    assertThat(run(bundle.toString(), "--key", key.toString())).isEqualTo(1);
    assertThat(err()).contains("checkpoints/000001.note: no signature by");
    out.reset();
    err.reset();
    Path good = Files.writeString(temp.resolve("good.vkey"), SIGNER.verifierKey());
    assertThat(run("--key=" + good, bundle.toString())).isEqualTo(0);
    assertThat(out()).contains("(pinned " + good + ")");
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out()).startsWith("Usage: java -jar lethe-verify.jar BUNDLE_DIR");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("BUNDLE_DIR is required").contains("Usage:");
    assertThat(run(bundle.toString(), "--frobnicate")).isEqualTo(2);
    assertThat(run(bundle.toString(), "--key")).isEqualTo(2);
    assertThat(run(bundle.toString(), bundle.toString())).isEqualTo(2);
    assertThat(run(temp.resolve("absent").toString())).isEqualTo(2);
    assertThat(run(bundle.toString(), "--key", temp.resolve("absent.vkey").toString()))
        .isEqualTo(2);
  }

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
