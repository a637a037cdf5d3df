package dev.lethe.verify;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Turns one {@link LeafAuditResult} into the three leaf-level checks, with precise locations. */
final class LeafChecks {

  static final String RECORDED_ROOTS = "recorded-roots";
  static final String LEAF_HASHES = "leaf-hashes";
  static final String LEAF_ROOTS = "leaf-roots";

  private final BundleManifest manifest;
  private final List<LoadedCheckpoint> checkpoints;
  private final LeafAuditResult audit;

  LeafChecks(BundleManifest manifest, List<LoadedCheckpoint> checkpoints, LeafAuditResult audit) {
    this.manifest = manifest;
    this.checkpoints = checkpoints;
    this.audit = audit;
  }

  /** The hashes recorded at append time reproduce every signed root. */
  CheckResult recordedRoots() {
    CheckResult roots = compareRoots(RECORDED_ROOTS, BundleFiles.LEAF_HASHES,
        audit.recordedRoots(), audit.recordedCount(), audit.recordedProblem());
    if (roots.status() != CheckResult.Status.PASS) {
      return roots;
    }
    if (audit.recordedProblem() != null) {
      return CheckResult.fail(RECORDED_ROOTS, audit.recordedProblem());
    }
    if (audit.recordedCount() != manifest.leaves()) {
      return CheckResult.fail(RECORDED_ROOTS, BundleFiles.LEAF_HASHES + " holds "
          + audit.recordedCount() + " hashes but " + BundleFiles.MANIFEST + " declares "
          + manifest.leaves() + " leaves");
    }
    return roots;
  }

  /** Every leaf's bytes hash to the hash recorded for it; names the first leaf that does not. */
  CheckResult leafHashes() {
    long recorded = audit.recordedCount();
    long leaves = audit.leafCount();
    if (audit.firstMismatch() >= 0) {
      long i = audit.firstMismatch();
      return CheckResult.failAtLeaf(LEAF_HASHES, "leaf " + i + " (" + BundleFiles.LEAVES
          + " line " + (i + 1) + ") was altered: SHA-256(0x00 || leaf) is "
          + Encodings.hex(audit.mismatchActual()) + " but " + BundleFiles.LEAF_HASHES + " line "
          + (i + 1) + " records " + Encodings.hex(audit.mismatchRecorded()), i);
    }
    if (leaves > recorded && audit.recordedProblem() != null) {
      return CheckResult.failAtLeaf(LEAF_HASHES, "leaf " + recorded + " onwards cannot be "
          + "compared: " + audit.recordedProblem(), recorded);
    }
    if (audit.leafProblem() != null) {
      return CheckResult.failAtLeaf(LEAF_HASHES, audit.leafProblem(), leaves);
    }
    if (leaves < recorded) {
      return CheckResult.failAtLeaf(LEAF_HASHES, "leaf " + leaves + " is missing: "
          + BundleFiles.LEAVES + " ends after " + leaves + " leaves but " + BundleFiles.LEAF_HASHES
          + " records " + recorded, leaves);
    }
    if (leaves > recorded) {
      return CheckResult.failAtLeaf(LEAF_HASHES, "leaf " + recorded + " (" + BundleFiles.LEAVES
          + " line " + (recorded + 1) + ") has no recorded hash: " + BundleFiles.LEAF_HASHES
          + " ends after " + recorded + " lines", recorded);
    }
    if (leaves != manifest.leaves()) {
      long first = Math.min(leaves, manifest.leaves());
      String what = leaves < manifest.leaves() ? "is missing" : "is not declared";
      return CheckResult.failAtLeaf(LEAF_HASHES, "leaf " + first + " " + what + ": "
          + BundleFiles.MANIFEST + " declares " + manifest.leaves() + " leaves but "
          + BundleFiles.LEAVES + " holds " + leaves, first);
    }
    return CheckResult.pass(LEAF_HASHES, leaves + " leaves hash to their recorded hashes");
  }

  /** The leaf bytes themselves reproduce every signed root, without trusting leaf-hashes.txt. */
  CheckResult leafRoots() {
    CheckResult roots = compareRoots(LEAF_ROOTS, BundleFiles.LEAVES, audit.leafRoots(),
        audit.leafCount(), audit.leafProblem());
    if (roots.status() == CheckResult.Status.FAIL && audit.firstMismatch() >= 0) {
      return new CheckResult(roots.name(), roots.status(), roots.detail()
          + " (first altered leaf: " + audit.firstMismatch() + ")", audit.firstMismatch());
    }
    return roots;
  }

  private CheckResult compareRoots(String check, String source, Map<Long, byte[]> roots,
      long available, String problem) {
    // Sizes whose root matched: a mismatch at size S then lies above the largest of them below S.
    TreeSet<Long> matched = new TreeSet<>(List.of(0L));
    for (LoadedCheckpoint cp : checkpoints) {
      byte[] root = roots.get(cp.size());
      if (root == null) {
        return CheckResult.fail(check, cp.describe() + ": the root cannot be computed, "
            + source + " provides only " + available + " leaves"
            + (problem == null ? "" : " (" + problem + ")"));
      }
      if (!Arrays.equals(root, cp.checkpoint().root())) {
        long lower = matched.floor(cp.size());
        return CheckResult.fail(check, cp.describe() + ": root recomputed from " + source + " is "
            + Encodings.base64(root) + " but the checkpoint signs "
            + Encodings.base64(cp.checkpoint().root()) + "; the difference lies in leaves "
            + lower + " to " + (cp.size() - 1));
      }
      matched.add(cp.size());
    }
    return CheckResult.pass(check, "roots of " + checkpoints.size() + " checkpoint(s) recomputed "
        + "from " + source);
  }
}
