package dev.lethe.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  private static final String SECRET = "call me on 07700 900461, my pin is 50913";

  /** Data-directory files (not the key files) holding the bytes, as UTF-8 or as UTF-16. */
  private static List<Path> filesHolding(Path data, String text) throws IOException {
    List<byte[]> needles = List.of(text.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_16BE),
        text.getBytes(StandardCharsets.UTF_16LE));
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(data)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(p);
        if (needles.stream().anyMatch(n -> indexOf(bytes, n) >= 0)) {
          found.add(p);
        }
      }
    }
    return found;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void afterPurgeAndCompactionThePurgedTextIsInNoFile() throws Exception {
    StoreConfig config = fixture().freshConfig();
    Path data = config.dataDir();
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
          + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{},\"purposes\":{}}}", null);
      store.append("{\"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"m1\",\"country\":\"US\","
          + "\"birth_date\":\"1990-01-01\",\"name\":\"Jane Quillfeather\"}", null);
      for (int i = 0; i < 50; i++) {
        store.append("{\"type\":\"content.posted\",\"at\":\"2024-02-02T00:00:00Z\",\"content\":\"c" + i + "\",\"member\":\"m1\","
            + "\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"" + SECRET + " #" + i + "\"}", null);
      }
    }
    // The test can fail: before the erasure the text is in the database file.
    assertThat(filesHolding(data, SECRET)).isNotEmpty();
    try (LedgerStore store = LedgerStore.open(config)) {
      store.append("{\"type\":\"erasure.requested\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"m1\"}", null);
      assertThat(store.memberHistory("m1").toString()).doesNotContain(SECRET);
    }
    // The rows are purged, but the old versions of the rows are still in the file.
    assertThat(filesHolding(data, SECRET)).as("without compaction the old bytes remain").isNotEmpty();

    Compacted compacted = LedgerStore.compact(config);
    assertThat(compacted.what()).contains("ledger.mv.db");
    assertThat(filesHolding(data, SECRET)).isEmpty();
    try (LedgerStore store = LedgerStore.open(config)) {
      assertThat(store.eventCount()).isEqualTo(53);
      assertThat(store.verifyAudit().problems()).isEmpty();
    }
  }

  @Test
  void compactionRefusesADirectoryWithoutAStore() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LedgerStore.compact(StoreConfig.embedded(dir.resolve("nothing-here"))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("there is no embedded store in");
  }
}
