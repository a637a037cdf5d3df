package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles of a log whose signing key was rotated (lethe-audit-bundle/2): every checkpoint is held
 * to the key valid at its tree size, the rotation's checkpoint to both keys, and keys.jsonl to the
 * rotation records in the signed leaves.
 */
class KeyRotationTest {

  private static final String ORIGIN = TestBundleWriter.ORIGIN;
  private static final TestSigner FIRST = new TestSigner(ORIGIN);
  private static final TestSigner SECOND = new TestSigner(ORIGIN);
  private static final long[] FROM = {0, 10};
  private static final int[] SIZES = {4, 10, 15, 20};

  @TempDir Path temp;

  private Path dir;

  /** 20 leaves; leaf 9 records the rotation, so the second key signs from tree size 10. */
  private static List<byte[]> leaves() {
    List<byte[]> leaves = new ArrayList<>(TestBundleWriter.leaves(20));
    leaves.set(9, TestBundleWriter.rotationLeaf(FIRST, SECOND));
    return leaves;
  }

  @BeforeEach
  void writeHonestBundle() {
    dir = TestBundleWriter.writeRotated(temp.resolve("bundle"), leaves(), List.of(FIRST, SECOND), FROM, SIZES);
  }

  @Test
  void honestRotatedBundleVerifiesAndReportsTheKeyHistory() {
    VerificationReport report = BundleVerifier.verify(dir, null);
    assertThat(report.failures()).isEmpty();
    assertThat(report.checks()).extracting(CheckResult::name).containsExactlyElementsOf(BundleVerifier.CHECKS);
    assertThat(check(report, "bundle").detail()).startsWith("bundle.json: lethe-audit-bundle/2, origin");
    assertThat(check(report, "key-history").detail()).startsWith("keys.jsonl: 2 keys, anchored at key 1 (")
        .contains("key 0 (" + ORIGIN + "+" + id(FIRST) + ") from size 0")
        .contains("key 1 (" + ORIGIN + "+" + id(SECOND) + ") from size 10");
    assertThat(check(report, "checkpoints").detail()).contains("each signed by the key valid at its tree size (2 keys");
    assertThat(check(report, "key-rotations").detail()).startsWith("1 key rotation(s)");
  }

  @Test
  void eitherKeyOfTheHistoryCanBePinnedAndAnyOtherKeyIsRefused() throws Exception {
    Files.writeString(dir.resolve("key.vkey"), new TestSigner(ORIGIN).verifierKey()); // ignored when pinning
    assertThat(BundleVerifier.verify(dir, pin(FIRST)).failures()).isEmpty();
    assertThat(BundleVerifier.verify(dir, pin(SECOND)).failures()).isEmpty();
    VerificationReport stranger = BundleVerifier.verify(dir, pin(new TestSigner(ORIGIN)));
    assertThat(stranger.failures().get(0).name()).isEqualTo("key-history");
    assertThat(stranger.failures().get(0).detail()).contains("is not in keys.jsonl");
  }

  @Test
  void aThiefOfTheOldKeyCannotForkTheLogPastAnAuditorWhoPinnedTheNewKey() throws Exception {
    // With the first key stolen, the thief rewrites the history from the rotation on with a key
    // of their own: self-consistent, but not signed by the key the auditor pinned.
    TestSigner thief = new TestSigner(ORIGIN);
    List<byte[]> forged = new ArrayList<>(TestBundleWriter.leaves(20));
    forged.set(9, TestBundleWriter.rotationLeaf(FIRST, thief));
    Path fork = TestBundleWriter.writeRotated(temp.resolve("fork"), forged, List.of(FIRST, thief), FROM, SIZES);
    assertThat(BundleVerifier.verify(fork, null).failures()).isEmpty();
    VerificationReport report = BundleVerifier.verify(fork, pin(SECOND));
    assertThat(report.verified()).isFalse();
    assertThat(report.failures().get(0).detail()).contains("is not in keys.jsonl");
  }

  @Test
  void aCheckpointAfterTheRotationSignedByTheRetiredKeyFailsNamingIt() {
    Tamper.writeString(TestBundleWriter.checkpointFile(dir, 3), FIRST.sign(text(15)));
    assertFailure("checkpoints", "checkpoints/000003.note (tree size 15): signed by key 0 (" + ORIGIN + "+"
        + id(FIRST) + "), which was retired at tree size 10; this tree size is signed by key 1 (");
  }

