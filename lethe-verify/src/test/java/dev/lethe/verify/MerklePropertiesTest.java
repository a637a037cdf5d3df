package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The streaming code in src/main agrees with a naive transcription of RFC 9162 everywhere. */
class MerklePropertiesTest {

  private final MerkleHasher hasher = new MerkleHasher();

  @Property(tries = 200)
  void streamingRootEqualsRecursiveRootAtEverySize(@ForAll @IntRange(max = 300) int n) {
    ReferenceMerkle tree = ReferenceMerkle.ofLeaves(TestBundleWriter.leaves(n));
    RootAccumulator accumulator = new RootAccumulator(hasher);
    assertThat(accumulator.root()).isEqualTo(tree.root(0));
    for (byte[] leaf : TestBundleWriter.leaves(n)) {
      accumulator.append(hasher.leaf(leaf));
      assertThat(accumulator.root()).isEqualTo(tree.root((int) accumulator.size()));
    }
  }

  @Property(tries = 300)
  void honestConsistencyProofsVerifyAndAnyFlippedBitIsRejected(
      @ForAll @IntRange(min = 1, max = 200) int second, @ForAll @IntRange(max = 200) int firstSeed,
      @ForAll @IntRange(max = 255) int bit) {
    int first = firstSeed % (second + 1);
    ReferenceMerkle tree = ReferenceMerkle.ofLeaves(TestBundleWriter.leaves(second));
    List<byte[]> proof = tree.consistency(first, second);
    assertThatCode(() -> ConsistencyProof.verify(hasher, first, second, tree.root(first),
        tree.root(second), proof)).doesNotThrowAnyException();
    if (proof.isEmpty()) {
      return;
    }
    List<byte[]> flipped = new ArrayList<>(proof);
    int element = bit % proof.size();
    byte[] hash = flipped.get(element).clone();
    hash[(bit / 8) % 32] ^= (byte) (1 << (bit % 8));
    flipped.set(element, hash);
    assertThatThrownBy(() -> ConsistencyProof.verify(hasher, first, second, tree.root(first),
        tree.root(second), flipped)).isInstanceOf(VerificationFailure.class);
    List<byte[]> longer = new ArrayList<>(proof);
    longer.add(proof.get(0));
    assertThatThrownBy(() -> ConsistencyProof.verify(hasher, first, second, tree.root(first),
        tree.root(second), longer)).isInstanceOf(VerificationFailure.class);
  }
}
