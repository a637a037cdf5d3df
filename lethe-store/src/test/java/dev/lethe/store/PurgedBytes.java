package dev.lethe.store;

import dev.lethe.testkit.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The byte-level check of erasure shared by the H2 and PostgreSQL tests: a store whose member m1
 * posted {@link #SECRET} fifty times, and a search of database files for those bytes.
 */
final class PurgedBytes {
  /** A post text of m1; fifty posts hold it, so it reaches the files whatever the page layout. */
  static final String SECRET = "call me on 07700 900461, my pin is 50913";

  private PurgedBytes() {}

  /** Appends a policy, member m1 and fifty posts of m1 holding {@link #SECRET}: 52 events. */
  static void fill(LedgerStore store) throws EventRejectedException {
    store.append("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
        + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{},\"purposes\":{}}}", null);
    store.append("{\"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"m1\",\"country\":\"US\","
        + "\"birth_date\":\"1990-01-01\",\"name\":\"Jane Quillfeather\"}", null);
    for (int i = 0; i < 50; i++) {
      store.append("{\"type\":\"content.posted\",\"at\":\"2024-02-02T00:00:00Z\",\"content\":\"c" + i + "\",\"member\":\"m1\","
          + "\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"" + SECRET + " #" + i + "\"}", null);
    }
  }

  /** Appends m1's erasure. */
  static void erase(LedgerStore store) throws EventRejectedException {
    store.append("{\"type\":\"erasure.requested\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"m1\"}", null);
  }

  /** The regular files among {@code files} whose bytes hold {@code text} as UTF-8 or UTF-16. */
  static List<Path> holding(Stream<Path> files, String text) throws IOException {
    return Trees.holding(files, List.of(text.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_16BE),
        text.getBytes(StandardCharsets.UTF_16LE)));
  }
}
