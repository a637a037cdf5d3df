package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenContentTest {

  @Test
  void eachIdIsNewOnceAndACopyAfterwardsThroughGrowth() {
    SeenContent seen = new SeenContent();
    int n = 300_000; // the table grows several times from its first 4,096 slots
    for (int i = 0; i < n; i++) {
      assertThat(seen.add("post-" + i)).as("post-%d first", i).isTrue();
    }
    for (int i = 0; i < n; i += 997) {
      assertThat(seen.add("post-" + i)).as("post-%d again", i).isFalse();
    }
    assertThat(seen.add("")).isTrue();
    assertThat(seen.add("")).isFalse();
  }

  @Test
  void keysDependOnEveryCharAndTheLength() {
    assertThat(SeenContent.key("ab")).isNotEqualTo(SeenContent.key("ba"));
    assertThat(SeenContent.key("a")).isNotEqualTo(SeenContent.key("a\u0000"));
    assertThat(SeenContent.key("post-1")).isEqualTo(SeenContent.key(new String("post-1")));
  }
}
