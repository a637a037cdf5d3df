package dev.lethe.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verification of RFC 9162 consistency proofs (section 2.1.4.2), written from the RFC text.
 *
 * <p>A proof that verifies shows that the tree of size {@code first} is a prefix of the tree of
 * size {@code second}: nothing the earlier checkpoint committed to was rewritten or removed.
 */
public final class ConsistencyProof {

  private ConsistencyProof() {}

  /**
   * Checks {@code proof} between two tree heads.
   *
   * @throws VerificationFailure naming the reason when the proof does not verify, including sizes
   *     that run backwards and proofs that are too short, too long, or contain non-32-byte hashes
   */
  public static void verify(
      MerkleHasher hasher, long first, long second, byte[] firstRoot, byte[] secondRoot,
      List<byte[]> proof) throws VerificationFailure {
    if (first < 0 || first > second) {
      throw new VerificationFailure(
          "tree size " + first + " cannot be consistent with the smaller tree size " + second);
    }
    for (int i = 0; i < proof.size(); i++) {
      if (proof.get(i).length != MerkleHasher.HASH_SIZE) {
        throw new VerificationFailure("proof element " + i + " is " + proof.get(i).length
            + " bytes, not " + MerkleHasher.HASH_SIZE);
      }
    }
    if (first == second) {
      requireEmpty(proof, "the sizes are equal");
      if (!Arrays.equals(firstRoot, secondRoot)) {
        throw new VerificationFailure("equal tree sizes " + first + " have different roots");
      }
      return;
    }
    if (first == 0) {
      // Every tree extends the empty tree; there is nothing to prove.
      requireEmpty(proof, "the first tree is empty");
      return;
    }
    verifyNonTrivial(hasher, first, second, firstRoot, secondRoot, proof);
  }

  private static void requireEmpty(List<byte[]> proof, String why) throws VerificationFailure {
    if (!proof.isEmpty()) {
      throw new VerificationFailure(
          "proof must be empty because " + why + ", but has " + proof.size() + " elements");
    }
  }

  // The numbered steps of RFC 9162 section 2.1.4.2 for 0 < first < second.
  private static void verifyNonTrivial(
      MerkleHasher hasher, long first, long second, byte[] firstRoot, byte[] secondRoot,
      List<byte[]> proof) throws VerificationFailure {
    // Step 1.
    if (proof.isEmpty()) {
      throw new VerificationFailure("proof is empty but " + first + " < " + second);
    }
    // Step 2: when the old tree is a perfect subtree its root is itself a node on the path.
    List<byte[]> path = new ArrayList<>(proof.size() + 1);
    if (Long.bitCount(first) == 1) {
      path.add(firstRoot);
    }
    path.addAll(proof);
    // Step 3.
    long fn = first - 1;
    long sn = second - 1;
    // Step 4.
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 5.
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    // Step 6.
    for (int i = 1; i < path.size(); i++) {
      byte[] c = path.get(i);
      if (sn == 0) {
        throw new VerificationFailure("proof is too long: " + (path.size() - i)
            + " element(s) left after reaching the root of tree size " + second);
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = hasher.node(c, fr);
        sr = hasher.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = hasher.node(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    // Step 7.
    if (sn != 0) {
      throw new VerificationFailure("proof is too short to reach the root of tree size " + second);
    }
    if (!Arrays.equals(fr, firstRoot)) {
      throw new VerificationFailure("proof does not reproduce the root of tree size " + first);
    }
    if (!Arrays.equals(sr, secondRoot)) {
      throw new VerificationFailure("proof does not reproduce the root of tree size " + second);
    }
  }
}
