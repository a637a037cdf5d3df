package dev.lethe.verify;

import static dev.lethe.testkit.MerkleVectors.EMPTY_ROOT;
import static dev.lethe.testkit.MerkleVectors.LEAVES;
import static dev.lethe.testkit.MerkleVectors.ROOTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known-answer tests from the published Certificate Transparency / transparency-dev test data.
 *
 * <p>Values (only the values) are taken from:
 * <ul>
 *   <li>google/certificate-transparency, {@code cpp/merkletree/merkle_tree_test.cc}: kInputs,
 *       kSHA256EmptyTreeHash, kSHA256Roots, kSHA256Paths, kSHA256Proofs;
 *   <li>transparency-dev/merkle, {@code proof/verify_test.go}: the same leaves and roots, the
 *       inclusion proofs and the consistency proofs, including the extra 6 -> 7 proof.
 * </ul>
 * Both files number leaves from 1 in their path vectors; here indexes are 0-based.
 */
class MerkleTestVectorsTest {

  private static final HexFormat HEX = HexFormat.of();

  private final MerkleHasher hasher = new MerkleHasher();

  @Test
  void emptyTreeRootIsSha256OfTheEmptyString() {
    assertThat(HEX.formatHex(new RootAccumulator(hasher).root())).isEqualTo(EMPTY_ROOT);
  }

  @Test
  void streamingRootsMatchThePublishedRootsForEverySize() {
    RootAccumulator accumulator = new RootAccumulator(hasher);
    for (int n = 1; n <= LEAVES.size(); n++) {
      accumulator.append(hasher.leaf(HEX.parseHex(LEAVES.get(n - 1))));
      assertThat(HEX.formatHex(accumulator.root())).as("root of size %d", n)
          .isEqualTo(ROOTS.get(n - 1));
    }
  }

  @Test
  void referenceMerkleUsedByTheTestWriterMatchesThePublishedRoots() {
    ReferenceMerkle tree = ReferenceMerkle.ofLeaves(leafBytes());
    for (int n = 1; n <= LEAVES.size(); n++) {
      assertThat(HEX.formatHex(tree.root(n))).isEqualTo(ROOTS.get(n - 1));
    }
  }

  @ParameterizedTest(name = "inclusion of leaf {0} in tree size {1}")
  @CsvSource(delimiter = '|', textBlock = """
      0 | 1 |
      0 | 8 | 96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e 6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4
      5 | 8 | bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0 d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7
      2 | 3 | fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125
      1 | 5 | 6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b
      """)
  void publishedInclusionProofsAreSubtreeHashesOfOurTree(int leaf, int size, String proof) {
    // The inclusion path is a list of subtree roots, so this pins the subtree hashing too.
    assertThat(hexList(ReferenceMerkle.ofLeaves(leafBytes()).inclusion(leaf, size)))
        .isEqualTo(split(proof));
  }

  @ParameterizedTest(name = "consistency {0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      1 | 1 |
      1 | 8 | 96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e 6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4
      6 | 8 | 0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0 d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7
      2 | 5 | 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b
      6 | 7 | 0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7
      """)
  void publishedConsistencyProofsVerifyAndCorruptionsDoNot(int first, int second, String hexProof) {
    List<byte[]> proof = bytes(split(hexProof));
    byte[] root1 = HEX.parseHex(ROOTS.get(first - 1));
    byte[] root2 = HEX.parseHex(ROOTS.get(second - 1));

    assertThatCode(() -> ConsistencyProof.verify(hasher, first, second, root1, root2, proof))
        .doesNotThrowAnyException();
    assertThat(hexList(ReferenceMerkle.ofLeaves(leafBytes()).consistency(first, second)))
        .as("the test writer produces the published proof").isEqualTo(split(hexProof));
    if (proof.isEmpty()) {
      return;
    }
    // Probes modelled on the corruptions the published tests apply.
    rejects(first - 1, second, root1, root2, proof);
    rejects(first + 1, second, root1, root2, proof);
    rejects(first ^ 2, second, root1, root2, proof);
    rejects(first, second * 2, root1, root2, proof);
    rejects(first, second / 2, root1, root2, proof);
    rejects(first, second, HEX.parseHex(EMPTY_ROOT), root2, proof);
    rejects(first, second, root1, HEX.parseHex(EMPTY_ROOT), proof);
    rejects(first, second, root2, root1, proof);
    rejects(first, second, root1, root2, List.of());
    rejects(first, second, root1, root2, edit(proof, p -> append(p, root1)));
    rejects(first, second, root1, root2, edit(proof, p -> append(p, root2)));
    rejects(first, second, root1, root2, edit(proof, p -> append(p, new byte[0])));
    rejects(first, second, root1, root2, edit(proof, p -> prepend(p, root1)));
    rejects(first, second, root1, root2, edit(proof, p -> prepend(p, proof.get(0))));
    rejects(first, second, root1, root2, proof.subList(0, proof.size() - 1));
    for (int i = 0; i < proof.size(); i++) {
      List<byte[]> flipped = new ArrayList<>(proof);
      byte[] element = flipped.get(i).clone();
      element[0] ^= 16;
      flipped.set(i, element);
      rejects(first, second, root1, root2, flipped);
    }
  }

  @Test
  void trivialConsistencyCasesFollowTheRfc() throws VerificationFailure {
    byte[] empty = HEX.parseHex(EMPTY_ROOT);
    byte[] root1 = HEX.parseHex(ROOTS.get(0));
    ConsistencyProof.verify(hasher, 0, 0, empty, empty, List.of());
    ConsistencyProof.verify(hasher, 0, 1, empty, root1, List.of());
    ConsistencyProof.verify(hasher, 1, 1, root1, root1, List.of());
    rejects(1, 0, root1, empty, List.of());
    rejects(2, 1, root1, root1, List.of());
    rejects(1, 2, root1, root1, List.of());
    rejects(1, 1, root1, empty, List.of());
    rejects(1, 1, root1, root1, List.of(empty));
    rejects(0, 1, empty, root1, List.of(empty));
  }

  @Test
  void sizeOneGreaterThanSizeTwoIsRejectedByName() {
    byte[] root = HEX.parseHex(ROOTS.get(7));
    assertThatThrownBy(() -> ConsistencyProof.verify(hasher, 8, 6, root, root, List.of(root)))
        .isInstanceOf(VerificationFailure.class)
        .hasMessageContaining("8 cannot be consistent with the smaller tree size 6");
  }

  private void rejects(long first, long second, byte[] root1, byte[] root2, List<byte[]> proof) {
    assertThatThrownBy(() -> ConsistencyProof.verify(hasher, first, second, root1, root2, proof))
        .as("%d -> %d with %d proof elements", first, second, proof.size())
        .isInstanceOf(VerificationFailure.class);
  }

  private static List<byte[]> edit(List<byte[]> proof, UnaryOperator<List<byte[]>> change) {
    return change.apply(new ArrayList<>(proof));
  }

  private static List<byte[]> append(List<byte[]> proof, byte[] element) {
    proof.add(element);
    return proof;
  }

  private static List<byte[]> prepend(List<byte[]> proof, byte[] element) {
    proof.add(0, element);
    return proof;
  }

  private static List<byte[]> leafBytes() {
    return bytes(LEAVES);
  }

  private static List<byte[]> bytes(List<String> hex) {
    return hex.stream().map(HEX::parseHex).toList();
  }

  private static List<String> hexList(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }

  private static List<String> split(String proof) {
    return proof == null || proof.isBlank() ? List.of() : List.of(proof.trim().split(" "));
  }
}
