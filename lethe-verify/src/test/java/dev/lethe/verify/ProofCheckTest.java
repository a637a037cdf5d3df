package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --proof: an inclusion proof from lethe audit prove, against a bundle or a kept checkpoint. */
class ProofCheckTest {

  private static final TestSigner SIGNER = new TestSigner(TestBundleWriter.ORIGIN);
  private static final List<byte[]> LEAVES = TestBundleWriter.leaves(40);
  private static final ReferenceMerkle TREE = ReferenceMerkle.ofLeaves(LEAVES);

  @TempDir
  Path temp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** As lethe audit prove prints it. */
  private Path proof(String name, int leaf, int size, byte[] root, List<byte[]> path) throws Exception {
    return proof(name, leaf, size, new MerkleHasher().leaf(LEAVES.get(leaf)), root, path);
  }

  private Path proof(String name, int leaf, int size, byte[] leafHash, byte[] root, List<byte[]> path) throws Exception {
    Base64.Encoder b64 = Base64.getEncoder();
    String json = "{\"leaf_index\":" + leaf + ",\"tree_size\":" + size + ",\"leaf_hash\":\""
        + b64.encodeToString(leafHash) + "\",\"root\":\"" + b64.encodeToString(root)
        + "\",\"proof\":[" + path.stream().map(h -> "\"" + b64.encodeToString(h) + "\"").collect(Collectors.joining(","))
        + "]}";
    return Files.writeString(temp.resolve(name), json);
  }

  private Path honest(int leaf, int size) throws Exception {
    return proof("proof-" + leaf + "-" + size + ".json", leaf, size, TREE.root(size), TREE.inclusion(leaf, size));
  }

  private static CheckResult check(VerificationReport report) {
    return report.checks().stream().filter(c -> c.name().equals(ProofCheck.CHECK)).findFirst().orElseThrow();
  }

  private Path bundle() {
    return new TestBundleWriter(SIGNER).write(temp.resolve("bundle"), LEAVES, 21, 40);
  }

  @Test
  void theInclusionPathOfRfc9162GivesTheRootForEveryLeafAndSize() throws Exception {
    MerkleHasher hasher = new MerkleHasher();
    for (int size = 1; size <= 40; size++) {
      for (int leaf = 0; leaf < size; leaf++) {
        ProofCheck.Proof p = new ProofCheck.Proof(leaf, size, hasher.leaf(LEAVES.get(leaf)), TREE.root(size),
            TREE.inclusion(leaf, size));
        assertThat(ProofCheck.root(hasher, p)).as("leaf %d of %d", leaf, size).isEqualTo(TREE.root(size));
      }
    }
  }

  @Test
  void aProofOfACheckpointSizeOrOfASizeALaterCheckpointCoversVerifiesAgainstTheBundle() throws Exception {
    Path dir = bundle();
    VerificationReport atCheckpoint = BundleVerifier.verify(dir, null, null, honest(17, 21));
    assertThat(atCheckpoint.verified()).isTrue();
    assertThat(check(atCheckpoint).detail()).startsWith("leaf 17 (hash ").endsWith("is in the tree of size 21 whose root"
        + " checkpoints/000001.note (tree size 21) signs");
    VerificationReport covered = BundleVerifier.verify(dir, null, null, honest(5, 30));
    assertThat(covered.verified()).isTrue();
    assertThat(check(covered).detail()).contains("(through the first 30 of the leaves it signs)");
  }

  @Test
  void aProofWhoseRootTheLogNeverSignedFails() throws Exception {
    Path dir = new TestBundleWriter(SIGNER).write(temp.resolve("short"), LEAVES.subList(0, 21), 21);
    // The proof of another log's tree (or of leaves the bundle does not hold): consistent in itself.
    VerificationReport beyond = BundleVerifier.verify(dir, null, null, honest(17, 40));
    assertThat(beyond.verified()).isFalse();
    assertThat(check(beyond).detail()).contains("no checkpoint of the bundle covers tree size 40 (the latest signs size 21)");

    List<byte[]> otherLeaves = TestBundleWriter.leaves(41).subList(1, 41);
    ReferenceMerkle other = ReferenceMerkle.ofLeaves(otherLeaves);
    Path forged = proof("forged.json", 3, 21, other.root(21), other.inclusion(3, 21));
    VerificationReport report = BundleVerifier.verify(dir, null, null, forged);
    assertThat(report.verified()).isFalse();
    assertThat(check(report).detail()).contains("the leaf hash and path give the root");

    // A proof consistent with a root of its own that the log did not sign.
    Path selfConsistent = proof("self.json", 3, 21, new MerkleHasher().leaf(otherLeaves.get(3)), other.root(21),
        other.inclusion(3, 21));
    VerificationReport self = BundleVerifier.verify(dir, null, null, selfConsistent);
    assertThat(check(self).detail()).contains("that checkpoints/000001.note (tree size 21) signs for that tree size: the leaf is not in the log");
  }

  @Test
  void aMalformedProofIsNamed() throws Exception {
    Path bad = Files.writeString(temp.resolve("bad.json"), "{\"leaf_index\":1,\"tree_size\":21}");
    VerificationReport report = BundleVerifier.verify(bundle(), null, null, bad);
    assertThat(report.verified()).isFalse();
    assertThat(check(report).detail()).startsWith("proof " + bad);
  }

  @Test
  void withoutABundleTheProofIsCheckedAgainstAKeptCheckpointSignedByThePinnedKey() throws Exception {
    Path dir = bundle();
    Path kept = TestBundleWriter.checkpointFile(dir, 1);
    Path key = Files.writeString(temp.resolve("pinned.vkey"), SIGNER.verifierKey());
    assertThat(run("--proof", honest(17, 21).toString(), "--since", kept.toString(), "--key", key.toString())).isEqualTo(0);
    assertThat(out()).startsWith("VERIFIED: leaf 17");

    assertThat(run("--proof", honest(17, 40).toString(), "--since", kept.toString(), "--key", key.toString())).isEqualTo(1);
    assertThat(err()).contains("signs tree size 21: prove against that size");

    Path other = Files.writeString(temp.resolve("other.vkey"), new TestSigner(TestBundleWriter.ORIGIN).verifierKey());
    assertThat(run("--proof", honest(17, 21).toString(), "--since", kept.toString(), "--key", other.toString())).isEqualTo(1);
    assertThat(err()).contains("kept checkpoint " + kept + ": no signature by");

    assertThat(run("--proof", honest(17, 21).toString(), "--since", kept.toString())).isEqualTo(2);
    assertThat(err()).contains("--proof without BUNDLE_DIR needs --since NOTE and --key FILE");
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
