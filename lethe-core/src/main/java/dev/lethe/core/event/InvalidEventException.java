package dev.lethe.core.event;

/**
 * An event that breaks the ledger format: an unknown type, a missing or malformed field, a value
 * outside its listed words, or a reference to something that does not exist yet. The message
 * names the problem without a line number; readers add the location.
 */
public class InvalidEventException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidEventException(String problem) {
    super(problem);
  }

  /** The problem, without location. */
  public String problem() {
    return getMessage();
  }
}
