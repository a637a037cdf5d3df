package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Honest bundles verify; each kind of tampering fails and the report says where. */
class BundleVerifierTest {

  private static final TestSigner SIGNER = new TestSigner(TestBundleWriter.ORIGIN);
  private static final List<byte[]> LEAVES = TestBundleWriter.leaves(40);
  private static final int[] SIZES = {3, 8, 8, 21, 40};

  @TempDir
  Path temp;

  private Path dir;

  @BeforeEach
  void writeHonestBundle() {
    dir = new TestBundleWriter(SIGNER).write(temp.resolve("bundle"), LEAVES, SIZES);
  }

  /** Replaces the default bundle by one with other checkpoint sizes. */
  private void rewrite(int... sizes) {
    dir = new TestBundleWriter(SIGNER).write(temp.resolve("bundle-" + sizes.length), LEAVES, sizes);
  }

  @Test
  void honestBundleVerifiesAndReportsLatestCheckpoint() {
    VerificationReport report = verify();
    assertThat(report.failures()).isEmpty();
    assertThat(report.verified()).isTrue();
    assertThat(report.checks()).extracting(CheckResult::name)
        .containsExactlyElementsOf(BundleVerifier.CHECKS);
    assertThat(report.leaves()).isEqualTo(40);
    assertThat(report.checkpoints()).isEqualTo(5);
    assertThat(report.latest().size()).isEqualTo(40);
    assertThat(report.latest().root()).isEqualTo(ReferenceMerkle.ofLeaves(LEAVES).root(40));
  }

  @Test
  void leavesAfterTheLatestCheckpointVerifyButAreReportedAsUncovered() {
    rewrite(3, 30);
    VerificationReport report = verify();
    assertThat(report.verified()).isTrue();
    assertThat(report.leavesAfterLatestCheckpoint()).isEqualTo(10);
  }

  @Test
  void changedByteInALeafIsNamedByIndex() {
    Tamper.setLeafByte(dir, 17, 5, (byte) 'X');
    assertFirstTamperedLeaf(17, "leaf 17 (leaves.jsonl line 18) was altered");
  }

  @Test
  void changedByteInTheLastLeafAfterAllCheckpointsIsStillNamed() {
    rewrite(3, 30);
    Tamper.setLeafByte(dir, 39, 0, (byte) '[');
    assertFirstTamperedLeaf(39, "leaf 39 (leaves.jsonl line 40) was altered");
  }

  @Test
  void leafDroppedFromLeavesOnlyIsNamedAsRemovedNotAltered() {
    Tamper.dropLine(dir, "leaves.jsonl", 12);
    assertFirstTamperedLeaf(12, "leaf 12 was removed from leaves.jsonl: its line 13 holds leaf 13 "
        + "(it hashes to leaf-hashes.txt line 14, and the leaves after it to the lines after that)"
        + "; leaf 12 is missing (seq jumps from 12 to 14)");
  }

  @Test
  void hashDroppedFromLeafHashesOnlyIsNamedAtItsLeaf() {
    Tamper.dropLine(dir, "leaf-hashes.txt", 12);
    assertFirstTamperedLeaf(12, "leaf 12 (leaves.jsonl line 13) has no recorded hash: the leaves "
        + "after it hash to leaf-hashes.txt one line earlier");
  }

  @Test
  void leafDroppedFromBothFilesIsNamedByItsSeqGap() {
    Tamper.dropLine(dir, "leaves.jsonl", 13);
    Tamper.dropLine(dir, "leaf-hashes.txt", 13);
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(report.firstTamperedLeaf()).isEqualTo(13);
    assertThat(check(report, "leaf-hashes").detail()).isEqualTo("leaf 13 is missing (seq jumps "
        + "from 13 to 15): removed from both leaves.jsonl and leaf-hashes.txt, which hold 39 leaves"
        + " where bundle.json declares 40");
    // The signed roots say only "somewhere in 8 to 20"; the seqs add which leaf.
    assertThat(check(report, "recorded-roots").detail())
        .startsWith("checkpoints/000004.note (tree size 21): root recomputed from leaf-hashes.txt")
        .endsWith("the difference lies in leaves 8 to 20; leaf 13 is missing (seq jumps from 13 "
            + "to 15)");
    assertThat(check(report, "recorded-roots").leafIndex()).isEqualTo(13);
  }

