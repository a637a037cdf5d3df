package dev.lethe.verify;

import java.nio.file.Path;

/**
 * Where each part of an audit bundle lives (format {@value #FORMAT}, or {@value #FORMAT_2} for a
 * log whose signing key was rotated: the same files plus {@value #KEYS}).
 *
 * @param dir the bundle directory
 */
public record BundleFiles(Path dir) {

  /** The bundle format of a log that has had one signing key. */
  public static final String FORMAT = "lethe-audit-bundle/1";

  /** The bundle format of a log whose signing key was rotated. */
  public static final String FORMAT_2 = "lethe-audit-bundle/2";

  static final String MANIFEST = "bundle.json";
  static final String LEAVES = "leaves.jsonl";
  static final String LEAF_HASHES = "leaf-hashes.txt";
  static final String CHECKPOINTS = "checkpoints";
  static final String CONSISTENCY = "consistency.jsonl";
  static final String KEY = "key.vkey";
  static final String KEYS = "keys.jsonl";

  Path manifest() {
    return dir.resolve(MANIFEST);
  }

  Path leaves() {
    return dir.resolve(LEAVES);
  }

  Path leafHashes() {
    return dir.resolve(LEAF_HASHES);
  }

  Path checkpoints() {
    return dir.resolve(CHECKPOINTS);
  }

  Path consistency() {
    return dir.resolve(CONSISTENCY);
  }

  Path key() {
    return dir.resolve(KEY);
  }

  Path keys() {
    return dir.resolve(KEYS);
  }
}
