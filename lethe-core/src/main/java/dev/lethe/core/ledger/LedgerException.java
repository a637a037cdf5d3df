package dev.lethe.core.ledger;

/**
 * A ledger whose events are individually well-formed but do not fit together: an event names a
 * member, objection or content that does not exist yet at its instant, or a purpose that no
 * policy published so far defines. {@link #index()} is the position of the offending event in
 * the list given to the ledger.
 */
public class LedgerException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int index;

  public LedgerException(int index, String problem) {
    super(problem);
    this.index = index;
  }

  /** Position (0-based) of the offending event in the input list. */
  public int index() {
    return index;
  }

  /** The problem, without location. */
  public String problem() {
    return getMessage();
  }
}