  @Test
  void firstLeafDroppedFromBothFilesIsNamed() {
    Tamper.dropLine(dir, "leaves.jsonl", 0);
    Tamper.dropLine(dir, "leaf-hashes.txt", 0);
    assertFirstTamperedLeaf(0, "leaf 0 is missing (the first seq is 2 but the ledger numbers its "
        + "events from 1): removed from both");
  }

  @Test
  void leavesSwappedInBothFilesAreNamedByTheirSeqs() {
    Tamper.swapLines(dir, "leaves.jsonl", 9, 10);
    Tamper.swapLines(dir, "leaf-hashes.txt", 9, 10);
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(report.firstTamperedLeaf()).isEqualTo(9);
    assertThat(check(report, "recorded-roots").detail()).endsWith("the difference lies in leaves "
        + "8 to 20; leaves 9 and 10 (leaves.jsonl lines 10 and 11) are out of order: they carry "
        + "seq 11 and 10, in that order");
    assertThat(check(report, "leaf-roots").detail()).contains("leaves 9 and 10");
    // Each leaf still hashes to the hash recorded on its line: that check has nothing to say.
    assertThat(check(report, "leaf-hashes").status()).isEqualTo(CheckResult.Status.PASS);
  }

  @Test
  void leafMovedInBothFilesIsNamedWithWhereItsSeqWent() {
    Tamper.swapLines(dir, "leaves.jsonl", 9, 17);
    Tamper.swapLines(dir, "leaf-hashes.txt", 9, 17);
    VerificationReport report = verify();
    assertThat(report.firstTamperedLeaf()).isEqualTo(9);
    assertThat(check(report, "recorded-roots").detail()).endsWith("leaf 9 (leaves.jsonl line 10) "
        + "is out of order: it carries seq 18 where seq 10 was expected (leaf 8 carries seq 9); "
        + "seq 10 is at leaf 17");
  }

  @Test
  void leavesSwappedInLeavesOnlyAreNamedAsSwapped() {
    Tamper.swapLines(dir, "leaves.jsonl", 9, 10);
    assertFirstTamperedLeaf(9, "leaves 9 and 10 (leaves.jsonl lines 10 and 11) are swapped: each "
        + "hashes to the other's recorded hash in leaf-hashes.txt; leaves 9 and 10 (leaves.jsonl "
        + "lines 10 and 11) are out of order: they carry seq 11 and 10, in that order");
  }

  @Test
  void leavesConvertedToCrlfAreNamedAsLineEndings() {
    Tamper.toCrlf(dir, "leaves.jsonl");
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(report.firstTamperedLeaf()).isEqualTo(0);
    assertThat(check(report, "leaf-hashes").detail()).isEqualTo("leaf 0 (leaves.jsonl line 1) "
        + "ends with a carriage return that is not part of the leaf: without it the leaf hashes to "
        + "its recorded hash; every line of leaves.jsonl ends with CRLF (Windows line endings, e.g."
        + " from a text-mode copy); leaves are hashed byte for byte, so restore the file's LF line "
        + "endings");
  }

  @Test
  void oneLeafWithACarriageReturnIsNamed() {
    Tamper.replaceLine(dir, "leaves.jsonl", 22, new String(LEAVES.get(22)) + "\r");
    assertFirstTamperedLeaf(22, "leaf 22 (leaves.jsonl line 23) ends with a carriage return");
    assertThat(check(verify(), "leaf-hashes").detail())
        .contains("1 of its 40 lines end with CRLF");
  }

  @Test
  void leafHashesConvertedToCrlfAreNamedAsLineEndings() {
    Tamper.toCrlf(dir, "leaf-hashes.txt");
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(check(report, "recorded-roots").detail()).contains("leaf-hashes.txt line 1 (leaf 0):"
        + " ends with a carriage return: leaf-hashes.txt has CRLF (Windows) line endings");
    assertThat(report.firstTamperedLeaf()).isEqualTo(0);
  }

