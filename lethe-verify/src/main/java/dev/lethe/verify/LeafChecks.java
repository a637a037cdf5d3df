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
  private final LeafAuditResult.Diagnostics diagnostics;

  LeafChecks(BundleManifest manifest, List<LoadedCheckpoint> checkpoints, LeafAuditResult audit) {
    this.manifest = manifest;
    this.checkpoints = checkpoints;
    this.audit = audit;
    this.diagnostics = audit.diagnostics();
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

  /**
   * Every leaf's bytes hash to the hash recorded for it; names the first leaf that does not, and
   * how: altered, removed from leaves.jsonl, swapped with the next, inserted (or its hash removed),
   * or given a carriage return by a CRLF conversion. A leaf removed or moved in both files alike
   * leaves every hash matching; then the leaves' seqs ({@link SeqOrder}) name it, if the counts
   * disagree with bundle.json here or the signed roots do in {@link #recordedRoots}.
   */
  CheckResult leafHashes() {
    CheckResult found = hashesAndCounts();
    SeqOrder.Anomaly seq = diagnostics.seq();
    if (found.status() != CheckResult.Status.FAIL || seq == null
        || (found.leafIndex() != null && seq.firstLeaf() >= found.leafIndex())) {
      return found;
    }
    // The files agree up to where they fail, yet the seqs show an earlier leaf gone or moved:
    // it was edited in both files alike, and that is the first tampered leaf.
    long held = audit.leafCount();
    String context = audit.firstMismatch() < 0 && held == audit.recordedCount()
        ? ": " + (seq.missing() ? "removed from" : "moved in") + " both " + BundleFiles.LEAVES
            + " and " + BundleFiles.LEAF_HASHES + ", which hold " + held + " leaves where "
            + BundleFiles.MANIFEST + " declares " + manifest.leaves()
        : "; " + BundleFiles.LEAVES + " and " + BundleFiles.LEAF_HASHES + " were changed alike "
            + "there, and first disagree later: " + found.detail();
    return CheckResult.failAtLeaf(LEAF_HASHES, seq.describe() + context, seq.firstLeaf());
  }

  /** The leaf-by-leaf comparison and the counts, without the seqs' view across both files. */
  private CheckResult hashesAndCounts() {
    long recorded = audit.recordedCount();
    long leaves = audit.leafCount();
    if (audit.firstMismatch() >= 0) {
      long i = audit.firstMismatch();
      SeqOrder.Anomaly seq = diagnostics.seq();
      return mismatch(i, seq != null && seq.leaf() == i ? seq : null);
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

  /** The first leaf {@code i} whose hash differs from its recorded hash, classified. */
  private CheckResult mismatch(long i, SeqOrder.Anomaly seqHere) {
    byte[][] leaf = diagnostics.leafHashes();
    byte[][] rec = diagnostics.recordedHashes();
    String where = "leaf " + i + " (" + BundleFiles.LEAVES + " line " + (i + 1) + ")";
    String seqNote = seqHere == null ? "" : "; " + seqHere.describe();
    if (diagnostics.mismatchIsCarriageReturn()) {
      String extent = diagnostics.carriageReturns() == audit.leafCount()
          ? "every line of " + BundleFiles.LEAVES + " ends with CRLF"
          : diagnostics.carriageReturns() + " of its " + audit.leafCount() + " lines end with CRLF";
      return CheckResult.failAtLeaf(LEAF_HASHES, where + " ends with a carriage return that "
          + "is not part of the leaf: without it the leaf hashes to its recorded hash; " + extent
          + " (Windows line endings, e.g. from a text-mode copy); leaves are hashed byte for byte, "
          + "so restore the file's LF line endings", i);
    }
    if (Arrays.equals(leaf[0], rec[1]) && Arrays.equals(leaf[1], rec[0])) {
      return CheckResult.failAtLeaf(LEAF_HASHES, "leaves " + i + " and " + (i + 1) + " ("
          + BundleFiles.LEAVES + " lines " + (i + 1) + " and " + (i + 2) + ") are swapped: each "
          + "hashes to the other's recorded hash in " + BundleFiles.LEAF_HASHES + seqNote, i);
    }
    if (Arrays.equals(leaf[0], rec[1]) && Arrays.equals(leaf[1], rec[2])) {
      return CheckResult.failAtLeaf(LEAF_HASHES, "leaf " + i + " was removed from "
          + BundleFiles.LEAVES + ": its line " + (i + 1) + " holds leaf " + (i + 1) + " (it hashes "
          + "to " + BundleFiles.LEAF_HASHES + " line " + (i + 2) + ", and the leaves after it to "
          + "the lines after that)" + seqNote, i);
    }
    if (Arrays.equals(leaf[1], rec[0]) && Arrays.equals(leaf[2], rec[1])) {
      return CheckResult.failAtLeaf(LEAF_HASHES, where + " has no recorded hash: the leaves "
          + "after it hash to " + BundleFiles.LEAF_HASHES + " one line earlier, so either it was "
          + "inserted into " + BundleFiles.LEAVES + " or its hash was removed from "
          + BundleFiles.LEAF_HASHES + seqNote, i);
    }
    // A seq that is out of place says the leaf came from elsewhere; a gap or a repeat at an
    // altered leaf most likely is the alteration itself, so only a move is worth saying.
    String moved = seqHere != null && !seqHere.missing() ? "; " + seqHere.describe() : "";
    return CheckResult.failAtLeaf(LEAF_HASHES, where + " was altered: SHA-256(0x00 || leaf) is "
        + Encodings.hex(audit.mismatchActual()) + " but " + BundleFiles.LEAF_HASHES + " line "
        + (i + 1) + " records " + Encodings.hex(audit.mismatchRecorded()) + moved, i);
  }

  /** The leaf bytes themselves reproduce every signed root, without trusting leaf-hashes.txt. */
  CheckResult leafRoots() {
    CheckResult roots = compareRoots(LEAF_ROOTS, BundleFiles.LEAVES, audit.leafRoots(),
        audit.leafCount(), audit.leafProblem());
    if (roots.status() == CheckResult.Status.FAIL && audit.firstMismatch() >= 0) {
      long first = roots.leafIndex() == null ? audit.firstMismatch()
          : Math.min(roots.leafIndex(), audit.firstMismatch());
      return new CheckResult(roots.name(), roots.status(), roots.detail()
          + " (first altered leaf: " + audit.firstMismatch() + ")", first);
    }
    return roots;
  }

  private CheckResult compareRoots(String check, String source, Map<Long, byte[]> roots,
      long available, String problem) {
    // Sizes whose root matched: a mismatch at size S then lies above the largest of them below S.
    TreeSet<Long> matched = new TreeSet<>(List.of(0L));
    for (LoadedCheckpoint cp : checkpoints) {
      byte[] root = roots.get(cp.size());
      long lower = matched.floor(cp.size());
      if (root == null) {
        return located(check, cp.describe() + ": the root cannot be computed, "
            + source + " provides only " + available + " leaves"
            + (problem == null ? "" : " (" + problem + ")"), lower, cp.size());
      }
      if (!Arrays.equals(root, cp.checkpoint().root())) {
        return located(check, cp.describe() + ": root recomputed from " + source + " is "
            + Encodings.base64(root) + " but the checkpoint signs "
            + Encodings.base64(cp.checkpoint().root()) + "; the difference lies in leaves "
            + lower + " to " + (cp.size() - 1), lower, cp.size());
      }
      matched.add(cp.size());
    }
    return CheckResult.pass(check, "roots of " + checkpoints.size() + " checkpoint(s) recomputed "
        + "from " + source);
  }

  /**
   * A root failure over leaves {@code [lower, size)}: the roots alone cannot say which leaf, but a
   * seq out of order in that range can (a leaf removed or moved in both files hashes fine).
   */
  private CheckResult located(String check, String detail, long lower, long size) {
    SeqOrder.Anomaly seq = diagnostics.seq();
    if (seq != null && seq.firstLeaf() >= lower && seq.firstLeaf() < size) {
      return CheckResult.failAtLeaf(check, detail + "; " + seq.describe(), seq.firstLeaf());
    }
    return CheckResult.fail(check, detail);
  }
}
