package dev.lethe.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.GpcSignal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class AppliedOrderProperties {

  @Property(tries = 200)
  void ordersByInstantAndKeepsListOrderForTies(
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 20) Integer> seconds,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 2) Integer> nanos) {
    List<LedgerEvent> events = new ArrayList<>();
    for (int i = 0; i < seconds.size(); i++) {
      int nano = i < nanos.size() ? nanos.get(i) : 0;
      events.add(new GpcSignal(Instant.ofEpochSecond(seconds.get(i), nano), "m" + i));
    }
    int[] expected = IntStream.range(0, events.size()).boxed()
        .sorted(Comparator.comparing(i -> events.get(i).at())) // Stream.sorted is stable
        .mapToInt(Integer::intValue).toArray();
    assertThat(AppliedOrder.of(events)).containsExactly(expected);
  }

  @Property(tries = 50)
  void instantsSpanningMoreThanALongOfSecondsStillSortStably(
      @ForAll @Size(min = 2, max = 200) List<@IntRange(min = 0, max = 4) Integer> buckets) {
    // Instants from year -1000000000 to +1000000000 overflow the packed key: the fallback sorts.
    Instant[] choices = {Instant.MIN, Instant.ofEpochSecond(-5), Instant.EPOCH, Instant.ofEpochSecond(7), Instant.MAX};
    List<LedgerEvent> events = new ArrayList<>();
    for (int i = 0; i < buckets.size(); i++) {
      events.add(new GpcSignal(choices[buckets.get(i)], "m" + i));
    }
    events.add(new GpcSignal(Instant.MIN, "first"));
    events.add(new GpcSignal(Instant.MAX, "last"));
    int[] expected = IntStream.range(0, events.size()).boxed()
        .sorted(Comparator.comparing(i -> events.get(i).at()))
        .mapToInt(Integer::intValue).toArray();
    assertThat(AppliedOrder.of(events)).containsExactly(expected);
  }
}
