package dev.lethe.verify;

import java.nio.file.Path;

/**
 * Where each part of an audit bundle lives (format {@value #FORMAT}).
 *
 * @param dir the bundle directory
 */
public record BundleFiles(Path dir) {

  /** The only bundle format this verifier understands. */
  public static final String FORMAT = "lethe-audit-bundle/1";

  static final String MANIFEST = "bundle.json";
  static final String LEAVES = "leaves.jsonl";
  static final String LEAF_HASHES = "leaf-hashes.txt";
  static final String CHECKPOINTS = "checkpoints";
  static final String CONSISTENCY = "consistency.jsonl";
  static final String KEY = "key.vkey";

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
}
