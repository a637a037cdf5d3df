package dev.lethe.store.audit;

import java.util.List;

/**
 * The result of checking a stored audit log against itself and the ledger.
 *
 * @param leaves number of leaves checked
 * @param checkpoints number of checkpoints checked
 * @param problems what does not verify, first found first; empty if everything verifies
 * @param notes what could not be checked and why, without being a problem (for instance a store
 *     made before the latest checkpoint was kept as a file has none to check against yet)
 */
public record AuditReport(long leaves, long checkpoints, List<String> problems, List<String> notes) {
  public AuditReport {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  /** A report with no notes. */
  public AuditReport(long leaves, long checkpoints, List<String> problems) {
    this(leaves, checkpoints, problems, List.of());
  }

  /** Whether everything verified. */
  public boolean ok() {
    return problems.isEmpty();
  }
}
