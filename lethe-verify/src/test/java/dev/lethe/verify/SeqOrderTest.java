package dev.lethe.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The seq is read only where the store's canonical leaves put it, and gaps and moves are told apart. */
class SeqOrderTest {

  @Test
  void readsOnlyATopLevelSeqAtTheEndOfTheLeaf() {
    assertThat(seq("{\"event\":{},\"kind\":\"ledger.event\",\"seq\":7227}")).isEqualTo(7227);
    assertThat(seq("{\"seq\":0}")).isZero();
    assertThat(seq("{\"kind\":\"ledger.event\",\"seq\":12}\r")).isEqualTo(12);
    // An erasure digest's seq is nested, a string value is not a number, a leading zero not JSON.
    assertThat(seq("{\"kind\":\"erasure.name-digest\",\"record\":{\"seq\":5}}")).isEqualTo(-1);
    assertThat(seq("{\"a\":\"x\\\"seq\\\":5}\"}")).isEqualTo(-1);
    assertThat(seq("{\"xseq\":5}")).isEqualTo(-1);
    assertThat(seq("{\"seq\":05}")).isEqualTo(-1);
    assertThat(seq("{\"seq\":}")).isEqualTo(-1);
    assertThat(seq("")).isEqualTo(-1);
  }

  @Test
  void inOrderSeqsWithLeavesBetweenThemHaveNoAnomaly() {
    assertThat(run("{\"seq\":1}", "{\"kind\":\"snapshot.build\"}", "{\"seq\":2}", "{\"seq\":3}"))
        .isNull();
  }

  @Test
  void aGapAfterALeafWithoutSeqIsPlacedBetweenTheTwoSeqs() {
    SeqOrder.Anomaly gap = run("{\"seq\":1}", "{\"kind\":\"snapshot.build\"}", "{\"seq\":3}");
    assertThat(gap.firstLeaf()).isEqualTo(1);
    assertThat(gap.describe())
        .isEqualTo("the leaf of seq 2 is missing between leaves 0 and 2 (seq jumps from 1 to 3)");
  }

  @Test
  void severalMissingLeavesAreCounted() {
    SeqOrder.Anomaly gap = run("{\"seq\":1}", "{\"seq\":4}", "{\"seq\":5}");
    assertThat(gap.describe()).isEqualTo("leaves 1 to 2 are missing (seq jumps from 1 to 4)");
  }

  @Test
  void aRepeatedSeqIsNamed() {
    SeqOrder.Anomaly repeat = run("{\"seq\":1}", "{\"seq\":2}", "{\"seq\":2}", "{\"seq\":3}");
    assertThat(repeat.firstLeaf()).isEqualTo(2);
    assertThat(repeat.describe()).isEqualTo("leaf 2 (leaves.jsonl line 3) repeats seq 2 of leaf 1");
  }

  private static long seq(String leaf) {
    byte[] bytes = leaf.getBytes(StandardCharsets.UTF_8);
    return SeqOrder.seq(bytes, bytes.length);
  }

  private static SeqOrder.Anomaly run(String... leaves) {
    SeqOrder order = new SeqOrder();
    for (int i = 0; i < leaves.length; i++) {
      byte[] bytes = leaves[i].getBytes(StandardCharsets.UTF_8);
      order.accept(i, bytes, bytes.length);
    }
    return order.result();
  }
}