  @Test
  void aRetiredKeySignatureNextToTheCurrentKeysFails() {
    Path file = TestBundleWriter.checkpointFile(dir, 4);
    Tamper.writeString(file, Tamper.readString(file) + FIRST.signatureLine(text(20)));
    assertFailure("checkpoints", "checkpoints/000004.note (tree size 20): signed by key 0 (");
  }

  @Test
  void aCheckpointBeforeTheRotationSignedByTheNewKeyFails() {
    Tamper.writeString(TestBundleWriter.checkpointFile(dir, 1), SECOND.sign(text(4)));
    assertFailure("checkpoints", "checkpoints/000001.note (tree size 4): signed by key 1 (" + ORIGIN + "+"
        + id(SECOND) + "), which signs only from tree size 10");
  }

  @Test
  void aRotationCheckpointWithoutTheOldKeysSignatureFails() {
    Tamper.writeString(TestBundleWriter.checkpointFile(dir, 2), SECOND.sign(text(10)));
    assertFailure("checkpoints", "checkpoints/000002.note: the rotation to key 1 (" + ORIGIN + "+" + id(SECOND)
        + ") at tree size 10 must be signed by the retiring and the new key: no signature by " + ORIGIN + "+" + id(FIRST));
  }

  @Test
  void aRotationCheckpointWithoutTheNewKeysSignatureFails() {
    Tamper.writeString(TestBundleWriter.checkpointFile(dir, 2), FIRST.sign(text(10)));
    assertFailure("checkpoints", "checkpoints/000002.note: the rotation to key 1 (");
  }

  @Test
  void aRotationWithoutItsCheckpointFails() {
    // The same log with the rotation checkpoint dropped: nothing signed by both keys is left.
    dir = TestBundleWriter.writeRotated(temp.resolve("no-rotation-checkpoint"), leaves(), List.of(FIRST, SECOND), FROM,
        4, 15, 20);
    assertFailure("checkpoints", "keys.jsonl line 2: key 1 (" + ORIGIN + "+" + id(SECOND)
        + ") signs from tree size 10, but no checkpoint of that size carries the rotation's signatures");
  }

  @Test
  void aKeyHistoryMovedToAnotherSizeFails() throws Exception {
    Tamper.replaceLine(dir, "keys.jsonl", 1, "{\"key\":\"" + SECOND.verifierKey().strip() + "\",\"from_size\":15}");
    VerificationReport report = BundleVerifier.verify(dir, null);
    assertThat(report.verified()).isFalse();
    assertThat(check(report, "checkpoints").detail())
        .startsWith("checkpoints/000002.note (tree size 10): signed by key 1 (" + ORIGIN + "+" + id(SECOND)
            + "), which signs only from tree size 15");
    assertThat(check(report, "key-rotations").detail())
        .startsWith("keys.jsonl line 2: key 1 (" + ORIGIN + "+" + id(SECOND) + ") signs from tree size 15, but leaf 14"
            + " is not a key rotation record");
  }

  @Test
  void aKeyHistoryNamingAnotherNewKeyFails() throws Exception {
    TestSigner other = new TestSigner(ORIGIN);
    Tamper.replaceLine(dir, "keys.jsonl", 1, "{\"key\":\"" + other.verifierKey().strip() + "\",\"from_size\":10}");
    VerificationReport report = BundleVerifier.verify(dir, pin(FIRST));
    assertThat(report.verified()).isFalse();
    assertThat(check(report, "checkpoints").detail()).startsWith("checkpoints/000002.note: the rotation to key 1 (");
    assertThat(check(report, "key-rotations").detail()).isEqualTo("keys.jsonl line 2: key 1 (" + ORIGIN + "+"
        + id(other) + ") signs from tree size 10, but leaf 9 records the rotation from " + ORIGIN + "+" + id(FIRST)
        + " to " + ORIGIN + "+" + id(SECOND));
  }

  @Test
  void aBundleStrippedOfItsKeyHistoryFails() throws Exception {
    // Back to format 1 with the first key only: the later checkpoints and the rotation leaf give it away.
    Files.delete(dir.resolve("keys.jsonl"));
    Files.writeString(dir.resolve("bundle.json"), "{\"format\":\"lethe-audit-bundle/1\",\"origin\":\"" + ORIGIN
        + "\",\"leaves\":20,\"checkpoints\":4}");
    Files.writeString(dir.resolve("key.vkey"), FIRST.verifierKey());
    VerificationReport report = BundleVerifier.verify(dir, null);
    assertThat(report.verified()).isFalse();
    assertThat(check(report, "key-rotations").detail()).isEqualTo("leaves.jsonl line 10 (leaf 9): records a key"
        + " rotation to " + ORIGIN + "+" + id(SECOND) + ", but this lethe-audit-bundle/1 bundle has no key history");
    assertThat(check(report, "checkpoints").status()).isEqualTo(CheckResult.Status.FAIL);
  }

