package dev.lethe.bench.core;

import dev.lethe.core.event.Choice;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.LedgerEvent.GpcSignal;
import dev.lethe.core.event.LedgerEvent.MemberClosed;
import dev.lethe.core.event.LedgerEvent.MemberMoved;
import dev.lethe.core.event.LedgerEvent.MemberRegistered;
import dev.lethe.core.event.LedgerEvent.NoticeSent;
import dev.lethe.core.event.LedgerEvent.ObjectionDecided;
import dev.lethe.core.event.LedgerEvent.ObjectionFiled;
import dev.lethe.core.event.LedgerEvent.PolicyPublished;
import dev.lethe.core.event.Outcome;
import dev.lethe.core.event.Source;
import dev.lethe.core.event.Visibility;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import dev.lethe.core.policy.Rule;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;

/**
 * A synthetic ledger shaped like the 2024 story: two policy versions (the second blocks the UK),
 * members across many countries, and per member a history of notices, choices, GPC signals,
 * moves and objections. Deterministic for a seed.
 */
public final class SyntheticLedger {

  public static final String PURPOSE = "genai-training";
  public static final Instant START = Instant.parse("2024-08-01T00:00:00Z");
  private static final List<String> COUNTRIES =
      List.of("US", "CA", "IN", "BR", "GB", "DE", "FR", "IE", "NL", "CH", "AU", "JP", "MX", "NG", "ZA");
  private static final Map<String, Set<String>> REGIONS =
      Map.of("EEA", Set.of("DE", "FR", "IE", "NL"), "CH", Set.of("CH"), "UK", Set.of("GB"));

  private SyntheticLedger() {}

  public static List<Policy> policies() {
    PurposePolicy first = purpose(Map.of("EEA", Rule.BLOCKED, "CH", Rule.BLOCKED));
    PurposePolicy second = purpose(Map.of("EEA", Rule.BLOCKED, "CH", Rule.BLOCKED, "UK", Rule.BLOCKED));
    return List.of(
        new Policy("2024-08-01", START, 0, REGIONS, Map.of(PURPOSE, first)),
        new Policy("2024-09-18", Instant.parse("2024-09-18T00:00:00Z"), 0, REGIONS, Map.of(PURPOSE, second)));
  }

  private static PurposePolicy purpose(Map<String, Rule> rules) {
    return new PurposePolicy("Data for Generative AI Improvement", Rule.OPT_OUT, 18, true, true, true,
        Set.of("post", "article", "comment"), Set.of(Visibility.PUBLIC), rules);
  }

  /**
   * Generates about {@code members × eventsPerMember} events, in time order per member (members
   * interleave in the list, as in a real export).
   */
  public static List<LedgerEvent> generate(int members, int eventsPerMember, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<LedgerEvent> events = new ArrayList<>(members * eventsPerMember + 2);
    List<Policy> policies = policies();
    events.add(new PolicyPublished(START.minusSeconds(86_400), policies.get(0)));
    events.add(new PolicyPublished(Instant.parse("2024-09-17T00:00:00Z"), policies.get(1)));
    for (int m = 0; m < members; m++) {
      String member = "m" + m;
      long t = START.getEpochSecond() + random.nextInt(30 * 86_400);
      LocalDate birth = LocalDate.of(1950 + random.nextInt(60), 1 + random.nextInt(12), 1 + random.nextInt(28));
      events.add(new MemberRegistered(Instant.ofEpochSecond(t), member, COUNTRIES.get(random.nextInt(COUNTRIES.size())), birth, null));
      int objections = 0;
      for (int e = 1; e < eventsPerMember; e++) {
        t += random.nextInt(86_400);
        Instant at = Instant.ofEpochSecond(t);
        int kind = random.nextInt(20);
        if (kind < 6) {
          events.add(new NoticeSent(at, member, random.nextBoolean() ? "2024-08-01" : "2024-09-18"));
        } else if (kind < 12) {
          events.add(new ConsentSet(at, member, PURPOSE, random.nextInt(3) == 0 ? Choice.WITHDRAW : Choice.GRANT, Source.SETTINGS));
        } else if (kind < 15) {
          events.add(new GpcSignal(at, member));
        } else if (kind < 17) {
          events.add(new MemberMoved(at, member, COUNTRIES.get(random.nextInt(COUNTRIES.size()))));
        } else if (kind < 19) {
          String id = member + "/o" + objections++;
          events.add(new ObjectionFiled(at, id, member, PURPOSE, "legitimate interest"));
          t += 1;
          events.add(new ObjectionDecided(Instant.ofEpochSecond(t), id, random.nextBoolean() ? Outcome.UPHELD : Outcome.REJECTED, "reviewed"));
          e++;
        } else if (e == eventsPerMember - 1 && random.nextInt(10) == 0) {
          events.add(new MemberClosed(at, member));
        } else {
          events.add(new NoticeSent(at, member, "2024-09-18"));
        }
      }
    }
    return events;
  }

  /** The instant after every generated event (for as-of decisions over the whole history). */
  public static Instant end(int eventsPerMember) {
    return START.plusSeconds(30L * 86_400 + (long) eventsPerMember * 86_400 + 86_400);
  }
}