  @Test
  void droppedLastLeafIsNamedAsMissing() {
    Tamper.dropLine(dir, "leaves.jsonl", 39);
    assertFirstTamperedLeaf(39, "leaf 39 is missing");
  }

  @Test
  void droppedLeafAndItsRecordedHashAreCaughtByTheSignedRoots() {
    Tamper.dropLine(dir, "leaves.jsonl", 25);
    Tamper.dropLine(dir, "leaf-hashes.txt", 25);
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(check(report, "recorded-roots").detail())
        .contains("checkpoints/000005.note (tree size 40)")
        .contains("provides only 39 leaves");
    assertThat(check(report, "leaf-hashes").detail()).startsWith("leaf 25 is missing");
    assertThat(check(report, "recorded-roots").detail())
        .endsWith("; leaf 25 is missing (seq jumps from 25 to 27)");
  }

  @Test
  void reorderedLeavesAreNamedAtTheFirstMovedIndex() {
    Tamper.swapLines(dir, "leaves.jsonl", 9, 30);
    assertFirstTamperedLeaf(9, "leaf 9 (leaves.jsonl line 10) was altered");
    assertThat(check(verify(), "leaf-hashes").detail()).endsWith("; leaf 9 (leaves.jsonl line 10) "
        + "is out of order: it carries seq 31 where seq 10 was expected (leaf 8 carries seq 9); "
        + "seq 10 is at leaf 30");
  }

  @Test
  void rewrittenLeafWithRecomputedHashIsPinnedBetweenCheckpoints() {
    byte[] forged = "{\"forged\":true}".getBytes();
    Tamper.replaceLine(dir, "leaves.jsonl", 15, new String(forged));
    Tamper.replaceLine(dir, "leaf-hashes.txt", 15, Encodings.hex(new MerkleHasher().leaf(forged)));
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(check(report, "recorded-roots").detail())
        .startsWith("checkpoints/000004.note (tree size 21): root recomputed from leaf-hashes.txt")
        .endsWith("the difference lies in leaves 8 to 20; the leaf of seq 16 is missing between "
            + "leaves 14 and 16 (seq jumps from 15 to 17)");
    assertThat(report.firstTamperedLeaf()).isEqualTo(15);
    assertThat(check(report, "leaf-roots").status()).isEqualTo(CheckResult.Status.FAIL);
  }

  @Test
  void checkpointSignedByAnotherKeyFails() {
    TestSigner impostor = new TestSigner(TestBundleWriter.ORIGIN);
    Tamper.writeString(TestBundleWriter.checkpointFile(dir, 2),
        new TestBundleWriter(impostor).checkpoint(ReferenceMerkle.ofLeaves(LEAVES).root(8), 8));
    assertFailure("checkpoints", "checkpoints/000002.note: no signature by " + TestBundleWriter.ORIGIN
        + "+" + Encodings.hex(VerifierKey.keyId(SIGNER.name(), rawKey(SIGNER))));
  }

  @Test
  void checkpointReplacedByAnOlderValidOneFails() {
    Tamper.writeString(TestBundleWriter.checkpointFile(dir, 4),
        Tamper.readString(TestBundleWriter.checkpointFile(dir, 1)));
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(report.failures().get(0).name()).isEqualTo("tree-sizes");
    assertThat(report.failures().get(0).detail()).isEqualTo("checkpoints/000004.note (tree size 3) "
        + "is smaller than checkpoints/000003.note (tree size 8): a log never shrinks");
    assertThat(check(report, "consistency").detail()).startsWith("consistency.jsonl line 3");
  }

  @Test
  void checkpointWithMutatedRootFailsItsSignatureAndItsRoot() {
    Path file = TestBundleWriter.checkpointFile(dir, 3);
    String note = Tamper.readString(file);
    String[] lines = note.split("\n", -1);
    char first = lines[2].charAt(0);
    lines[2] = (first == 'A' ? 'B' : 'A') + lines[2].substring(1);
    Tamper.writeString(file, String.join("\n", lines));
    VerificationReport report = verify();
    assertThat(report.failures().get(0).detail())
        .startsWith("checkpoints/000003.note: Ed25519 signature by " + TestBundleWriter.ORIGIN)
        .endsWith("does not verify over the checkpoint text");
    assertThat(check(report, "recorded-roots").detail())
        .startsWith("checkpoints/000003.note (tree size 8): root recomputed");
  }

