package dev.lethe.spark;

import dev.lethe.core.event.NameDigest;
import dev.lethe.pipeline.RecordProcessor;
import dev.lethe.pipeline.RedactionPolicies;
import dev.lethe.pipeline.ShardLayout;
import dev.lethe.pipeline.SnapshotBuilds;
import dev.lethe.redact.Redactor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything an executor needs to run the record step of one build, broadcast once: the consent
 * gates, the member names the redactor looks for, the snapshot's pseudonym key, the redaction
 * policy (as its manifest description, which parses back), the detector's name, the members a
 * rebuild forgets and the ids of the ledger's own content. Executors turn it into the same {@link RecordProcessor} the embedded engine
 * runs, once per executor JVM and build.
 */
final class BuildSpec implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Processors by build id; a couple at most, since an executor serves one build at a time. */
  private static final Map<String, RecordProcessor> PROCESSORS =
      new LinkedHashMap<>(4, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RecordProcessor> eldest) {
          return size() > 2;
        }
      };

  final String buildId;
  final ConsentGates gates;
  /** The ledger's member names, sorted, as the embedded engine builds its directory from them. */
  final String[] memberNames;
  /** Erased members' name digests (written form), sorted. */
  final String[] erasedNames;
  /** The deployment key the digests are matched under; empty when there are none. */
  final byte[] deploymentKey;
  final byte[] pseudonymKey;
  final String redaction;
  final String detector;
  final String[] forgotten;
  /** Members forgetting obliged us to remove after the as-of instant (see {@code RecordProcessor}). */
  final String[] forgottenSinceAsOf;
  /** The ids of the ledger's own content, whose copies in exports are left out as duplicates. */
  final String[] ledgerContent;

  BuildSpec(
      String buildId, ConsentGates gates, String[] memberNames, String[] erasedNames, byte[] deploymentKey,
      byte[] pseudonymKey, String redaction, String detector, String[] forgotten,
      String[] forgottenSinceAsOf, String[] ledgerContent) {
    this.buildId = buildId;
    this.gates = gates;
    this.memberNames = memberNames.clone();
    this.erasedNames = erasedNames.clone();
    // Shipped to executors only when some erased name needs it.
    this.deploymentKey = erasedNames.length == 0 ? new byte[0] : deploymentKey.clone();
    this.pseudonymKey = pseudonymKey.clone();
    this.redaction = redaction;
    this.detector = detector;
    this.forgotten = forgotten.clone();
    this.forgottenSinceAsOf = forgottenSinceAsOf.clone();
    this.ledgerContent = ledgerContent.clone();
  }

  /** This build's processor in this JVM, made on first use; thread-safe like the processor. */
  RecordProcessor processor() {
    synchronized (PROCESSORS) {
      RecordProcessor p = PROCESSORS.get(buildId);
      if (p == null) {
        p = new RecordProcessor(
            gates.view(),
            Redactor.create(Detectors.byName(detector), RedactionPolicies.parse(redaction), pseudonymKey),
            SnapshotBuilds.directory(Arrays.asList(memberNames),
                Arrays.stream(erasedNames).map(NameDigest::parse).toList(), deploymentKey),
            Set.of(forgotten),
            Set.of(forgottenSinceAsOf),
            Set.of(ledgerContent));
        PROCESSORS.put(buildId, p);
      }
      return p;
    }
  }

  /** The shard layout the gates were made with (group names for the manifest's shards). */
  ShardLayout layout() {
    return gates.view().layout();
  }
}
