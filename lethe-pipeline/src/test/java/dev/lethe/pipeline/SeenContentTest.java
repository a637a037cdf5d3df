package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeenContentTest {

  @TempDir Path temp;

  @Test
  void eachIdIsNewOnceAndACopyAfterwardsThroughGrowth() throws IOException {
    try (SeenContent seen = new SeenContent(temp.resolve("spill"))) {
      int n = 300_000; // the table grows several times from its first 4,096 slots
      for (int i = 0; i < n; i++) {
        assertThat(seen.add("post-" + i)).as("post-%d first", i).isTrue();
      }
      for (int i = 0; i < n; i += 997) {
        assertThat(seen.add("post-" + i)).as("post-%d again", i).isFalse();
      }
      assertThat(seen.add("")).isTrue();
      assertThat(seen.add("")).isFalse();
      assertThat(seen.runs()).as("below the default table size nothing spills").isZero();
    }
    assertThat(temp.resolve("spill")).doesNotExist();
  }

  @Test
  void idsSpilledToRunsAndMergedRunsAreStillKnown() throws IOException {
    Path spill = temp.resolve("spill");
    try (SeenContent seen = new SeenContent(spill, 2048)) {
      // 80 runs of 2,048: ten merges of eight runs into one, and one merge of eight of those.
      int n = 80 * 2048 + 100;
      for (int i = 0; i < n; i++) {
        assertThat(seen.add("post-" + i)).as("post-%d first", i).isTrue();
      }
      assertThat(seen.runs()).isEqualTo(1 + 2);
      try (var files = Files.list(spill)) {
        assertThat(files.count()).isEqualTo(3);
      }
      for (int i = 0; i < n; i++) {
        assertThat(seen.add("post-" + i)).as("post-%d again", i).isFalse();
      }
      for (int i = n; i < n + 5_000; i++) {
        assertThat(seen.add("post-" + i)).as("post-%d first", i).isTrue();
      }
    }
    assertThat(spill).as("runs are deleted on close").doesNotExist();
  }

  @Property(tries = 30)
  void agreesWithASetOfEveryId(@ForAll @IntRange(min = 0, max = 40_000) int records,
      @ForAll @IntRange(min = 1, max = 60_000) int distinct, @ForAll long seed) throws IOException {
    Path spill = Files.createTempDirectory("seen").resolve("spill");
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> expected = new HashSet<>();
    try (SeenContent seen = new SeenContent(spill, 2048)) {
      for (int i = 0; i < records; i++) {
        String id = "c" + random.nextInt(distinct);
        assertThat(seen.add(id)).as("record %d, %s", i, id).isEqualTo(expected.add(id));
      }
    }
    assertThat(spill).doesNotExist();
    Files.delete(spill.getParent());
  }

  @Test
  void aSpillThatCannotBeWrittenIsAnError() throws IOException {
    Path notADirectory = Files.writeString(temp.resolve("file"), "x");
    try (SeenContent seen = new SeenContent(notADirectory.resolve("spill"), 2048)) {
      assertThatThrownBy(() -> {
        for (int i = 0; i < 3000; i++) {
          seen.add("post-" + i);
        }
      }).isInstanceOf(IOException.class);
    }
  }

  @Test
  void keysDependOnEveryCharAndTheLength() {
    assertThat(SeenContent.key("ab")).isNotEqualTo(SeenContent.key("ba"));
    assertThat(SeenContent.key("a")).isNotEqualTo(SeenContent.key("a\u0000"));
    assertThat(SeenContent.key("post-1")).isEqualTo(SeenContent.key(new String("post-1")));
  }
}