  @Test
  void forkedCheckpointSignedByTheRealKeyIsCaughtByConsistencyAndRoots() {
    // A log that signs a root over different history: the signature is fine, the math is not.
    List<byte[]> fork = TestBundleWriter.leaves(21);
    fork.set(4, "{\"fork\":1}".getBytes());
    Tamper.writeString(TestBundleWriter.checkpointFile(dir, 4),
        new TestBundleWriter(SIGNER).checkpoint(ReferenceMerkle.ofLeaves(fork).root(21), 21));
    VerificationReport report = verify();
    assertThat(check(report, "checkpoints").status()).isEqualTo(CheckResult.Status.PASS);
    assertThat(check(report, "consistency").detail()).startsWith("consistency.jsonl line 3 "
        + "(checkpoints/000003.note (tree size 8) -> checkpoints/000004.note (tree size 21))");
    assertThat(check(report, "leaf-roots").detail()).contains("leaves 8 to 20");
  }

  @Test
  void corruptedConsistencyProofFailsNamingTheLine() {
    ReferenceMerkle tree = ReferenceMerkle.ofLeaves(LEAVES);
    List<byte[]> proof = new java.util.ArrayList<>(tree.consistency(21, 40));
    byte[] bad = proof.get(1).clone();
    bad[31] ^= 1;
    proof.set(1, bad);
    Tamper.replaceLine(dir, "consistency.jsonl", 3,
        TestBundleWriter.consistencyLine(21, 40, proof).strip());
    assertFailure("consistency", "consistency.jsonl line 4 (checkpoints/000004.note (tree size 21)"
        + " -> checkpoints/000005.note (tree size 40)): proof does not reproduce the root");
  }

  @Test
  void consistencyProofWithAnExtraElementIsRejected() {
    ReferenceMerkle tree = ReferenceMerkle.ofLeaves(LEAVES);
    List<byte[]> proof = new java.util.ArrayList<>(tree.consistency(3, 8));
    proof.add(tree.root(8));
    Tamper.replaceLine(dir, "consistency.jsonl", 0,
        TestBundleWriter.consistencyLine(3, 8, proof).strip());
    assertFailure("consistency", "consistency.jsonl line 1");
    assertThat(check(verify(), "consistency").detail()).contains("too long");
  }

  @Test
  void consistencyLineForTheWrongSizesIsRejected() {
    ReferenceMerkle tree = ReferenceMerkle.ofLeaves(LEAVES);
    Tamper.replaceLine(dir, "consistency.jsonl", 0,
        TestBundleWriter.consistencyLine(8, 3, tree.consistency(3, 8)).strip());
    assertFailure("consistency", "consistency.jsonl line 1: proves 8 -> 3 but must prove "
        + "checkpoints/000001.note (tree size 3) -> checkpoints/000002.note (tree size 8)");
  }

  @Test
  void missingConsistencyLineIsRejected() {
    Tamper.dropLine(dir, "consistency.jsonl", 2);
    assertFailure("consistency", "consistency.jsonl has 3 line(s) but 5 checkpoints need 4");
  }

  @Test
  void deletedCheckpointIsNamed() throws Exception {
    Files.delete(TestBundleWriter.checkpointFile(dir, 5));
    assertFailure("checkpoints", "bundle.json declares 5 checkpoints but checkpoints/ holds 4 "
        + "(checkpoints/000005.note is missing)");
  }

  @Test
  void pinnedKeyOfTheLogVerifies() throws Exception {
    Path key = Files.writeString(temp.resolve("pinned.vkey"),
        SIGNER.verifierKey());
    Files.writeString(dir.resolve("key.vkey"), new TestSigner("junk").verifierKey());
    VerificationReport report = BundleVerifier.verify(dir, key);
    assertThat(report.verified()).isTrue();
    assertThat(report.keySource()).isEqualTo("pinned " + key);
  }

