package dev.lethe.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a Lethe audit bundle from its files alone.
 *
 * <p>Checks run in a fixed order and every one is reported: passed, failed with the first problem
 * and its location, or skipped because what it needs failed earlier. Nothing is skipped silently.
 */
public final class BundleVerifier {

  private static final String KEY_HISTORY = "key-history";

  /**
   * Check names in the order they run and are reported; {@value SinceCheck#CHECK} follows them when
   * a kept checkpoint is given, then {@value ProofCheck#CHECK} when an inclusion proof is.
   */
  public static final List<String> CHECKS = List.of("bundle", "key", KEY_HISTORY,
      CheckpointLoader.CHECK, "tree-sizes", LeafChecks.RECORDED_ROOTS, LeafChecks.LEAF_HASHES,
      ConsistencyCheck.CHECK, LeafChecks.LEAF_ROOTS, KeyRotationCheck.CHECK);

  private BundleVerifier() {}

  /**
   * Verifies the bundle in {@code dir}.
   *
   * @param pinnedKey a verifier key file to use instead of the bundle's key.vkey, or null to use
   *     the bundle's own key (which only proves the bundle is internally consistent). Either key
   *     is the trust anchor: it must be one of the log's keys, and every other key of the history
   *     is accepted only through the rotation chain (each rotation's leaf and its checkpoint
   *     signed by both the retiring and the new key)
   */
  public static VerificationReport verify(Path dir, Path pinnedKey) {
    return verify(dir, pinnedKey, null);
  }

  /**
   * Verifies the bundle in {@code dir} and, when {@code since} is given, that it extends that
   * checkpoint kept from an earlier bundle ({@link SinceCheck}).
   *
   * @param since a signed checkpoint note kept earlier (an earlier bundle's latest
   *     checkpoints/NNNNNN.note), or null
   */
  public static VerificationReport verify(Path dir, Path pinnedKey, Path since) {
    return verify(dir, pinnedKey, since, null);
  }

  /**
   * Verifies the bundle in {@code dir}, the kept checkpoint {@code since} when given, and the
   * inclusion proof {@code proof} when given ({@link ProofCheck}): its root must be one the bundle
   * or the kept checkpoint vouches for.
   */
  public static VerificationReport verify(Path dir, Path pinnedKey, Path since, Path proof) {
    long start = System.nanoTime();
    BundleFiles files = new BundleFiles(dir);
    String keySource = pinnedKey == null ? "bundle " + BundleFiles.KEY : "pinned " + pinnedKey;
    List<CheckResult> checks = new ArrayList<>();

    BundleManifest manifest;
    try {
      manifest = BundleManifest.read(files.manifest());
      checks.add(CheckResult.pass("bundle", BundleFiles.MANIFEST + ": "
          + (manifest.version() == 1 ? BundleFiles.FORMAT : BundleFiles.FORMAT_2)
          + ", origin '" + manifest.origin() + "', " + manifest.leaves() + " leaves, "
          + manifest.checkpoints() + " checkpoints"));
    } catch (VerificationFailure e) {
      checks.add(CheckResult.fail("bundle", e.getMessage()));
      skipRest(checks, "bundle.json is unusable");
      return new VerificationReport(dir.toString(), keySource, null, null, null, 0, null, checks,
          millisSince(start));
    }

    VerifierKey key = readKey(pinnedKey == null ? files.key() : pinnedKey,
        pinnedKey == null ? BundleFiles.KEY : pinnedKey.toString(), manifest, checks);

    KeyHistory history = keyHistory(files, manifest, key, checks);
    CheckpointLoader.Outcome loaded = CheckpointLoader.load(files, manifest, history);
    checks.add(loaded.result());
    List<LoadedCheckpoint> checkpoints = loaded.checkpoints();
    checks.add(treeSizes(checkpoints, manifest));

    SinceCheck.Kept kept = since == null ? null : SinceCheck.read(since, manifest, history);
    long[] sizes = checkpoints.stream().mapToLong(LoadedCheckpoint::size).toArray();
    ProofCheck.Read proofRead = proof == null ? null : ProofCheck.read(proof);
    if (proofRead != null && proofRead.proof() != null) {
      sizes = java.util.stream.LongStream.concat(java.util.Arrays.stream(sizes),
          java.util.stream.LongStream.of(proofRead.proof().treeSize())).toArray();
    }
    if (kept != null && kept.checkpoint() != null) {
      sizes = java.util.stream.LongStream.concat(java.util.Arrays.stream(sizes),
          java.util.stream.LongStream.of(kept.checkpoint().size())).toArray();
    }
    LeafAuditResult audit = LeafAudit.run(files, sizes);
    LeafChecks leafChecks = new LeafChecks(manifest, checkpoints, audit);
    checks.add(leafChecks.recordedRoots());
    checks.add(leafChecks.leafHashes());
    checks.add(loaded.complete() ? ConsistencyCheck.run(files, checkpoints)
        : CheckResult.skipped(ConsistencyCheck.CHECK,
            "needs every checkpoint file, see the checkpoints check"));
    checks.add(leafChecks.leafRoots());
    checks.add(KeyRotationCheck.run(history, manifest, audit));
    if (since != null) {
      checks.add(SinceCheck.run(since, kept, audit));
    }
    if (proof != null) {
      checks.add(proofCheck(proof, proofRead, checkpoints, kept, audit));
    }

    Checkpoint latest = checkpoints.isEmpty() ? null
        : checkpoints.get(checkpoints.size() - 1).checkpoint();
    return new VerificationReport(dir.toString(), keySource, key == null ? null : key.text(),
        manifest.origin(), manifest.leaves(), checkpoints.size(), latest, checks,
        millisSince(start));
  }

