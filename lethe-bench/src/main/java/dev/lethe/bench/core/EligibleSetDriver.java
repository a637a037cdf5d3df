package dev.lethe.bench.core;

import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.List;

/**
 * End-to-end driver: time and memory to compute the eligible set of N members from a synthetic
 * ledger of about N × K events. Prints one line per phase.
 *
 * <p>Run: {@code java -Xmx12g -cp lethe-bench/target/lethe-bench.jar
 * dev.lethe.bench.core.EligibleSetDriver [members=1000000] [eventsPerMember=10]}
 */
public final class EligibleSetDriver {

  private EligibleSetDriver() {}

  public static void main(String[] args) throws LedgerException {
    int members = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int perMember = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    long t0 = System.nanoTime();
    List<LedgerEvent> events = SyntheticLedger.generate(members, perMember, 7);
    long t1 = System.nanoTime();
    System.out.printf("generated %,d events for %,d members in %.2f s%n", events.size(), members, (t1 - t0) / 1e9);
    long baseline = usedAfterGc(memory);

    ConsentLedger ledger = ConsentLedger.of(events);
    long t2 = System.nanoTime();
    System.out.printf("built ledger (sort + validate + index) in %.2f s = %,.0f events/s%n",
        (t2 - t1) / 1e9, events.size() / ((t2 - t1) / 1e9));
    long withLedger = usedAfterGc(memory);
    System.out.printf("ledger index heap: %,d MiB (events themselves: %,d MiB)%n",
        (withLedger - baseline) >> 20, baseline >> 20);

    Instant asOf = SyntheticLedger.end(perMember);
    for (int run = 0; run < 3; run++) {
      long s = System.nanoTime();
      List<String> eligible = ledger.eligibleMembers(SyntheticLedger.PURPOSE, asOf);
      long e = System.nanoTime();
      System.out.printf("eligible set run %d: %,d of %,d members in %.3f s = %,.0f decisions/s%n",
          run + 1, eligible.size(), members, (e - s) / 1e9, members / ((e - s) / 1e9));
    }
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
