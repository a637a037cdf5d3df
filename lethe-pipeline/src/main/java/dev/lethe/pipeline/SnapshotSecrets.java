package dev.lethe.pipeline;

import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives each snapshot's pseudonym key from the deployment key and the snapshot's identity
 * (purpose, as-of, input digests). A rebuild of the same inputs gets the same key, so it is
 * byte-identical; any other snapshot gets an unrelated key, so pseudonyms cannot be linked
 * across snapshots; and without the deployment key nobody can compute it.
 */
final class SnapshotSecrets {

  private SnapshotSecrets() {}

  static byte[] pseudonymKey(byte[] deploymentKey, String purpose, Instant asOf, List<SnapshotMetadata.Input> inputs) {
    StringBuilder identity = new StringBuilder("lethe/snapshot-pseudonym-key/1\n");
    identity.append(purpose).append('\n').append(Rfc3339.format(asOf)).append('\n');
    inputs.forEach(i -> identity.append(i.name()).append(' ').append(i.sha256()).append('\n'));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(deploymentKey, "HmacSHA256"));
      return mac.doFinal(identity.toString().getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }
}