  @Test
  void malformedKeyHistoriesAreRejectedNamingTheLine() throws Exception {
    String first = "{\"key\":\"" + FIRST.verifierKey().strip() + "\",\"from_size\":0}";
    String second = "{\"key\":\"" + SECOND.verifierKey().strip() + "\",\"from_size\":10}";
    String[][] cases = {
      {first + "\n" + first.replace(":0}", ":10}") + "\n", "keys.jsonl line 2: the key (or its key id) is already key 0"},
      {second.replace(":10}", ":3}") + "\n" + second + "\n", "keys.jsonl line 1: the first key signs from tree size 0, not 3"},
      {first + "\n" + second.replace(":10}", ":0}") + "\n", "keys.jsonl line 2: from_size 0 does not come after"},
      {first + "\n", "keys.jsonl lists 1 keys but bundle.json declares 2"},
      {first + "\n{\"key\":\"" + new TestSigner("other.example/log").verifierKey().strip() + "\",\"from_size\":10}\n",
          "keys.jsonl line 2: key name 'other.example/log' is not the bundle's origin"},
      {first + "\nnot json\n", "keys.jsonl line 2: not valid JSON"},
    };
    for (String[] c : cases) {
      Files.writeString(dir.resolve("keys.jsonl"), c[0]);
      VerificationReport report = BundleVerifier.verify(dir, pin(FIRST));
      assertThat(report.failures().get(0).name()).as(c[1]).isEqualTo("key-history");
      assertThat(report.failures().get(0).detail()).as(c[1]).startsWith(c[1]);
      assertThat(check(report, "checkpoints").detail()).contains("signature not checked");
    }
    Files.delete(dir.resolve("keys.jsonl"));
    assertThat(BundleVerifier.verify(dir, null).failures().get(0).detail()).startsWith("keys.jsonl: missing");
  }

  @Test
  void aRotationLeafTheHistoryDoesNotListFails() {
    List<byte[]> leaves = leaves();
    leaves.set(16, TestBundleWriter.rotationLeaf(SECOND, FIRST));
    dir = TestBundleWriter.writeRotated(temp.resolve("extra"), leaves, List.of(FIRST, SECOND), FROM, SIZES);
    assertFailure("key-rotations", "leaves.jsonl line 17 (leaf 16): records a key rotation to " + ORIGIN + "+"
        + id(FIRST) + " that keys.jsonl does not list");
  }

  @Test
  void aLeafThatOnlyMentionsARotationIsNotOne() {
    List<byte[]> leaves = leaves();
    leaves.set(12, "{\"event\":{\"kind\":\"key.rotated\"},\"kind\":\"ledger.event\",\"seq\":12}".getBytes(StandardCharsets.UTF_8));
    leaves.set(13, "not json, yet \"kind\":\"key.rotated\"".getBytes(StandardCharsets.UTF_8));
    dir = TestBundleWriter.writeRotated(temp.resolve("mentions"), leaves, List.of(FIRST, SECOND), FROM, SIZES);
    assertThat(BundleVerifier.verify(dir, null).failures()).isEmpty();
  }

  private static String text(long size) {
    return ORIGIN + "\n" + size + "\n" + Base64.getEncoder().encodeToString(ReferenceMerkle.ofLeaves(leaves()).root((int) size)) + "\n";
  }

  private Path pin(TestSigner key) throws Exception {
    return Files.writeString(Files.createTempFile(temp, "pinned", ".vkey"), key.verifierKey());
  }

  private static String id(TestSigner key) {
    try {
      return Encodings.hex(VerifierKey.parse(key.verifierKey()).keyId());
    } catch (VerificationFailure e) {
      throw new AssertionError(e);
    }
  }

  private void assertFailure(String checkName, String messageStart) {
    VerificationReport report = BundleVerifier.verify(dir, null);
    assertThat(report.verified()).isFalse();
    assertThat(report.failures().get(0).name()).isEqualTo(checkName);
    assertThat(report.failures().get(0).detail()).startsWith(messageStart);
  }

  private static CheckResult check(VerificationReport report, String name) {
    return report.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }
}
