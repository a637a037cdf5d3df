package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhoneAnswersTest {

  @Test
  void keysTellApartRegionPlaceInWindowAndCue() {
    List<String> keys = List.of(
        PhoneAnswers.key("US", " 020 7946 0958 ", 1, 1, false),
        PhoneAnswers.key("GB", " 020 7946 0958 ", 1, 1, false),
        PhoneAnswers.key("US", " 020 7946 0958 ", 1, 1, true),
        PhoneAnswers.key("US", " 020 7946 0958 ", 0, 1, false),
        PhoneAnswers.key("US", " 020 7946 0958 ", 1, 0, false),
        PhoneAnswers.key("US1", "1 020 7946 0958", 1, 1, false),
        PhoneAnswers.key("US", "11 020 7946 0958", 1, 1, false));
    assertThat(keys).doesNotHaveDuplicates();
  }

  @Test
  void aRunSeenAgainGetsTheSameSpansAsInAFreshThread() throws Exception {
    Detector d = Detector.of(EnumSet.allOf(EntityType.class), false);
    List<String> texts = List.of(
        "call me on 020 7946 0958 or 192.168.10.x, again: 020 7946 0958",
        "020 7946 0958", "phone 020 7946 0958", "x020 7946 0958", "(020 7946 0958)",
        "from 192.168.10.maria", "tel: 192.168.10.maria", "+44 20 7946 0958", "ring 555 0100 123");
    List<DetectionContext> contexts = List.of(DetectionContext.none(), DetectionContext.ofCountry("GB"));
    for (int round = 0; round < 2; round++) { // the second round is answered from the memo
      for (String text : texts) {
        for (DetectionContext c : contexts) {
          assertThat(d.detect(text, c)).as(text).isEqualTo(inFreshThread(d, text, c));
        }
      }
    }
  }

  private static List<Span> inFreshThread(Detector d, String text, DetectionContext c) throws Exception {
    List<List<Span>> result = new ArrayList<>();
    Thread t = new Thread(() -> result.add(d.detect(text, c)));
    t.start();
    t.join();
    return result.get(0);
  }
}
