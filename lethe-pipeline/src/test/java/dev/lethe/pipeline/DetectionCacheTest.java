package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.MemberDirectory;
import dev.lethe.redact.Span;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DetectionCacheTest {

  @Test
  void eachTextCountryAndDirectoryIsAnalysedOnce() {
    AtomicInteger calls = new AtomicInteger();
    Detector real = PipelineFixtures.DETECTOR;
    Detector counting = new Detector() {
      @Override
      public List<Span> detect(String text, DetectionContext context) {
        calls.incrementAndGet();
        return real.detect(text, context);
      }

      @Override
      public Set<EntityType> types() {
        return real.types();
      }
    };
    DetectionCache cache = DetectionCache.of(counting, 10);
    MemberDirectory directory = MemberDirectory.of(List.of("Ada Lovelace"));
    DetectionContext gb = DetectionContext.ofCountry("GB").withDirectory(directory);
    String text = "Ada Lovelace writes from ada@example.org";
    List<Span> first = cache.detect(text, gb);
    assertThat(cache.detect(text, gb)).isEqualTo(first).isEqualTo(real.detect(text, gb));
    assertThat(calls).hasValue(1);
    cache.detect(text, DetectionContext.ofCountry("US").withDirectory(directory));
    cache.detect(text, gb.withDirectory(MemberDirectory.of(List.of("Ada Lovelace"))));
    assertThat(calls).hasValue(3);
    assertThat(cache.size()).isEqualTo(3);
  }

  @Test
  void aFullCacheStillAnswersCorrectly() {
    DetectionCache cache = DetectionCache.of(PipelineFixtures.DETECTOR, 1);
    DetectionContext none = DetectionContext.none();
    cache.detect("mail a@example.org", none);
    List<Span> spans = cache.detect("mail b@example.org now", none);
    assertThat(spans).singleElement().satisfies(s -> assertThat(s.type()).isEqualTo(EntityType.EMAIL_ADDRESS));
    assertThat(cache.size()).isEqualTo(1);
  }
}