  /** The proof against the root the bundle (or the kept checkpoint) vouches for at its size. */
  private static CheckResult proofCheck(Path proof, ProofCheck.Read read, List<LoadedCheckpoint> checkpoints,
      SinceCheck.Kept kept, LeafAuditResult audit) {
    if (read.proof() == null) {
      return ProofCheck.run(proof, read, null, null, null);
    }
    long size = read.proof().treeSize();
    for (LoadedCheckpoint cp : checkpoints) {
      if (cp.size() == size) {
        return ProofCheck.run(proof, read, cp.checkpoint().root(), cp.describe(), null);
      }
    }
    if (kept != null && kept.checkpoint() != null && kept.checkpoint().size() == size) {
      return ProofCheck.run(proof, read, kept.checkpoint().root(), "the kept checkpoint", null);
    }
    LoadedCheckpoint latest = checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
    if (latest != null && size <= latest.size()) {
      // The leaf-roots check holds these leaves to the latest signed root, so the root of any
      // prefix of them is vouched for by it.
      return ProofCheck.run(proof, read, audit.leafRoots().get(size),
          latest.describe() + " (through the first " + size + " of the leaves it signs)",
          "the bundle's leaves do not reach tree size " + size);
    }
    return ProofCheck.run(proof, read, null, null, "no checkpoint of the bundle covers tree size " + size
        + (latest == null ? "" : " (the latest signs size " + latest.size() + ")")
        + ": export a bundle after making the proof, or prove against a signed size (lethe audit prove --size)");
  }

  private static VerifierKey readKey(Path file, String where, BundleManifest manifest,
      List<CheckResult> checks) {
    try {
      VerifierKey key = VerifierKey.parse(readKeyFile(file, where));
      if (!key.name().equals(manifest.origin())) {
        checks.add(CheckResult.fail("key", where + ": key name '" + key.name()
            + "' is not the bundle's origin '" + manifest.origin() + "'"));
      } else {
        checks.add(CheckResult.pass("key", where + ": Ed25519 key " + key.name() + "+"
            + Encodings.hex(key.keyId())));
      }
      // A name mismatch is reported, yet the key still checks signatures so the checkpoints
      // check can say which notes it did not sign.
      return key;
    } catch (VerificationFailure e) {
      checks.add(CheckResult.fail("key", where + ": " + e.getMessage()));
      return null;
    }
  }

  /** The key-history check: the history the checkpoints are held to, or null if unusable. */
  private static KeyHistory keyHistory(BundleFiles files, BundleManifest manifest,
      VerifierKey anchor, List<CheckResult> checks) {
    if (anchor == null) {
      checks.add(CheckResult.skipped(KEY_HISTORY, "needs the verifier key, see the key check"));
      return null;
    }
    if (manifest.version() == 1) {
      checks.add(CheckResult.pass(KEY_HISTORY, "one key, never rotated (" + BundleFiles.FORMAT
          + ")"));
      return KeyHistory.single(anchor);
    }
    KeyHistory history;
    try {
      history = KeyHistory.read(files.keys(), manifest);
    } catch (VerificationFailure e) {
      checks.add(CheckResult.fail(KEY_HISTORY, e.getMessage()));
      return null;
    }
    KeyHistory.Entry trusted = history.find(anchor);
    if (trusted == null) {
      checks.add(CheckResult.fail(KEY_HISTORY, "the trusted key " + anchor.name() + "+"
          + Encodings.hex(anchor.keyId()) + " is not in " + BundleFiles.KEYS
          + ": this bundle is not signed by the log you trust"));
      return null;
    }
    StringBuilder detail = new StringBuilder(BundleFiles.KEYS + ": " + history.entries().size()
        + " keys, anchored at " + trusted.describe() + ";");
    for (KeyHistory.Entry e : history.entries()) {
      detail.append(' ').append(e.describe()).append(" from size ").append(e.fromSize())
          .append(e.number() + 1 < history.entries().size() ? "," : "");
    }
    checks.add(CheckResult.pass(KEY_HISTORY, detail.toString()));
    return history;
  }

  private static String readKeyFile(Path file, String where) throws VerificationFailure {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new VerificationFailure("missing");
    } catch (IOException e) {
      throw new VerificationFailure("cannot be read (" + e.getMessage() + ")");
    }
  }

  private static CheckResult treeSizes(List<LoadedCheckpoint> checkpoints,
      BundleManifest manifest) {
    LoadedCheckpoint previous = null;
    for (LoadedCheckpoint cp : checkpoints) {
      if (previous != null && cp.size() < previous.size()) {
        return CheckResult.fail("tree-sizes", cp.describe() + " is smaller than "
            + previous.describe() + ": a log never shrinks");
      }
      if (cp.size() > manifest.leaves()) {
        return CheckResult.fail("tree-sizes", cp.describe() + " exceeds the "
            + manifest.leaves() + " leaves declared in " + BundleFiles.MANIFEST);
      }
      previous = cp;
    }
    return CheckResult.pass("tree-sizes", checkpoints.size() + " checkpoint size(s) "
        + "non-decreasing and within " + manifest.leaves() + " leaves");
  }

  private static void skipRest(List<CheckResult> checks, String why) {
    for (String name : CHECKS.subList(checks.size(), CHECKS.size())) {
      checks.add(CheckResult.skipped(name, why));
    }
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
