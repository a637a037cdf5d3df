package dev.lethe.store.audit;

import static dev.lethe.testkit.MerkleVectors.EMPTY_ROOT;
import static dev.lethe.testkit.MerkleVectors.LEAVES;
import static dev.lethe.testkit.MerkleVectors.ROOTS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RFC 9162 hashing and proofs against published test vectors.
 *
 * <p>Source of every value below: the transparency-dev Merkle library's tests, file
 * {@code proof/verify_test.go} of github.com/transparency-dev/merkle (commit
 * 02194e9afb6c1d95b5381350007963aa70fff472), the same data the Certificate Transparency project
 * publishes: eight leaves, the roots of the trees of their first 1..8 leaves, and inclusion and
 * consistency proofs. There the inclusion vectors give the leaf as a 1-based number; here they are
 * converted to the 0-based index RFC 9162 uses.
 */
class MerkleTest {

  private static final HexFormat HEX = HexFormat.of();

  /** {0-based leaf index, tree size, proof...}. */
  private static final String[][] INCLUSION = {
    {"0", "1"},
    {"0", "8", "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
    {"5", "8", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
    {"2", "3", "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"},
    {"1", "5", "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"},
  };

  /** {size1, size2, proof...}. */
  private static final String[][] CONSISTENCY = {
    {"1", "1"},
    {"1", "8", "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
    {"6", "8", "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
    {"2", "5", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"},
    {"6", "7", "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
  };

  private static List<byte[]> leafHashes() {
    List<byte[]> out = new ArrayList<>();
    for (String leaf : LEAVES) {
      out.add(Merkle.leafHash(HEX.parseHex(leaf)));
    }
    return out;
  }

  private static List<byte[]> hashes(String[] row) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 2; i < row.length; i++) {
      out.add(HEX.parseHex(row[i]));
    }
    return out;
  }

  private static byte[] root(int size) {
    return HEX.parseHex(ROOTS.get(size - 1));
  }

  @Test
  void rootsOfEveryPrefixMatchThePublishedRoots() {
    List<byte[]> leaves = leafHashes();
    assertThat(Merkle.hex(Merkle.emptyRoot())).isEqualTo(EMPTY_ROOT);
    assertThat(Merkle.root(List.of())).isEqualTo(HEX.parseHex(EMPTY_ROOT));
    Frontier edge = new Frontier();
    for (int n = 1; n <= 8; n++) {
      assertThat(Merkle.hex(Merkle.root(leaves.subList(0, n)))).as("size %d", n).isEqualTo(ROOTS.get(n - 1));
      edge.append(leaves.get(n - 1));
      assertThat(Merkle.hex(edge.root())).as("frontier size %d", n).isEqualTo(ROOTS.get(n - 1));
      Frontier reloaded = Frontier.load(Merkle.fromLeafHashes(leaves), n);
      assertThat(reloaded.root()).isEqualTo(edge.root());
    }
  }

  @Test
  void inclusionProofsAreThePublishedOnesAndVerify() {
    Merkle.Subtrees tree = Merkle.fromLeafHashes(leafHashes());
    for (String[] v : INCLUSION) {
      long index = Long.parseLong(v[0]);
      long size = Long.parseLong(v[1]);
      List<byte[]> want = hashes(v);
      List<byte[]> got = Merkle.inclusionProof(tree, index, size);
      assertThat(got).as("leaf %d size %d", index, size).usingElementComparator(java.util.Arrays::compare).isEqualTo(want);
      byte[] leaf = leafHashes().get((int) index);
      assertThat(Merkle.verifyInclusion(index, size, leaf, want, root((int) size))).isTrue();
      // The corruptions the published suite probes must all fail.
      assertThat(Merkle.verifyInclusion(index + 1, size, leaf, want, root((int) size))).isFalse();
      assertThat(Merkle.verifyInclusion(index, size * 2, leaf, want, root((int) size))).isFalse();
      assertThat(Merkle.verifyInclusion(index, size, Merkle.leafHash("WrongLeaf".getBytes()), want, root((int) size))).isFalse();
      assertThat(Merkle.verifyInclusion(index, size, leaf, want, HEX.parseHex(EMPTY_ROOT))).isFalse();
      List<byte[]> trailing = new ArrayList<>(want);
      trailing.add(root((int) size));
      assertThat(Merkle.verifyInclusion(index, size, leaf, trailing, root((int) size))).isFalse();
      for (int i = 0; i < want.size(); i++) {
        List<byte[]> flipped = new ArrayList<>(want);
        byte[] h = flipped.get(i).clone();
        h[0] ^= 8;
        flipped.set(i, h);
        assertThat(Merkle.verifyInclusion(index, size, leaf, flipped, root((int) size))).isFalse();
      }
      if (!want.isEmpty()) {
        assertThat(Merkle.verifyInclusion(index, size, leaf, want.subList(0, want.size() - 1), root((int) size))).isFalse();
      }
    }
  }

  @Test
  void consistencyProofsAreThePublishedOnesAndVerify() {
    Merkle.Subtrees tree = Merkle.fromLeafHashes(leafHashes());
    for (String[] v : CONSISTENCY) {
      long size1 = Long.parseLong(v[0]);
      long size2 = Long.parseLong(v[1]);
      List<byte[]> want = hashes(v);
      assertThat(Merkle.consistencyProof(tree, size1, size2))
          .as("%d to %d", size1, size2)
          .usingElementComparator(java.util.Arrays::compare)
          .isEqualTo(want);
      byte[] r1 = root((int) size1);
      byte[] r2 = root((int) size2);
      assertThat(Merkle.verifyConsistency(size1, size2, r1, r2, want)).isTrue();
      if (want.isEmpty()) {
        continue;
      }
      assertThat(Merkle.verifyConsistency(size1, size2, r2, r1, want)).as("swapped roots").isFalse();
      assertThat(Merkle.verifyConsistency(size1 + 1, size2, r1, r2, want)).isFalse();
      assertThat(Merkle.verifyConsistency(size1, size2 * 2, r1, r2, want)).isFalse();
      assertThat(Merkle.verifyConsistency(size2, size1, r2, r1, want)).as("size1 > size2").isFalse();
      assertThat(Merkle.verifyConsistency(size1, size2, r1, r2, List.of())).isFalse();
      List<byte[]> trailing = new ArrayList<>(want);
      trailing.add(r2);
      assertThat(Merkle.verifyConsistency(size1, size2, r1, r2, trailing)).as("not fully consumed").isFalse();
      assertThat(Merkle.verifyConsistency(size1, size2, r1, r2, want.subList(0, want.size() - 1))).isFalse();
    }
    assertThat(Merkle.verifyConsistency(0, 5, Merkle.emptyRoot(), root(5), List.of())).isTrue();
    assertThat(Merkle.verifyConsistency(0, 5, Merkle.emptyRoot(), root(5), List.of(root(1)))).isFalse();
  }

  @Test
  void generatedProofsVerifyForEveryIndexAndSizeOfLargerTrees() {
    Random random = new Random(9162);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      byte[] data = new byte[random.nextInt(40)];
      random.nextBytes(data);
      leaves.add(Merkle.leafHash(data));
    }
    Merkle.Subtrees tree = Merkle.fromLeafHashes(leaves);
    Frontier edge = new Frontier();
    for (int n = 1; n <= leaves.size(); n++) {
      edge.append(leaves.get(n - 1));
      byte[] rootN = Merkle.root(leaves.subList(0, n));
      assertThat(edge.root()).isEqualTo(rootN);
      for (int i = 0; i < n; i++) {
        assertThat(Merkle.verifyInclusion(i, n, leaves.get(i), Merkle.inclusionProof(tree, i, n), rootN)).isTrue();
      }
      for (int m = 0; m <= n; m++) {
        byte[] rootM = Merkle.root(leaves.subList(0, m));
        assertThat(Merkle.verifyConsistency(m, n, rootM, rootN, Merkle.consistencyProof(tree, m, n))).as("%d to %d", m, n).isTrue();
      }
    }
  }
}
