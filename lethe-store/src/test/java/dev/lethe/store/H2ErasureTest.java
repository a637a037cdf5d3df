package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Erasure on embedded H2, and what compaction does to the bytes of its files. */
class H2ErasureTest extends ErasureContract {

  @TempDir static Path dir;

  private static H2Fixture fixture;

  @Override
  protected StoreFixture fixture() {
    if (fixture == null) {
      fixture = new H2Fixture(dir);
    }
    return fixture;
  }

  /** Data-directory files (not the key files) holding the bytes. */
  private static List<Path> filesHolding(Path data, String text) throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      return PurgedBytes.holding(files, text);
    }
  }

  @Test
  void afterPurgeAndCompactionThePurgedTextIsInNoFile() throws Exception {
    StoreConfig config = fixture().freshConfig();
    Path data = config.dataDir();
    try (LedgerStore store = LedgerStore.open(config)) {
      PurgedBytes.fill(store);
    }
    // The test can fail: before the erasure the text is in the database file.
    assertThat(filesHolding(data, PurgedBytes.SECRET)).isNotEmpty();
    try (LedgerStore store = LedgerStore.open(config)) {
      PurgedBytes.erase(store);
      assertThat(store.memberHistory("m1").toString()).doesNotContain(PurgedBytes.SECRET);
    }
    // The rows are purged, but the old versions of the rows are still in the file.
    assertThat(filesHolding(data, PurgedBytes.SECRET)).as("without compaction the old bytes remain").isNotEmpty();

    Compacted compacted = LedgerStore.compact(config);
    assertThat(compacted.what()).contains("ledger.mv.db");
    assertThat(filesHolding(data, PurgedBytes.SECRET)).isEmpty();
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.eventCount()).isEqualTo(53);
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void compactionRefusesADirectoryWithoutAStore() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LedgerStore.compact(StoreConfig.embedded(dir.resolve("nothing-here"))))
        .isInstanceOf(NoStoreException.class)
        .hasMessageContaining("holds no store (no ledger.mv.db)");
  }
}
