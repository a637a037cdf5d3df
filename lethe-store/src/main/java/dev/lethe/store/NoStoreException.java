package dev.lethe.store;

/**
 * {@link LedgerStore#openExisting} found no store where the configuration points: an embedded data
 * directory without the ledger database file, or a database without Lethe's tables. Nothing was
 * created. Usually a mistyped {@code --data} or {@code --db}.
 */
public final class NoStoreException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** What was looked at: the data directory, or the database URL with any password masked. */
  private final String where;

  NoStoreException(String where, String message) {
    super(message);
    this.where = where;
  }

  /**
   * The exception for {@code config}: what {@link LedgerStore#openExisting} throws there, for a
   * caller that checked {@link LedgerStore#exists} first.
   */
  public static NoStoreException of(StoreConfig config) {
    String where = JdbcLedgerStore.describe(config);
    return config.embedded()
        ? new NoStoreException(where, "the data directory " + where + " holds no store (no "
            + LedgerStore.EMBEDDED_DATABASE_FILE + ")")
        : new NoStoreException(where, "the database " + where + " holds no store (no Lethe tables)");
  }

  /** The data directory or (password-masked) database URL that holds no store. */
  public String where() {
    return where;
  }
}
