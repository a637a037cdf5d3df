package dev.lethe.store;

/**
 * The embedded store's data directory is held by another process (a running {@code lethe serve},
 * say): H2 lets one process open it. Nothing was read or changed. Callers that only needed a
 * convenience check may go on without the store; everything else reports it.
 */
public final class StoreInUseException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreInUseException(String message, Throwable cause) {
    super(message, cause);
  }
}
