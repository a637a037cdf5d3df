package dev.lethe.bench.redact;

import dev.lethe.bench.text.SocialPosts;
import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.Redaction;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.redact.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: time to redact one {@link SocialPosts} post (about 300 bytes); divide to get bytes per second.
 * Run from the repository (the generator reads {@code ../shared/data/pii}). The warm-up is long
 * because on two cores the JIT keeps improving the detectors for about 15 seconds: with three
 * two-second warm-up rounds the measured rounds still fell from 138 to 80 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(1)
public class RedactBenchmark {
  @Param({"true", "false"})
  boolean statisticalNames;

  private Redactor redactor;
  private String[] posts;
  private int next;

  @Setup
  public void setup() {
    Detector d = statisticalNames ? Detector.standard() : Detector.of(EnumSet.allOf(EntityType.class), false);
    redactor = Redactor.create(d, RedactionPolicy.pseudonymousPeople(),
        "benchmark-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    SocialPosts gen = SocialPosts.create(7);
    posts = new String[4096];
    for (int i = 0; i < posts.length; i++) {
      posts[i] = gen.next();
    }
  }

  @Benchmark
  public Redaction redactOnePost() {
    next = (next + 1) & (posts.length - 1);
    return redactor.redact(posts[next], DetectionContext.none());
  }
}
