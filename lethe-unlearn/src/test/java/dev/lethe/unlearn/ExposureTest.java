package dev.lethe.unlearn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExposureTest {

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  @Test
  void rankCountsBetterCandidatesAndHalfTheTies() {
    double[] scores = new double[100];
    Arrays.fill(scores, -10);
    assertThat(Exposure.of("c", scores, 7).rank()).isEqualTo(1 + 99 / 2.0);
    assertThat(Exposure.of("c", scores, 7).exposure()).isCloseTo(log2(100) - log2(50.5), within(1e-12));
    scores[7] = -1;
    assertThat(Exposure.of("c", scores, 7).rank()).isEqualTo(1.0);
    assertThat(Exposure.of("c", scores, 7).exposure()).isCloseTo(log2(100), within(1e-12));
    scores[3] = 0;
    scores[4] = -1;
    Exposure third = Exposure.of("c", scores, 7);
    assertThat(third.rank()).isEqualTo(1 + 1 + 0.5);
    assertThat(third.candidates()).isEqualTo(100);
  }

  @Test
  void candidatesOfAFormat() {
    CanaryFormat format = new CanaryFormat("pin ", 4, "!");
    assertThat(format.size()).isEqualTo(10_000);
    assertThat(format.candidate(42)).isEqualTo("pin 0042!");
    assertThat(format.indexOf("pin 0042!")).isEqualTo(42);
    assertThat(format.toString()).isEqualTo("pin ####!");
    assertThatThrownBy(() -> format.indexOf("pin 00x2!")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> format.indexOf("pin 0042")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CanaryFormat("pin 1", 4, "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CanaryFormat("pin ", 8, "")).isInstanceOf(IllegalArgumentException.class);
  }
}
