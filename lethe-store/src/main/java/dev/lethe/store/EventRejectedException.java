package dev.lethe.store;

/**
 * An event the store refuses: it breaks the ledger format, does not fit the stored ledger (the
 * same problems and messages as {@code lethe replay}), is a query, or reuses a client id for a
 * different event. Nothing of the call that threw it was stored.
 */
public class EventRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int index;

  /**
   * @param index position (0-based) of the offending event in the batch; 0 for a single append
   * @param problem the problem, without location
   */
  public EventRejectedException(int index, String problem) {
    super(problem);
    this.index = index;
  }

  /** Position (0-based) of the offending event in the batch given to the store. */
  public int index() {
    return index;
  }

  /** The problem, without location: the text {@code lethe replay} prints after {@code line N: }. */
  public String problem() {
    return getMessage();
  }
}
