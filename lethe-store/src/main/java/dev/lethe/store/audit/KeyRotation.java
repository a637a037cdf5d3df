package dev.lethe.store.audit;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A completed rotation of the audit signing key.
 *
 * @param retired the key that signed until now
 * @param current the new key
 * @param leafIndex the {@value AuditKey#ROTATION_KIND} leaf that records the rotation
 * @param checkpoint the checkpoint of the tree up to that leaf, signed by both keys
 * @param retiredKeyFile where the retired private key was kept, if it was kept
 */
public record KeyRotation(
    AuditKey retired, AuditKey current, long leafIndex, SignedCheckpoint checkpoint, Optional<Path> retiredKeyFile) {

  public KeyRotation {
    Objects.requireNonNull(retired, "retired");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(retiredKeyFile, "retiredKeyFile");
  }
}
