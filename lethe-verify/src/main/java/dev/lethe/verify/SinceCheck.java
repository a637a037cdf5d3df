package dev.lethe.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The {@value #CHECK} check: the bundle extends a checkpoint the auditor kept from an earlier one.
 *
 * <p>A bundle on its own only shows that it is consistent with itself: a log rolled back to an
 * earlier size, or rewritten and re-signed by someone holding the key, verifies as well as the real
 * one. What shows it is a checkpoint kept from before: the new bundle must hold at least that many
 * leaves, and its first that-many leaves must give the kept root. The kept note's signature is
 * checked with the key history this bundle is verified against, so a kept checkpoint cannot be
 * swapped for one of another log.
 */
final class SinceCheck {

  static final String CHECK = "since";

  private SinceCheck() {}

  /** The kept checkpoint read and its signature checked, or the failure that stops the check. */
  record Kept(Checkpoint checkpoint, CheckResult failure) {}

  /**
   * Reads the kept note and checks its origin and signatures.
   *
   * @param history the key history the bundle is held to, or null if it has none
   */
  static Kept read(Path file, BundleManifest manifest, KeyHistory history) {
    String where = "kept checkpoint " + file;
    SignedNote note;
    Checkpoint checkpoint;
    try {
      note = SignedNote.parse(Files.readAllBytes(file));
      checkpoint = Checkpoint.parse(note.text());
    } catch (NoSuchFileException e) {
      return new Kept(null, CheckResult.fail(CHECK, where + ": missing"));
    } catch (IOException e) {
      return new Kept(null, CheckResult.fail(CHECK, where + ": cannot be read (" + e.getMessage() + ")"));
    } catch (VerificationFailure e) {
      return new Kept(null, CheckResult.fail(CHECK, where + ": " + e.getMessage()));
    }
    if (!checkpoint.origin().equals(manifest.origin())) {
      return new Kept(null, CheckResult.fail(CHECK, where + ": origin '" + checkpoint.origin()
          + "' is not the bundle's origin '" + manifest.origin() + "': it is another log's"));
    }
    if (history == null) {
      return new Kept(null, CheckResult.skipped(CHECK, "needs the verifier key, see the key and "
          + "key-history checks"));
    }
    for (KeyHistory.Entry signer : history.signersAt(checkpoint.size())) {
      try {
        note.requireSignedBy(signer.key());
      } catch (VerificationFailure e) {
        return new Kept(null, CheckResult.fail(CHECK, where + " (tree size " + checkpoint.size()
            + "): " + e.getMessage() + "; it is not a checkpoint of the log this bundle is verified"
            + " against"));
      }
    }
    return new Kept(checkpoint, null);
  }

  /** Compares the kept checkpoint with the bundle's leaves. */
  static CheckResult run(Path file, Kept kept, LeafAuditResult audit) {
    if (kept.failure() != null) {
      return kept.failure();
    }
    Checkpoint cp = kept.checkpoint();
    String where = "kept checkpoint " + file + " (tree size " + cp.size() + ")";
    if (cp.size() > audit.leafCount()) {
      return CheckResult.fail(CHECK, where + " is larger than this bundle's " + audit.leafCount()
          + " leaves" + (audit.leafProblem() == null ? "" : " (" + audit.leafProblem() + ")")
          + ": the log was rolled back since that checkpoint, or this bundle is older than it");
    }
    byte[] root = audit.leafRoots().get(cp.size());
    if (!Arrays.equals(root, cp.root())) {
      return CheckResult.fail(CHECK, "the first " + cp.size() + " of this bundle's "
          + audit.leafCount() + " leaves give the root " + Encodings.base64(root) + ", but the "
          + where + " signs " + Encodings.base64(cp.root())
          + ": the log was rewritten since that checkpoint (a fork)");
    }
    return CheckResult.pass(CHECK, "the bundle extends " + where + ": its first " + cp.size()
        + " of " + audit.leafCount() + " leaves give the kept root");
  }
}
