package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link StandardDetector#resolve} keeps the usual few candidates in arrays and many of them in a
 * tree map (linear enough for adversarial records); both must choose the same spans.
 */
class ResolveTest {
  private static final EntityType[] TYPES = {EntityType.PERSON, EntityType.STREET_ADDRESS, EntityType.PHONE_NUMBER};
  private static final double[] SCORES = {0.5, 0.6, 0.8, 0.8, 0.95};

  @Provide
  Arbitrary<Hits> hits() {
    Arbitrary<int[]> hit = Combinators.combine(
            Arbitraries.integers().between(0, 60), Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(0, TYPES.length - 1), Arbitraries.integers().between(0, SCORES.length - 1))
        .as((s, len, t, sc) -> new int[] {s, s + len, t, sc});
    return hit.list().ofMaxSize(40).map(list -> {
      Hits h = new Hits();
      for (int[] x : list) {
        h.add(TYPES[x[2]], x[0], x[1], SCORES[x[3]]);
      }
      return h;
    });
  }

  @Property(tries = 2000)
  void arraysAndTreeMapChooseTheSameSpans(@ForAll("hits") Hits h) {
    List<int[]> few = StandardDetector.resolveFew(h);
    List<int[]> many = StandardDetector.resolveMany(h);
    assertThat(few).usingRecursiveFieldByFieldElementComparator().hasSameSizeAs(many);
    for (int i = 0; i < few.size(); i++) {
      assertThat(few.get(i)).containsExactly(many.get(i));
    }
  }
}
