package dev.lethe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The vectors agree with the RFC 9162 definition (section 2.1.1), computed here straight from it
 * with the JDK's SHA-256, so a mistyped digit fails here before it fails two modules' tests.
 */
class MerkleVectorsTest {

  private static final HexFormat HEX = HexFormat.of();

  /** MTH(D[n]): SHA-256 of 0x00 || d for one leaf; of 0x01 || MTH(left) || MTH(right) split at the largest power of two below n. */
  private static byte[] mth(List<byte[]> leaves) throws NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    if (leaves.isEmpty()) {
      return sha.digest();
    }
    if (leaves.size() == 1) {
      sha.update((byte) 0);
      return sha.digest(leaves.get(0));
    }
    int k = Integer.highestOneBit(leaves.size() - 1);
    byte[] left = mth(leaves.subList(0, k));
    byte[] right = mth(leaves.subList(k, leaves.size()));
    sha.update((byte) 1);
    sha.update(left);
    return sha.digest(right);
  }

  @Test
  void everyRootIsTheTreeHashOfItsLeaves() throws Exception {
    List<byte[]> leaves = MerkleVectors.LEAVES.stream().map(HEX::parseHex).toList();
    assertThat(MerkleVectors.ROOTS).hasSameSizeAs(leaves);
    assertThat(HEX.formatHex(mth(List.of()))).isEqualTo(MerkleVectors.EMPTY_ROOT);
    for (int n = 1; n <= leaves.size(); n++) {
      assertThat(HEX.formatHex(mth(leaves.subList(0, n)))).as("size %d", n).isEqualTo(MerkleVectors.ROOTS.get(n - 1));
    }
  }

  @Test
  void theRootsAreDistinctLowercaseDigests() {
    assertThat(MerkleVectors.ROOTS).doesNotHaveDuplicates().doesNotContain(MerkleVectors.EMPTY_ROOT)
        .allMatch(r -> r.matches("[0-9a-f]{64}"));
  }
}
