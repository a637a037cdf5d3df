package dev.lethe.cli;

/**
 * A command's arguments name something that cannot be used (a data directory without a store, a
 * member the ledger does not know), found while the command runs rather than while picocli parsed
 * it. Thrown through the command to the top-level handler, which prints the message alone (no
 * usage, no exception name) and exits with {@link Lethe#BAD_INPUT}; deliberately not a {@link
 * dev.lethe.store.StoreException}, which commands report as a failure of the environment.
 */
final class BadInput extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BadInput(String message) {
    super(message, null, false, false);
  }
}
