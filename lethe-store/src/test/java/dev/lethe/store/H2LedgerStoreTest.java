package dev.lethe.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on embedded H2 in file mode. */
class H2LedgerStoreTest extends LedgerStoreContract {

  @TempDir static Path dir;

  private static H2Fixture fixture;

  @Override
  protected StoreFixture fixture() {
    if (fixture == null) {
      fixture = new H2Fixture(dir);
    }
    return fixture;
  }
}
