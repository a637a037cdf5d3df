package dev.lethe.bench.core;

import dev.lethe.core.decision.Decision;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions per second for one member with a long history ({@code history} events), at instants
 * spread over that history so every rule's lookups are exercised.
 *
 * <p>Run: {@code java -jar lethe-bench/target/lethe-bench.jar DecisionBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecisionBenchmark {

  @Param({"100"})
  int history;

  private ConsentLedger ledger;
  private Instant[] instants;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws LedgerException {
    ledger = ConsentLedger.of(SyntheticLedger.generate(1, history, 42));
    instants = new Instant[1024];
    Instant end = SyntheticLedger.end(history);
    long span = end.getEpochSecond() - SyntheticLedger.START.getEpochSecond();
    for (int i = 0; i < instants.length; i++) {
      instants[i] = SyntheticLedger.START.plusSeconds(span * i / instants.length);
    }
  }

  @Benchmark
  public Decision decide() {
    Instant at = instants[next++ & (instants.length - 1)];
    return ledger.decide("m0", SyntheticLedger.PURPOSE, at);
  }
}
