package dev.lethe.store.audit;

import java.util.List;

/**
 * The result of checking a stored audit log against itself and the ledger.
 *
 * @param leaves number of leaves checked
 * @param checkpoints number of checkpoints checked
 * @param problems what does not verify, first found first; empty if everything verifies
 */
public record AuditReport(long leaves, long checkpoints, List<String> problems) {
  public AuditReport {
    problems = List.copyOf(problems);
  }

  /** Whether everything verified. */
  public boolean ok() {
    return problems.isEmpty();
  }
}
