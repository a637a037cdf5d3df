package dev.lethe.store.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kept checkpoint only moves forward, whatever order its writers finish in. */
class KeptCheckpointTest {

  @TempDir Path dir;

  private static String note(long size) {
    // The signature line is not read here: keep compares the bodies' tree sizes.
    return new Checkpoint("example.org/log", size, new byte[Merkle.HASH_LENGTH]).body() + "\n— example.org/log AAAA\n";
  }

  @Test
  void concurrentWritersLeaveTheLargestTreeAndNoTemporaryFile() throws Exception {
    // Two instances on one directory, as two stores of one process would have.
    KeptCheckpoint first = new KeptCheckpoint(dir);
    KeptCheckpoint second = new KeptCheckpoint(dir.resolve("."));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (long size = 1; size <= 200; size++) {
        // Sizes arrive out of order: every fourth write is of a smaller tree than the one before.
        long s = size % 4 == 0 ? size - 3 : size;
        KeptCheckpoint by = size % 2 == 0 ? first : second;
        done.add(pool.submit(() -> {
          by.keep(note(s));
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(KeptCheckpoint.body(first.read().orElseThrow()).size()).isEqualTo(199);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(KeptCheckpoint.FILE, KeptCheckpoint.FILE + ".lock");
    }
  }

  @Test
  void aSmallerTreeNeverReplacesALargerOne() throws Exception {
    KeptCheckpoint kept = new KeptCheckpoint(dir);
    kept.keep(note(9));
    kept.keep(note(7));
    assertThat(kept.read()).contains(note(9));
    kept.keep(note(12));
    assertThat(kept.read()).contains(note(12));
  }
}
