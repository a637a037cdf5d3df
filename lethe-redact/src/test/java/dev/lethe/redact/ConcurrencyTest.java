package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

  @Test
  void sharedDetectorGivesTheSameAnswersOnManyThreads() throws Exception {
    Detector d = Detector.standard();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      texts.add("Barack Obama called +44 20 7946 0958 about card 4111 1111 1111 1111, post " + i
          + " from jane" + i + "@example.com; Maria Rossi lives at " + (10 + i) + " Baker Street.");
    }
    List<List<Span>> expected = new ArrayList<>();
    for (String t : texts) {
      expected.add(d.detect(t));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int rep = 0; rep < 4; rep++) {
        results.add(pool.submit(() -> {
          for (int i = 0; i < texts.size(); i++) {
            if (!d.detect(texts.get(i)).equals(expected.get(i))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(expected.get(0)).extracting(Span::type).contains(EntityType.PERSON, EntityType.PHONE_NUMBER,
        EntityType.CREDIT_CARD, EntityType.EMAIL_ADDRESS, EntityType.STREET_ADDRESS);
  }
}
