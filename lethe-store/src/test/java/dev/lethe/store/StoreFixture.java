package dev.lethe.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Makes fresh, empty stores of one database kind for the contract tests. */
interface StoreFixture {

  /** The configuration of a new, empty store. */
  StoreConfig freshConfig();

  /** A raw JDBC connection to the store's database, for tampering behind the store's back. */
  Connection raw(StoreConfig config) throws SQLException;
}
