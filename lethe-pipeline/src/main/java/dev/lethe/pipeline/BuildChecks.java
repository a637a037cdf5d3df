package dev.lethe.pipeline;

import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.policy.Policy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every build command checks before it builds anything, so that the embedded and the Spark
 * commands refuse the same requests with the same words. Each method returns why a request
 * cannot give a meaningful snapshot, or null if it can. Stateless; thread-safe.
 */
public final class BuildChecks {

  private BuildChecks() {}

  /**
   * An as-of instant after now: consent at a future instant is a guess, since events not yet
   * appended (a withdrawal, a birthday's age check) would change it and the snapshot would claim
   * otherwise.
   */
  public static String asOfProblem(Instant asOf, Instant now) {
    if (!asOf.isAfter(now)) {
      return null;
    }
    return Rfc3339.format(asOf) + " is in the future (now is " + Rfc3339.format(now.truncatedTo(ChronoUnit.SECONDS))
        + "); a snapshot can only be built for the present or the past";
  }

  /**
   * A purpose that cannot give a meaningful snapshot at the instant. The policy in force must
   * define it; before any policy is in force the ledger must still define it in some version, and
   * every record is then excluded as {@code no-policy} (the spec's decision for that case), which
   * is a true statement about the instant rather than a typo's empty result.
   */
  public static String purposeProblem(ConsentLedger ledger, String purpose, Instant at) {
    Optional<Policy> inForce = ledger.policyAt(at);
    if (inForce.isPresent()) {
      Policy policy = inForce.get();
      if (policy.defines(purpose)) {
        return null;
      }
      return quoted(purpose) + " is not defined by policy " + policy.version() + ", in force at " + Rfc3339.format(at)
          + " (defined: " + String.join(", ", new TreeSet<>(policy.purposes().keySet())) + ")";
    }
    Set<String> defined = new TreeSet<>();
    ledger.policies().forEach(p -> defined.addAll(p.purposes().keySet()));
    if (defined.contains(purpose)) {
      return null;
    }
    return quoted(purpose) + " is not defined by any policy in the ledger"
        + (defined.isEmpty() ? " (the ledger has no policy)" : " (defined: " + String.join(", ", defined) + ")");
  }

  private static String quoted(String text) {
    return "\"" + text + "\"";
  }
}
