package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --since: a bundle checked against a checkpoint kept from an earlier bundle of the same log. */
class SinceCheckTest {

  private static final TestSigner SIGNER = new TestSigner(TestBundleWriter.ORIGIN);
  private static final List<byte[]> LEAVES = TestBundleWriter.leaves(40);

  @TempDir
  Path temp;

  private Path bundle(String name, List<byte[]> leaves, int... sizes) {
    return new TestBundleWriter(SIGNER).write(temp.resolve(name), leaves, sizes);
  }

  /** The latest checkpoint of an earlier bundle, kept by the auditor outside it. */
  private Path kept(Path earlier, int number) throws Exception {
    return Files.copy(TestBundleWriter.checkpointFile(earlier, number), temp.resolve("kept-" + earlier.getFileName() + ".note"));
  }

  private static CheckResult since(VerificationReport report) {
    return report.checks().stream().filter(c -> c.name().equals(SinceCheck.CHECK)).findFirst().orElseThrow();
  }

  @Test
  void aLaterBundleOfTheSameLogExtendsTheKeptCheckpoint() throws Exception {
    Path keptNote = kept(bundle("earlier", LEAVES.subList(0, 21), 3, 21), 2);
    VerificationReport report = BundleVerifier.verify(bundle("later", LEAVES, 3, 21, 40), null, keptNote);
    assertThat(report.verified()).isTrue();
    assertThat(report.checks()).extracting(CheckResult::name).endsWith(SinceCheck.CHECK);
    assertThat(since(report).detail()).isEqualTo("the bundle extends kept checkpoint " + keptNote
        + " (tree size 21): its first 21 of 40 leaves give the kept root");
  }

  @Test
  void aBundleShorterThanTheKeptCheckpointIsARollback() throws Exception {
    Path keptNote = kept(bundle("earlier", LEAVES, 3, 40), 2);
    // Itself consistent and signed by the log's key: only the kept checkpoint shows it.
    Path rolledBack = bundle("later", LEAVES.subList(0, 21), 3, 21);
    assertThat(BundleVerifier.verify(rolledBack, null).verified()).isTrue();
    VerificationReport report = BundleVerifier.verify(rolledBack, null, keptNote);
    assertThat(report.verified()).isFalse();
    assertThat(since(report).status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(since(report).detail()).isEqualTo("kept checkpoint " + keptNote + " (tree size 40) is larger than"
        + " this bundle's 21 leaves: the log was rolled back since that checkpoint, or this bundle is older than it");
  }

  @Test
  void aBundleWhoseFirstLeavesGiveAnotherRootIsAFork() throws Exception {
    Path keptNote = kept(bundle("earlier", LEAVES.subList(0, 21), 21), 1);
    List<byte[]> rewritten = new ArrayList<>(LEAVES);
    rewritten.set(5, "{\"kind\":\"event\",\"seq\":6,\"rewritten\":true}".getBytes(StandardCharsets.UTF_8));
    Path fork = bundle("later", rewritten, 21, 40);
    assertThat(BundleVerifier.verify(fork, null).verified()).isTrue();
    VerificationReport report = BundleVerifier.verify(fork, null, keptNote);
    assertThat(report.verified()).isFalse();
    assertThat(since(report).detail()).startsWith("the first 21 of this bundle's 40 leaves give the root ")
        .contains("but the kept checkpoint " + keptNote + " (tree size 21) signs ")
        .endsWith(": the log was rewritten since that checkpoint (a fork)");
  }

  @Test
  void aKeptCheckpointNotSignedByTheTrustedKeyIsRefused() throws Exception {
    TestSigner other = new TestSigner(TestBundleWriter.ORIGIN);
    Path foreign = new TestBundleWriter(other).write(temp.resolve("foreign"), LEAVES.subList(0, 8), 8);
    Path keptNote = kept(foreign, 1);
    VerificationReport report = BundleVerifier.verify(bundle("later", LEAVES, 8, 40), null, keptNote);
    assertThat(report.verified()).isFalse();
    assertThat(since(report).detail()).startsWith("kept checkpoint " + keptNote + " (tree size 8): no signature by")
        .endsWith("it is not a checkpoint of the log this bundle is verified against");
  }

  @Test
  void theCommandLineTakesSinceAndRefusesAMissingNote() throws Exception {
    Path keptNote = kept(bundle("earlier", LEAVES, 3, 40), 2);
    Path later = bundle("later", LEAVES.subList(0, 21), 3, 21);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertThat(Main.run(new String[] {later.toString(), "--since", keptNote.toString()}, o, e)).isEqualTo(Main.FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("lethe-verify: FAILED: kept checkpoint " + keptNote
        + " (tree size 40) is larger than this bundle's 21 leaves");
    assertThat(Main.run(new String[] {bundle("full", LEAVES, 40).toString(), "--since=" + keptNote}, o, e)).isEqualTo(Main.VERIFIED);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("since");
    assertThat(Main.run(new String[] {later.toString(), "--since", temp.resolve("absent.note").toString()}, o, e))
        .isEqualTo(Main.USAGE);
    assertThat(Main.run(new String[] {later.toString(), "--since"}, o, e)).isEqualTo(Main.USAGE);
    assertThat(Main.run(new String[] {later.toString(), "--since", keptNote.toString(), "--since", keptNote.toString()}, o, e))
        .isEqualTo(Main.USAGE);
  }
}
