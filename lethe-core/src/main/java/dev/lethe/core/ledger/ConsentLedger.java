package dev.lethe.core.ledger;

import dev.lethe.core.decision.ContentRule;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.decision.Eligibility;
import dev.lethe.core.decision.Reason;
import dev.lethe.core.event.Choice;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.LedgerEvent.ContentDeleted;
import dev.lethe.core.event.LedgerEvent.ContentPosted;
import dev.lethe.core.event.LedgerEvent.ErasureRequested;
import dev.lethe.core.event.LedgerEvent.GpcSignal;
import dev.lethe.core.event.LedgerEvent.MemberClosed;
import dev.lethe.core.event.LedgerEvent.MemberMoved;
import dev.lethe.core.event.LedgerEvent.MemberRegistered;
import dev.lethe.core.event.LedgerEvent.NoticeSent;
import dev.lethe.core.event.LedgerEvent.ObjectionDecided;
import dev.lethe.core.event.LedgerEvent.ObjectionFiled;
import dev.lethe.core.event.LedgerEvent.PolicyPublished;
import dev.lethe.core.event.LedgerEvent.Query;
import dev.lethe.core.event.NameDigest;
import dev.lethe.core.event.Outcome;
import dev.lethe.core.event.Visibility;
import dev.lethe.core.ledger.MemberHistory.ObjectionHistory;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import dev.lethe.core.policy.Rule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The consent ledger: every event of a log, indexed so that any decision at any instant is a
 * pure function of the events at or before that instant.
 *
 * <p>Events are applied in {@code at} order, events with equal {@code at} in input order.
 * Building the ledger validates the references between events in that order (see {@link
 * #of(List)}). Once built, a ledger is immutable and safe to query from any number of threads;
 * queries never consult a clock: every decision takes its instant.
 */
public final class ConsentLedger {

  private final List<PolicyEntry> policies;
  private final Map<String, MemberHistory> members;
  private final Map<String, ContentEntry> contents;

  private ConsentLedger(
      List<PolicyEntry> policies, Map<String, MemberHistory> members, Map<String, ContentEntry> contents) {
    this.policies = policies;
    this.members = members;
    this.contents = contents;
  }

  /**
   * Builds a ledger from events given in file order. {@link Query} events are accepted and ignored.
   *
   * <p>In applied order, each event must only name members that are registered, objections that
   * are filed and contents that are posted by an event applied before it, and a {@code
   * consent.set} or {@code objection.filed} must name a purpose that a policy applied before it
   * defines. Registering a member, filing an objection or posting content a second time under
   * the same id is rejected too: the format gives no meaning to it, and the ledger never guesses.
   *
   * @param events the events, in file order; not modified
   * @return the ledger
   * @throws LedgerException for the first offending event in applied order
   */
  public static ConsentLedger of(List<? extends LedgerEvent> events) throws LedgerException {
    int[] order = AppliedOrder.of(events);
    Builder builder = new Builder(registrationNumbers(events));
    for (int seq = 0; seq < order.length; seq++) {
      int index = order[seq];
      String problem = builder.apply(events.get(index), index, seq);
      if (problem != null) {
        throw new LedgerException(index, problem);
      }
    }
    return builder.build();
  }

  /**
   * Member numbers follow registrations in input order (not applied order), so a ledger exported
   * from the store in append order numbers members exactly as the store does.
   */
  private static Map<Integer, Integer> registrationNumbers(List<? extends LedgerEvent> events) {
    Map<Integer, Integer> numbers = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof MemberRegistered) {
        numbers.put(i, numbers.size());
      }
    }
    return numbers;
  }

  /** The policy in force at {@code at}: among those published at or before it, the greatest effective ≤ at. */
  public Optional<Policy> policyAt(Instant at) {
    return Optional.ofNullable(policyInForce(at));
  }

  private Policy policyInForce(Instant at) {
    PolicyEntry best = null;
    for (PolicyEntry entry : policies) {
      if (entry.publishedAt.isAfter(at)) {
        break; // entries are in applied order, so all later ones are published later too
      }
      Instant effective = entry.policy.effective();
      if (!effective.isAfter(at) && (best == null || !effective.isBefore(best.policy.effective()))) {
        best = entry; // ">=" makes the one applied last win a tie of effective instants
      }
    }
    return best == null ? null : best.policy;
  }

  /** All published policies in applied order. */
  public List<Policy> policies() {
    List<Policy> result = new ArrayList<>(policies.size());
    policies.forEach(e -> result.add(e.policy));
    return result;
  }

  /**
   * Decides whether the member's data may be used for the purpose at the instant, applying rules
   * 1–10 of the spec in order.
   *
   * @throws NullPointerException if any argument is null
   */
  public Decision decide(String member, String purpose, Instant at) {
    return decide(member, purpose, at, policyInForce(at));
  }

  private Decision decide(String member, String purpose, Instant at, Policy policy) {
    String version = policy == null ? null : policy.version();
    MemberHistory m = members.get(member);
    if (m == null || m.registeredAt.isAfter(at)) {
      return new Decision(member, purpose, at, Reason.UNKNOWN_MEMBER, false, version);
    }
    PurposePolicy p = policy == null ? null : policy.purposes().get(purpose);
    Rule rule = p == null ? null : policy.ruleFor(p, m.countries.latestAtOrBefore(at));
    boolean offered = p != null && rule != Rule.BLOCKED;
    Reason reason = reason(m, purpose, at, policy, p, rule);
    return new Decision(member, purpose, at, reason, offered, version);
  }

  private static Reason reason(
      MemberHistory m, String purpose, Instant at, Policy policy, PurposePolicy p, Rule rule) {
    if (m.closedAt != null && !m.closedAt.isAfter(at)) {
      return Reason.ACCOUNT_CLOSED;
    }
    if (m.erasureAt != null && !m.erasureAt.isAfter(at)) {
      return Reason.ERASURE_REQUESTED;
    }
    if (p == null) {
      return Reason.NO_POLICY;
    }
    if (rule == Rule.BLOCKED) {
      return Reason.JURISDICTION_BLOCKED;
    }
    if (ageAt(m.birthDate, at) < p.minAge()) {
      return Reason.MINOR;
    }
    if (objectionUpheld(m, purpose, at)) {
      return Reason.OBJECTION_UPHELD;
    }
    Reason choice = latestChoice(m, purpose, at, p.honorGpc());
    if (choice != null) {
      return choice;
    }
    if (rule == Rule.OPT_IN) {
      return Reason.NO_CONSENT;
    }
    Instant notice = m.firstNotice.get(policy.version());
    boolean told = notice != null && !notice.isAfter(at.minusSeconds(policy.noticeSeconds()));
    return told ? Reason.DEFAULT_OPT_OUT : Reason.NOTICE_PENDING;
  }

  /**
   * Whole years from the birth date to the UTC date of {@code at}. Compares month and day
   * directly, so someone born on 29 February becomes a year older on 1 March in common years
   * ({@link java.time.Period} would say 28 February).
   */
  static int ageAt(LocalDate birthDate, Instant at) {
    LocalDate today = LocalDate.ofInstant(at, ZoneOffset.UTC);
    int age = today.getYear() - birthDate.getYear();
    if (today.getMonthValue() < birthDate.getMonthValue()
        || (today.getMonthValue() == birthDate.getMonthValue()
            && today.getDayOfMonth() < birthDate.getDayOfMonth())) {
      age--;
    }
    return age;
  }

  private static boolean objectionUpheld(MemberHistory m, String purpose, Instant at) {
    for (ObjectionHistory o : m.objections) {
      if (o.purpose.equals(purpose) && !o.filedAt.isAfter(at) && o.decisions.latestAtOrBefore(at) == Outcome.UPHELD) {
        return true;
      }
    }
    return false;
  }

  /** Rule 8: the latest of the member's choices for the purpose and (if honoured) GPC signals. */
  private static Reason latestChoice(MemberHistory m, String purpose, Instant at, boolean honorGpc) {
    Timeline<Choice> choices = m.choices.get(purpose);
    int c = choices == null ? -1 : choices.lastAtOrBefore(at);
    int g = honorGpc ? m.gpc.lastAtOrBefore(at) : -1;
    if (g >= 0 && (c < 0 || m.gpc.sequence(g) > choices.sequence(c))) {
      return Reason.GPC;
    }
    if (c >= 0) {
      return choices.value(c) == Choice.GRANT ? Reason.CONSENTED : Reason.WITHDRAWN;
    }
    return null;
  }

  /**
   * The content-eligibility rule for a snapshot: every posted content item is either included or
   * counted under exactly one reason (the decision's reason if denied, then {@code
   * not-yet-posted}, {@code content-deleted}, {@code kind-excluded}, {@code visibility-excluded}).
   */
  public Eligibility eligibility(String purpose, Instant at) {
    Policy policy = policyInForce(at);
    PurposePolicy p = policy == null ? null : policy.purposes().get(purpose);
    Map<String, Decision> decisions = new HashMap<>();
    SortedMap<String, Long> excluded = new TreeMap<>();
    List<String> included = new ArrayList<>();
    List<String> ids = new ArrayList<>(contents.keySet());
    ids.sort(Comparator.naturalOrder());
    for (String id : ids) {
      ContentEntry c = contents.get(id);
      Decision d = decisions.computeIfAbsent(c.member, mem -> decide(mem, purpose, at, policy));
      Optional<String> reason = ContentRule.exclusion(d, p, c.kind, c.visibility, c.postedAt, c.deletedAt, at);
      if (reason.isEmpty()) {
        included.add(id);
      } else {
        excluded.merge(reason.get(), 1L, Long::sum);
      }
    }
    return new Eligibility(purpose, at, policy == null ? null : policy.version(), included, excluded);
  }

  /** Ids of the members allowed for the purpose at the instant, sorted. */
  public List<String> eligibleMembers(String purpose, Instant at) {
    Policy policy = policyInForce(at);
    List<String> result = new ArrayList<>();
    for (MemberHistory m : members.values()) {
      if (decide(m.member, purpose, at, policy).allowed()) {
        result.add(m.member);
      }
    }
    result.sort(Comparator.naturalOrder());
    return result;
  }

  /**
   * The member's country of residence at {@code at} (registration country or latest move), or
   * empty if the member is not registered at that instant.
   */
  public Optional<String> countryAt(String member, Instant at) {
    MemberHistory m = members.get(member);
    if (m == null || m.registeredAt.isAfter(at)) {
      return Optional.empty();
    }
    return Optional.of(m.countries.latestAtOrBefore(at));
  }

  /** Display names of all members that registered with one, in no particular order. */
  public List<String> memberNames() {
    List<String> names = new ArrayList<>();
    for (MemberHistory m : members.values()) {
      if (m.name != null) {
        names.add(m.name);
      }
    }
    return names;
  }

  /**
   * The name digests of members whose names erasure removed ({@link NameDigest}), sorted by their
   * written form: redaction still looks for those names through them.
   */
  public List<NameDigest> erasedNameDigests() {
    List<NameDigest> digests = new ArrayList<>();
    for (MemberHistory m : members.values()) {
      if (m.nameDigest != null) {
        digests.add(m.nameDigest);
      }
    }
    digests.sort(Comparator.comparing(NameDigest::toString));
    return digests;
  }

  /**
   * Every {@code content.posted} item of the ledger, sorted by content id, with its deletion
   * instant (the earliest {@code content.deleted}, or null).
   */
  public List<PostedContent> postedContent() {
    List<PostedContent> result = new ArrayList<>(contents.size());
    for (String id : contentIds()) {
      ContentEntry c = contents.get(id);
      result.add(new PostedContent(id, c.member, c.kind, c.visibility, c.postedAt, c.deletedAt, c.text));
    }
    return result;
  }

  /**
   * A content item posted in the ledger.
   *
   * @param deletedAt earliest deletion, or null if never deleted
   */
  public record PostedContent(
      String content, String member, String kind, Visibility visibility, Instant postedAt, Instant deletedAt, String text) {}

  /** Every registered member id (at any instant), sorted. */
  public List<String> memberIds() {
    List<String> ids = new ArrayList<>(members.keySet());
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  /** Number of members ever registered. */
  public int memberCount() {
    return members.size();
  }

  /**
   * The dense number of a member (0, 1, 2, ... in the input order of registrations, which for a
   * store export is append order, as the store numbers members): the key of member bitmaps.
   */
  public Optional<Integer> memberNumber(String member) {
    MemberHistory m = members.get(member);
    return m == null ? Optional.empty() : Optional.of(m.number);
  }

  /** The display name a member registered with, if any. */
  public Optional<String> memberName(String member) {
    MemberHistory m = members.get(member);
    return m == null ? Optional.empty() : Optional.ofNullable(m.name);
  }

  private static final class PolicyEntry {
    final Instant publishedAt;
    final Policy policy;

    PolicyEntry(Instant publishedAt, Policy policy) {
      this.publishedAt = publishedAt;
      this.policy = policy;
    }
  }

  private static final class ContentEntry {
    final String member;
    final String kind;
    final Visibility visibility;
    final Instant postedAt;
    final String text;
    Instant deletedAt;

    ContentEntry(ContentPosted e) {
      this.text = e.text();
      this.member = e.member();
      this.kind = e.kind();
      this.visibility = e.visibility();
      this.postedAt = e.at();
    }
  }

  /** Applies events in applied order, checking references against what was applied before. */
  private static final class Builder {
    private final List<PolicyEntry> policies = new ArrayList<>();
    private final Set<String> purposesSoFar = new HashSet<>();
    private final Map<String, MemberHistory> members = new HashMap<>();
    private final Map<String, ObjectionHistory> objections = new HashMap<>();
    private final Map<String, ContentEntry> contents = new HashMap<>();
    private final Map<Integer, Integer> registrationNumbers;

    Builder(Map<Integer, Integer> registrationNumbers) {
      this.registrationNumbers = registrationNumbers;
    }

    /** Applies the event at {@code index} of the input; returns the problem, or null if it fits. */
    String apply(LedgerEvent event, int index, long seq) {
      if (event instanceof Query) {
        return null;
      }
      if (event instanceof PolicyPublished e) {
        policies.add(new PolicyEntry(e.at(), e.policy()));
        purposesSoFar.addAll(e.policy().purposes().keySet());
        return null;
      }
      if (event instanceof MemberRegistered e) {
        if (members.containsKey(e.member())) {
          return "member \"" + e.member() + "\" is already registered";
        }
        int number = registrationNumbers.get(index);
        MemberHistory m = new MemberHistory(e.member(), number, e.at(), e.birthDate(), e.name(), e.nameDigest());
        m.countries.append(e.at(), seq, e.country());
        members.put(e.member(), m);
        return null;
      }
      if (event instanceof ObjectionDecided e) {
        ObjectionHistory o = objections.get(e.objection());
        if (o == null) {
          return "objection \"" + e.objection() + "\" does not exist at " + e.at();
        }
        o.decisions.append(e.at(), seq, e.outcome());
        return null;
      }
      if (event instanceof ContentDeleted e) {
        ContentEntry c = contents.get(e.content());
        if (c == null) {
          return "content \"" + e.content() + "\" does not exist at " + e.at();
        }
        if (c.deletedAt == null) {
          c.deletedAt = e.at();
        }
        return null;
      }
      MemberHistory m = members.get(event.member());
      if (m == null) {
        return "member \"" + event.member() + "\" does not exist at " + event.at();
      }
      return applyToMember(event, m, seq);
    }

    private String applyToMember(LedgerEvent event, MemberHistory m, long seq) {
      if (event instanceof MemberMoved e) {
        m.countries.append(e.at(), seq, e.country());
      } else if (event instanceof MemberClosed e) {
        if (m.closedAt == null) {
          m.closedAt = e.at();
        }
      } else if (event instanceof ErasureRequested e) {
        if (m.erasureAt == null) {
          m.erasureAt = e.at();
        }
      } else if (event instanceof NoticeSent e) {
        m.firstNotice.putIfAbsent(e.policyVersion(), e.at());
      } else if (event instanceof GpcSignal e) {
        m.gpc.append(e.at(), seq, Boolean.TRUE);
      } else if (event instanceof ConsentSet e) {
        if (!purposesSoFar.contains(e.purpose())) {
          return undefinedPurpose(e.purpose());
        }
        m.choices.computeIfAbsent(e.purpose(), k -> new Timeline<>()).append(e.at(), seq, e.choice());
      } else if (event instanceof ObjectionFiled e) {
        if (!purposesSoFar.contains(e.purpose())) {
          return undefinedPurpose(e.purpose());
        }
        if (objections.containsKey(e.objection())) {
          return "objection \"" + e.objection() + "\" is already filed";
        }
        ObjectionHistory o = new ObjectionHistory(e.objection(), e.purpose(), e.at());
        objections.put(e.objection(), o);
        m.objections.add(o);
      } else if (event instanceof ContentPosted e) {
        if (contents.containsKey(e.content())) {
          return "content \"" + e.content() + "\" is already posted";
        }
        contents.put(e.content(), new ContentEntry(e));
      } else {
        throw new AssertionError("unhandled event type " + event.type());
      }
      return null;
    }

    private static String undefinedPurpose(String purpose) {
      return "purpose \"" + purpose + "\" is not defined by any policy published so far";
    }

    ConsentLedger build() {
      return new ConsentLedger(
          List.copyOf(policies), Collections.unmodifiableMap(members), Collections.unmodifiableMap(contents));
    }
  }

  /** All content ids posted in the log, sorted. */
  public List<String> contentIds() {
    List<String> ids = new ArrayList<>(contents.keySet());
    ids.sort(Comparator.naturalOrder());
    return ids;
  }
}
