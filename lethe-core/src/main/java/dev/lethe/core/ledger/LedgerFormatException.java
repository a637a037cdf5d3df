package dev.lethe.core.ledger;

/**
 * A ledger file that cannot be used, with the 1-based line of the first problem. The message
 * reads {@code line N: <problem>}.
 */
public class LedgerFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final String problem;

  public LedgerFormatException(int line, String problem) {
    super("line " + line + ": " + problem);
    this.line = line;
    this.problem = problem;
  }

  /** The 1-based line number of the problem. */
  public int line() {
    return line;
  }

  /** The problem, without location. */
  public String problem() {
    return problem;
  }
}
