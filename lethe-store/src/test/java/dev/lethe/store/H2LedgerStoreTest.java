package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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

  @Test
  void anH2DatabaseGivenByUrlIsAStoreOnceCreated() {
    // A plain H2 URL folds unquoted names to upper case, while Flyway's history table keeps its
    // quoted lower-case name: the store must still be found there.
    StoreConfig config = StoreConfig.database("jdbc:h2:file:" + dir.resolve("by-url").resolve("db"), dir.resolve("by-url-keys"));
    assertThat(LedgerStore.exists(config)).isFalse();
    try (LedgerStore created = LedgerStore.open(config)) {
      assertThat(created.eventCount()).isZero();
    }
    assertThat(LedgerStore.exists(config)).isTrue();
    try (LedgerStore existing = LedgerStore.openExisting(config)) {
      assertThat(existing.eventCount()).isZero();
      assertThat(existing.verifyAudit().problems()).isEmpty();
    }
  }
}
