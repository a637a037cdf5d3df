package dev.lethe.testkit;

import java.util.List;

/**
 * The published known answers for RFC 9162 (Certificate Transparency v2) Merkle tree hashing with
 * SHA-256: eight leaves and the roots of the trees of their first 1..8 leaves, as the Certificate
 * Transparency project's {@code merkle_tree_test.cc} and transparency-dev/merkle's
 * {@code proof/verify_test.go} give them (values only). The audit log (lethe-store) and the
 * independent verifier (lethe-verify) are each tested against these same values; their proofs
 * vectors stay with each test.
 *
 * <p>All values are lowercase hex strings; the lists are immutable.
 */
public final class MerkleVectors {

  private MerkleVectors() {}

  /** The root of the empty tree: SHA-256 of no bytes. */
  public static final String EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /** The leaf data, in order (the first is the empty leaf). */
  public static final List<String> LEAVES = List.of("", "00", "10", "2021", "3031", "40414243",
      "5051525354555657", "606162636465666768696a6b6c6d6e6f");

  /** {@code ROOTS.get(n - 1)} is the root of the tree of the first {@code n} {@link #LEAVES}. */
  public static final List<String> ROOTS = List.of(
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
}
