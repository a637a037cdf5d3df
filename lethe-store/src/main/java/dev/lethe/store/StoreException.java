package dev.lethe.store;

/**
 * The store could not do what was asked for a reason other than bad input: the database is
 * unreachable, a statement failed, a key file cannot be read, or the stored data is inconsistent.
 * An append that throws this was not acknowledged; it may or may not have been committed only if
 * the failure happened during the commit itself, and appending it again with the same client id
 * is always safe.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