  @Test
  void pinnedKeyRejectsABundleSignedByAnotherKey() throws Exception {
    // The attacker rewrote the whole bundle with their own key, including key.vkey.
    TestSigner attacker = new TestSigner(TestBundleWriter.ORIGIN);
    dir = new TestBundleWriter(attacker).write(temp.resolve("forged"), LEAVES, SIZES);
    assertThat(verify().verified()).as("self-consistent forgery").isTrue();

    Path pinned = Files.writeString(temp.resolve("pinned.vkey"),
        SIGNER.verifierKey());
    VerificationReport report = BundleVerifier.verify(dir, pinned);
    assertThat(report.verified()).isFalse();
    assertThat(report.failures().get(0).detail())
        .startsWith("checkpoints/000001.note: no signature by " + TestBundleWriter.ORIGIN + "+");
  }

  @Test
  void pinnedKeyWithAnotherNameFailsAtTheKeyCheck() throws Exception {
    Path pinned = Files.writeString(temp.resolve("pinned.vkey"),
        new TestSigner("other.example/log").verifierKey());
    VerificationReport report = BundleVerifier.verify(dir, pinned);
    assertThat(report.failures().get(0).detail()).isEqualTo(pinned + ": key name "
        + "'other.example/log' is not the bundle's origin '" + TestBundleWriter.ORIGIN + "'");
  }

  @Test
  void malformedRecordedHashIsNamedByLine() {
    Tamper.replaceLine(dir, "leaf-hashes.txt", 6, "ABCD");
    VerificationReport report = verify();
    assertThat(check(report, "recorded-roots").detail())
        .contains("leaf-hashes.txt line 7 (leaf 6): not 64 lowercase hex digits");
    assertThat(report.firstTamperedLeaf()).isEqualTo(6);
  }

  @Test
  void unusableManifestSkipsEverythingElseExplicitly() throws Exception {
    Files.writeString(dir.resolve("bundle.json"), "{\"format\":\"lethe-audit-bundle/3\"}");
    VerificationReport report = verify();
    assertThat(report.checks().get(0).detail()).contains("format is 'lethe-audit-bundle/3'");
    assertThat(report.checks().subList(1, report.checks().size()))
        .allMatch(c -> c.status() == CheckResult.Status.SKIPPED);
  }

  @Test
  void bundleWithoutCheckpointsDoesNotVerify() {
    rewrite();
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(check(report, "checkpoints").detail())
        .contains("the bundle has no checkpoint, so nothing in it is signed");
  }

  @Test
  void aLeavesFileThatIsADirectoryIsBlamedNotTheRecordedHashes() throws Exception {
    Path leaves = dir.resolve("leaves.jsonl");
    Files.delete(leaves);
    Files.createDirectory(leaves);
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    // The recorded hashes are fine and give every signed root; only the leaves cannot be read.
    assertThat(check(report, "recorded-roots").status()).isEqualTo(CheckResult.Status.PASS);
    assertThat(check(report, "leaf-hashes").detail()).startsWith("leaves.jsonl: cannot be read");
    assertThat(check(report, "leaf-roots").detail()).contains("leaves.jsonl provides only 0 leaves (leaves.jsonl: cannot be read");
    assertThat(report.checks()).noneMatch(c -> c.status() == CheckResult.Status.FAIL && c.detail().contains("leaf-hashes.txt"));
  }

  private VerificationReport verify() {
    return BundleVerifier.verify(dir, null);
  }

  private void assertFirstTamperedLeaf(long index, String message) {
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(report.firstTamperedLeaf()).isEqualTo(index);
    assertThat(check(report, "leaf-hashes").detail()).startsWith(message);
  }

  private void assertFailure(String checkName, String messageStart) {
    VerificationReport report = verify();
    assertThat(report.verified()).isFalse();
    assertThat(report.failures().get(0).name()).isEqualTo(checkName);
    assertThat(report.failures().get(0).detail()).startsWith(messageStart);
  }

  private static CheckResult check(VerificationReport report, String name) {
    return report.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private static byte[] rawKey(TestSigner signer) {
    try {
      return VerifierKey.parse(signer.verifierKey()).rawPublicKey();
    } catch (VerificationFailure e) {
      throw new AssertionError(e);
    }
  }
}
