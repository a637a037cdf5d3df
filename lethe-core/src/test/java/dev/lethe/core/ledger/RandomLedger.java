package dev.lethe.core.ledger;

import dev.lethe.core.event.Choice;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.LedgerEvent.ErasureRequested;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random but valid ledgers for property tests, generated from a seed so a failure can be replayed.
 * Instants fall on a coarse grid so that ties, notice boundaries and birthdays happen often.
 */
final class RandomLedger {

  static final List<String> PURPOSES = List.of("genai-training", "personalization");
  static final List<String> COUNTRIES = List.of("DE", "FR", "GB", "US", "CH", "IN");
  static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");
  static final Map<String, Set<String>> REGIONS =
      Map.of("EEA", Set.of("DE", "FR"), "UK", Set.of("GB"), "CH", Set.of("CH"), "WEST", Set.of("GB", "US", "DE"));

  final List<LedgerEvent> events = new ArrayList<>();
  final List<String> members = new ArrayList<>();
  final List<String> versions = new ArrayList<>();
  private final Random random;
  private final boolean distinctInstants;
  private long distinctCounter;

  private RandomLedger(long seed, boolean distinctInstants) {
    this.random = new Random(seed);
    this.distinctInstants = distinctInstants;
  }

  /** A ledger in applied order (sorted by instant; registrations before same-instant uses). */
  static RandomLedger generate(long seed, boolean distinctInstants) {
    RandomLedger g = new RandomLedger(seed, distinctInstants);
    g.build();
    return g;
  }

  private Instant instant(int maxDay) {
    Instant t = EPOCH.plusSeconds(random.nextInt(maxDay) * 86_400L + random.nextInt(3) * 43_200L);
    if (distinctInstants) {
      t = t.plusSeconds(++distinctCounter);
    }
    return t;
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private void build() {
    // The first policy is published before anything else so that every purpose is defined.
    int policies = 1 + random.nextInt(3);
    for (int i = 0; i < policies; i++) {
      Instant published = i == 0 ? EPOCH.minusSeconds(86_400L * 30 - (distinctInstants ? i : 0)) : instant(120);
      Instant effective = published.plusSeconds((random.nextInt(21) - 10) * 86_400L);
      String version = "v" + i;
      versions.add(version);
      Map<String, PurposePolicy> purposes = new LinkedHashMap<>();
      for (String purpose : PURPOSES) {
        if (i > 0 && random.nextInt(5) == 0) {
          continue; // later versions sometimes drop a purpose
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (String region : List.of("EEA", "UK", "CH", "WEST")) {
          if (random.nextBoolean()) {
            rules.put(region, pick(List.of(Rule.values())));
          }
        }
        purposes.put(
            purpose,
            new PurposePolicy(
                "t",
                pick(List.of(Rule.values())),
                pick(List.of(0, 16, 18)),
                random.nextBoolean(),
                random.nextBoolean(),
                random.nextBoolean(),
                Set.of("post", "comment"),
                Set.of(Visibility.PUBLIC),
                rules));
      }
      Policy policy = new Policy(version, effective, random.nextInt(4), REGIONS, purposes);
      events.add(new PolicyPublished(published, policy));
    }
    int memberCount = 1 + random.nextInt(4);
    for (int m = 0; m < memberCount; m++) {
      String member = "m" + m;
      members.add(member);
      Instant registered = instant(40);
      LocalDate birth =
          random.nextBoolean()
              ? LocalDate.of(2006, 1, 1).plusDays(random.nextInt(160))
              : LocalDate.of(2008, 2, 29);
      events.add(new MemberRegistered(registered, member, pick(COUNTRIES), birth, null));
      int history = random.nextInt(15);
      List<String> objections = new ArrayList<>();
      for (int e = 0; e < history; e++) {
        Instant t = instant(160);
        if (t.isBefore(registered)) {
          t = registered.plusSeconds(distinctInstants ? ++distinctCounter : 0);
        }
        switch (random.nextInt(10)) {
          case 0 -> events.add(new MemberMoved(t, member, pick(COUNTRIES)));
          case 1, 2 -> events.add(new NoticeSent(t, member, pick(versions)));
          case 3, 4 -> events.add(
              new ConsentSet(t, member, pick(PURPOSES), pick(List.of(Choice.values())), pick(List.of(Source.values()))));
          case 5 -> events.add(new GpcSignal(t, member));
          case 6 -> {
            String id = member + "-o" + objections.size();
            objections.add(id);
            events.add(new ObjectionFiled(t, id, member, pick(PURPOSES), "r"));
            Instant decided = t.plusSeconds(random.nextInt(3) * 86_400L + (distinctInstants ? ++distinctCounter : 0));
            events.add(new ObjectionDecided(decided, id, pick(List.of(Outcome.values())), "j"));
          }
          case 7 -> {
            if (random.nextInt(3) == 0) {
              events.add(new MemberClosed(t, member));
            }
          }
          case 8 -> {
            if (random.nextInt(3) == 0) {
              events.add(new ErasureRequested(t, member));
            }
          }
          default -> events.add(new NoticeSent(t, member, versions.get(0)));
        }
      }
    }
    // Stable sort: a member's registration was added before its other events, so it stays first
    // among events of the same instant.
    events.sort(Comparator.comparing(LedgerEvent::at));
  }

  /** Instants worth asking about: every event instant, one second around it, and random ones. */
  List<Instant> queryInstants() {
    List<Instant> instants = new ArrayList<>();
    for (LedgerEvent e : events) {
      instants.add(e.at());
      instants.add(e.at().minusSeconds(1));
      instants.add(e.at().plusSeconds(1));
    }
    for (int i = 0; i < 10; i++) {
      instants.add(EPOCH.plusSeconds(random.nextInt(200) * 86_400L));
    }
    return instants;
  }

  List<String> queryMembers() {
    List<String> all = new ArrayList<>(members);
    all.add("stranger");
    return all;
  }

  static List<String> queryPurposes() {
    List<String> all = new ArrayList<>(PURPOSES);
    all.add("ads");
    return all;
  }
}
