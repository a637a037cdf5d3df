package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.decision.Reason;
import dev.lethe.core.event.Choice;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.LedgerEvent.ErasureRequested;
import dev.lethe.core.event.LedgerEvent.GpcSignal;
import dev.lethe.core.event.LedgerEvent.MemberMoved;
import dev.lethe.core.event.LedgerEvent.MemberRegistered;
import dev.lethe.core.event.LedgerEvent.ObjectionDecided;
import dev.lethe.core.event.LedgerEvent.ObjectionFiled;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.event.Source;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import dev.lethe.core.policy.Rule;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.store.EventRejectedException;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoredEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What a member (or an admin or auditor on the member's behalf) can see and do: settings,
 * choices, objections, erasure, receipts, where the data is, AI-use signals, GPC. Every change is
 * one ledger event appended at the clock's instant; every answer comes from the store.
 */
final class MemberService {

  /** Longest member id or purpose accepted in a path; longer ones cannot exist. */
  static final int MAX_ID = 200;

  static final int MAX_REASON = 4000;

  /** Script tags in free text are refused outright, whatever the pages' escaping does. */
  private static final Pattern SCRIPT_TAG = Pattern.compile("<\\s*/?\\s*script\\b", Pattern.CASE_INSENSITIVE);

  private final ServerConfig config;
  private final LedgerStore store;
  private final Policies policies;
  private final SnapshotView snapshots;
  private final UnlearnViews lineage;
  private final ForgetQueueView forgetQueue;
  private final Set<String> gpcRecorded = ConcurrentHashMap.newKeySet();
  /**
   * Locks striped by member: a member's read-check-append steps (a GPC signal, a choice, an
   * objection, an erasure) run one at a time, so two concurrent identical requests (a double
   * click) cannot both pass the "no change" or "one pending objection" check and both append.
   */
  private final Object[] memberLocks = new Object[64];

  private Object lockOf(String member) {
    return memberLocks[Math.floorMod(member.hashCode(), memberLocks.length)];
  }

  MemberService(ServerConfig config, Policies policies, SnapshotView snapshots, UnlearnViews lineage, ForgetQueueView forgetQueue) {
    this.config = config;
    this.store = config.store;
    this.policies = policies;
    this.snapshots = snapshots;
    this.lineage = lineage;
    this.forgetQueue = forgetQueue;
    for (int i = 0; i < memberLocks.length; i++) {
      memberLocks[i] = new Object();
    }
  }

  Instant now() {
    return config.clock.instant();
  }

  /** Checks that the member exists; a 404 problem otherwise. */
  int requireMember(String member) {
    OptionalInt n = member.length() > MAX_ID ? OptionalInt.empty() : store.memberNumber(member);
    if (n.isEmpty()) {
      throw ProblemException.notFound("unknown-member", "no member with this id is registered");
    }
    return n.getAsInt();
  }

  /**
   * One purpose as the member sees it.
   *
   * @param latestChoice the member's latest {@code consent.set} for the purpose, or null
   * @param gpcSinceChoice whether a Global Privacy Control signal came after that choice (or with
   *     no choice at all) for a purpose that honours GPC: the ledger then takes the signal as the
   *     member's latest word, a withdrawal, whatever the latest {@code consent.set} says
   */
  record Setting(String purpose, PurposePolicy definition, Decision decision, Rule rule, ConsentSet latestChoice,
      boolean gpcSinceChoice, String country) {
    boolean offered() {
      return decision.settingOffered();
    }
  }

  /**
   * The member's settings, one per purpose of the policy in force now.
   *
   * <p>One read of the store: the member's history. The store decides the AI purpose from that
   * history and the policies it follows; the other purposes are decided in process by lethe-core
   * from the cached policies and the same history (what the store itself decides from). If the
   * in-process decision for the AI purpose differs from the store's, the cache is stale (another
   * process published a policy): it reloads, and the store decides every purpose.
   */
  List<Setting> settings(String member) {
    List<StoredEvent> history = member.length() > MAX_ID ? List.of() : store.memberHistory(member);
    if (history.isEmpty()) {
      throw ProblemException.notFound("unknown-member", "no member with this id is registered");
    }
    Instant now = now();
    String country = countryOf(history);
    Decision probe = store.decide(member, config.aiPurpose, now, history);
    Policy policy = policies.at(now).orElse(null);
    ConsentLedger local = policies.withMemberEvents(history).orElse(null);
    boolean trusted = local != null && sameDecision(local.decide(member, config.aiPurpose, now), probe);
    if (!trusted) {
      policy = policies.at(now, probe.policyVersion()).orElse(null);
    }
    List<Setting> result = new ArrayList<>();
    if (policy == null) {
      return result;
    }
    for (Map.Entry<String, PurposePolicy> e : policy.purposes().entrySet()) {
      String purpose = e.getKey();
      Decision d = purpose.equals(config.aiPurpose) ? probe
          : trusted ? local.decide(member, purpose, now) : store.decide(member, purpose, now, history);
      ConsentSet latest = latestChoice(history, purpose);
      result.add(new Setting(purpose, e.getValue(), d, policy.ruleFor(e.getValue(), country), latest,
          e.getValue().honorGpc() && gpcAfter(history, latest), country));
    }
    return result;
  }

  private static boolean sameDecision(Decision a, Decision b) {
    return a.reason() == b.reason() && a.settingOffered() == b.settingOffered()
        && java.util.Objects.equals(a.policyVersion(), b.policyVersion());
  }

  Setting setting(String member, String purpose) {
    for (Setting s : settings(member)) {
      if (s.purpose.equals(purpose)) {
        return s;
      }
    }
    throw ProblemException.notFound("unknown-purpose", "the policy in force defines no purpose with this id");
  }

  /** A choice as recorded: the setting afterwards, and whether a {@code consent.set} was appended. */
  record Chosen(Setting setting, boolean changed) {}

  /**
   * Records a choice; a problem if the purpose is unknown or not offered to the member, or if the
   * member asked for erasure (nothing changed). A choice equal to the member's latest choice for
   * the purpose is not recorded again: submitting twice, or saving without a change, appends no
   * second {@code consent.set} (and so makes no second forget request).
   */
  Setting choose(String member, String purpose, String choiceWord, Source source) {
    return record(member, purpose, choiceWord, source).setting();
  }

  /** As {@link #choose}, saying whether anything was recorded. */
  Chosen record(String member, String purpose, String choiceWord, Source source) {
    synchronized (lockOf(member)) {
      return recordLocked(member, purpose, choiceWord, source);
    }
  }

  private Chosen recordLocked(String member, String purpose, String choiceWord, Source source) {
    Choice choice =
        Choice.fromWord(choiceWord)
            .orElseThrow(() -> ProblemException.unprocessable("invalid-choice", "choice must be \"grant\" or \"withdraw\""));
    Setting current = setting(member, purpose);
    requireNotErased(member, "settings can no longer be changed");
    if (!current.offered()) {
      throw ProblemException.conflict("setting-not-offered", "this setting is not offered to you: " + notOffered(current));
    }
    // The member's latest word as the ledger reads it: a GPC signal after the latest choice counts
    // as a withdrawal (spec rule 8), so a grant after it is a change and is recorded.
    Choice latest = current.gpcSinceChoice() ? Choice.WITHDRAW
        : current.latestChoice() == null ? null : current.latestChoice().choice();
    if (latest == choice) {
      return new Chosen(current, false);
    }
    append(new ConsentSet(now(), member, purpose, choice, source));
    return new Chosen(setting(member, purpose), true);
  }

  /** Why a setting is not offered, in plain words. */
  private static String notOffered(Setting s) {
    return s.decision.reason() == Reason.JURISDICTION_BLOCKED
        ? "this use of data is not permitted where you live (" + countryName(s.country) + ")"
        : clauseOf(explain(s, s.country));
  }

  private static String clauseOf(String sentence) {
    String t = sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
    return t.isEmpty() ? t : Character.toLowerCase(t.charAt(0)) + t.substring(1);
  }

  /** When the member asked for erasure, or null. */
  Instant erasureRequestedAt(String member) {
    for (StoredEvent e : store.memberHistory(member)) {
      if (e.event() instanceof ErasureRequested r) {
        return r.at();
      }
    }
    return null;
  }

  /** A 409 problem once the member asked for erasure: {@code what} says what is refused. */
  private void requireNotErased(String member, String what) {
    Instant at = erasureRequestedAt(member);
    if (at != null) {
      throw ProblemException.conflict("erasure-requested", "you asked for your data to be erased on " + Pages.day(at)
          + ", so " + what + "; your data is no longer used for any purpose");
    }
  }

  /**
   * Whether free text may be stored: no control characters but newline, carriage return and tab,
   * and no unpaired surrogate (which is not text at all).
   */
  static String unacceptableCharacter(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "a broken character (an unpaired UTF-16 surrogate)";
      } else if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
        return String.format("an invisible control character (U+%04X)", (int) c);
      }
    }
    return null;
  }

  /**
   * Files an objection; returns its JSON form. Refused, with nothing recorded: a reason that is
   * empty, too long, holds control characters or script tags (422); an unknown or consent-based
   * purpose; once the member asked for erasure (409); and while an objection of the member to the
   * same purpose awaits its answer (409: one pending objection per purpose is enough).
   */
  ObjectNode object(String member, String purpose, String reason) {
    synchronized (lockOf(member)) {
      return objectLocked(member, purpose, reason);
    }
  }

  private ObjectNode objectLocked(String member, String purpose, String reason) {
    requireMember(member);
    String text = reason.strip();
    if (text.isEmpty() || text.length() > MAX_REASON) {
      throw ProblemException.unprocessable("invalid-reason", "reason must have 1 to " + MAX_REASON + " characters");
    }
    String bad = unacceptableCharacter(text);
    if (bad != null) {
      throw ProblemException.unprocessable("invalid-reason", "the reason contains " + bad + "; remove it and send it again");
    }
    if (SCRIPT_TAG.matcher(text).find()) {
      throw ProblemException.unprocessable("unsafe-text", "script tags are not accepted in an objection");
    }
    Instant now = now();
    Policy policy = policies.at(now).orElseThrow(() -> ProblemException.notFound("unknown-purpose", "no policy is in force"));
    PurposePolicy def = purpose.length() > MAX_ID ? null : policy.purposes().get(purpose);
    if (def == null) {
      throw ProblemException.notFound("unknown-purpose", "the policy in force defines no purpose with this id");
    }
    if (!def.objectable()) {
      throw ProblemException.unprocessable(
          "not-objectable", "this purpose rests on consent: withdraw it in the settings instead of objecting");
    }
    requireNotErased(member, "objections can no longer be sent");
    for (ObjectNode o : objections(member)) {
      if (o.get("purpose").asText().equals(purpose) && o.get("status").asText().equals("pending")) {
        Instant filed = Rfc3339.parseInstant(o.get("filed_at").asText());
        throw ProblemException.conflict("objection-pending", "you already objected to " + (def.title() != null ? def.title() : purpose)
            + " on " + Pages.day(filed) + "; that objection awaits its answer, due by " + Pages.day(deadline(filed)));
      }
    }
    String id = "obj-" + UUID.randomUUID();
    append(new ObjectionFiled(now, id, member, purpose, text));
    return objectionJson(new ObjectionFiled(now, id, member, purpose, text), null, now);
  }

  /** The member's objections with their latest outcome. */
  List<ObjectNode> objections(String member) {
    requireMember(member);
    Map<String, ObjectionFiled> filed = new LinkedHashMap<>();
    Map<String, ObjectionDecided> decided = new LinkedHashMap<>();
    for (StoredEvent e : store.memberHistory(member)) {
      if (e.event() instanceof ObjectionFiled f) {
        filed.put(f.objection(), f);
      } else if (e.event() instanceof ObjectionDecided d) {
        decided.put(d.objection(), d);
      }
    }
    List<ObjectNode> result = new ArrayList<>();
    Instant now = now();
    filed.values().forEach(f -> result.add(objectionJson(f, decided.get(f.objection()), now)));
    return result;
  }

  /** The review deadline of an objection: one calendar month after filing (GDPR Art. 12(3)). */
  static Instant deadline(Instant filedAt) {
    return filedAt.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
  }

  static ObjectNode objectionJson(ObjectionFiled f, ObjectionDecided d, Instant now) {
    ObjectNode o = Json.object();
    o.put("objection", f.objection());
    o.put("member", f.member());
    o.put("purpose", f.purpose());
    o.put("reason", f.reason());
    o.put("filed_at", Rfc3339.format(f.at()));
    Instant deadline = deadline(f.at());
    o.put("deadline", Rfc3339.format(deadline));
    o.put("days_left", Math.floorDiv(deadline.getEpochSecond() - now.getEpochSecond(), 86_400L));
    o.put("status", d == null ? "pending" : d.outcome().word());
    if (d != null) {
      o.put("justification", d.justification());
      o.put("decided_at", Rfc3339.format(d.at()));
    }
    return o;
  }

  /** Records an erasure request once; returns whether this call recorded it, and when it was made. */
  ObjectNode erase(String member) {
    synchronized (lockOf(member)) {
      return eraseLocked(member);
    }
  }

  private ObjectNode eraseLocked(String member) {
    requireMember(member);
    for (StoredEvent e : store.memberHistory(member)) {
      if (e.event() instanceof ErasureRequested r) {
        return erasureJson(member, r.at(), false);
      }
    }
    Instant now = now();
    append(new ErasureRequested(now, member));
    return erasureJson(member, now, true);
  }

  private ObjectNode erasureJson(String member, Instant at, boolean created) {
    ObjectNode o = Json.object();
    o.put("member", member);
    o.put("requested_at", Rfc3339.format(at));
    o.put("status", "requested");
    o.put("created", created);
    ArrayNode forget = o.putArray("forget_requests");
    Instant now = now();
    forgetQueue.requestsFor(member).forEach(r -> forget.add(forgetJson(r, now)));
    return o;
  }

  /** Every stored event naming the member, in append order. */
  List<StoredEvent> history(String member) {
    requireMember(member);
    return store.memberHistory(member);
  }

  /** One Kantara receipt per recorded choice, oldest first. */
  ArrayNode receipts(String member) {
    requireMember(member);
    ArrayNode list = Json.array();
    String commitment = store.commitment(member);
    for (StoredEvent e : store.memberHistory(member)) {
      if (e.event() instanceof ConsentSet c) {
        list.add(Receipts.receipt(config.controller, c, e.seq(), commitment, policies.at(c.at()).orElse(null)));
      }
    }
    return list;
  }

  /**
   * Where the member's data is: snapshots and shards, models, forget requests, and whether the
   * answer covers every snapshot root: {@code complete} is false and {@code unreachable_root_count}
   * says how many roots could not be read when one is missing or unreadable, and {@code
   * missing_snapshot_count} how many snapshots a build recorded in a readable root are not there
   * whole, so that an empty {@code snapshots} is never a false all-clear. The server's directories are not named to a
   * member (the auditor's views name them).
   */
  ObjectNode dataUsage(String member) {
    int number = requireMember(member);
    SnapshotView.Lineage where = snapshots.lineage(number);
    SnapshotView.Snapshots current = where.snapshots();
    ObjectNode o = Json.object();
    o.put("member", member);
    ArrayNode snaps = o.putArray("snapshots");
    for (SnapshotView.LocatedHit located : where.hits()) {
      LineageIndex.Hit hit = located.hit();
      ObjectNode s = snaps.addObject();
      s.put("snapshot", hit.snapshot().snapshot());
      s.put("purpose", hit.snapshot().purpose());
      s.put("as_of", Rfc3339.format(hit.snapshot().asOf()));
      s.putArray("shards").add(hit.shard());
    }
    ArrayNode models = o.putArray("models");
    for (ModelLineage.ModelUse m : lineage.modelsFor(member, where)) {
      ObjectNode n = models.addObject()
          .put("model", m.model())
          .put("snapshot", m.snapshot())
          .put("purpose", m.purpose())
          .put("as_of", Rfc3339.format(m.asOf()));
      ArrayNode shards = n.putArray("shards");
      m.shards().forEach(shards::add);
      n.put("origin", m.origin()).put("parent", m.parent()).put("status", m.status());
    }
    ArrayNode forget = o.putArray("forget_requests");
    Instant now = now();
    forgetQueue.requestsFor(member).forEach(r -> forget.add(forgetJson(r, now)));
    o.put("complete", current.complete());
    o.put("unreachable_root_count", current.unreachableCount());
    o.put("missing_snapshot_count", current.missingCount());
    return o;
  }

  /**
   * A forget request as JSON, with the whole days left until its deadline at {@code now}
   * (negative once overdue; counted for completed requests too, which makes lateness visible).
   */
  static ObjectNode forgetJson(ForgetQueueView.ForgetRequest r, Instant now) {
    ObjectNode o = Json.object();
    o.put("id", r.id());
    o.put("member", r.member());
    o.put("cause", r.cause());
    o.put("purpose", r.purpose());
    o.put("requested_at", Rfc3339.format(r.requestedAt()));
    o.put("deadline", Rfc3339.format(r.deadline()));
    o.put("days_left", Math.floorDiv(r.deadline().getEpochSecond() - now.getEpochSecond(), 86_400L));
    o.put("status", r.status());
    o.put("queued", r.queued());
    o.put("completed_at", r.completedAt() == null ? null : Rfc3339.format(r.completedAt()));
    if (r.verified() == null) {
      o.putNull("verified");
    } else {
      o.put("verified", r.verified());
    }
    o.put("detail", r.detail());
    ArrayNode models = o.putArray("affected_models");
    r.affectedModels().forEach(models::add);
    o.put("new_snapshot", r.newSnapshot());
    // Additive: counts in place of the runner's sentence, which names server directories.
    o.put("snapshots_rebuilt", r.snapshotsRebuilt());
    o.put("models_retrained", r.modelsRetrained());
    o.put("nothing_held", r.nothingHeld());
    // Additive: snapshots that held the member but were left alone (the member allowed the use
    // again before they were made), from the run's counts; 0 where the run did not count.
    o.put("snapshots_left_alone", r.tally() == null ? 0 : r.tally().snapshotsLeftAlone());
    o.put("only_left_alone", r.onlyLeftAlone());
    // Additive: a completed request a re-check found undone is pending again; the member is told why.
    o.put("reopened", !r.reopenings().isEmpty());
    ArrayNode reopenings = o.putArray("reopenings");
    List<String> words = ReopeningWords.explain(r, now);
    for (int i = 0; i < r.reopenings().size(); i++) {
      ForgetQueueView.Reopening ro = r.reopenings().get(i);
      ObjectNode n = reopenings.addObject();
      n.put("found_at", Rfc3339.format(ro.foundAt()));
      n.put("completed_at", ro.completedAt() == null ? null : Rfc3339.format(ro.completedAt()));
      n.put("verified", ro.verified());
      ArrayNode found = n.putArray("found");
      for (ForgetQueueView.Found f : ro.found()) {
        found.addObject().put("kind", f.kind()).put("snapshot", f.snapshot()).put("purpose", f.purpose())
            .put("as_of", f.asOf() == null ? null : Rfc3339.format(f.asOf())).put("model", f.model()).put("items", f.items())
            .put("description", ReopeningWords.describe(f));
      }
      n.put("explanation", words.get(i));
    }
    return o;
  }

  /** The headers a platform should attach to the member's public pages. */
  ObjectNode aiSignals(String member) {
    requireMember(member);
    Decision d = store.decide(member, config.aiPurpose, now());
    ObjectNode o = Json.object();
    o.put("member", member);
    o.put("purpose", config.aiPurpose);
    o.put("allowed", d.allowed());
    o.put("reason", d.reason().word());
    ObjectNode headers = o.putObject("headers");
    if (!d.allowed()) {
      headers.put("tdm-reservation", "1");
      headers.put("Content-Usage", "train-ai=n");
    }
    return o;
  }

  /**
   * Records one {@code gpc.signal} for the member unless one is already stored: the first signal
   * is what counts, and re-recording on every request would override the member's later explicit
   * grant, which the spec says wins.
   */
  void recordGpc(String member) {
    if (gpcRecorded.contains(member) || member.length() > MAX_ID) {
      return;
    }
    synchronized (lockOf(member)) {
      if (gpcRecorded.contains(member) || store.memberNumber(member).isEmpty()) {
        return;
      }
      for (StoredEvent e : store.memberHistory(member)) {
        if (e.event() instanceof GpcSignal) {
          gpcRecorded.add(member);
          return;
        }
      }
      append(new GpcSignal(now(), member));
      gpcRecorded.add(member);
    }
  }

  void append(LedgerEvent event) {
    try {
      store.append(event, null);
    } catch (EventRejectedException e) {
      throw ProblemException.conflict("rejected", "the ledger refused the change: " + e.problem());
    }
  }

  static String countryOf(List<StoredEvent> history) {
    String country = null;
    // History is in append order; the latest move by instant wins, as in the ledger's timeline.
    Instant latest = null;
    for (StoredEvent e : history) {
      Instant at = e.event().at();
      if (e.event() instanceof MemberRegistered r && (latest == null || !at.isBefore(latest))) {
        country = r.country();
        latest = at;
      } else if (e.event() instanceof MemberMoved m && (latest == null || !at.isBefore(latest))) {
        country = m.country();
        latest = at;
      }
    }
    return country;
  }

  /**
   * Whether a GPC signal follows {@code choice} in the member's history (in the order the store
   * applied them, as the ledger compares a choice with a signal), or any signal when there is no
   * choice.
   */
  private static boolean gpcAfter(List<StoredEvent> history, ConsentSet choice) {
    boolean seen = choice == null;
    for (StoredEvent e : history) {
      if (e.event() == choice) {
        seen = true;
      } else if (seen && e.event() instanceof GpcSignal) {
        return true;
      }
    }
    return false;
  }

  private static ConsentSet latestChoice(List<StoredEvent> history, String purpose) {
    ConsentSet latest = null;
    for (StoredEvent e : history) {
      if (e.event() instanceof ConsentSet c && c.purpose().equals(purpose)
          && (latest == null || !c.at().isBefore(latest.at()))) {
        latest = c;
      }
    }
    return latest;
  }

  /** A country's English name from its ISO 3166 code ("GB" is "United Kingdom"); the code itself when Java knows no name. */
  static String countryName(String code) {
    if (code == null || code.isBlank()) {
      return "your country";
    }
    String name = new java.util.Locale("", code).getDisplayCountry(java.util.Locale.ENGLISH);
    return name.isEmpty() || name.equals(code) ? code : name;
  }

  /** A sentence for the member on why a setting is as it is. */
  static String explain(Setting s, String country) {
    Reason r = s.decision.reason();
    return switch (r) {
      case JURISDICTION_BLOCKED -> "Using your data for this purpose is not permitted where you live ("
          + countryName(country) + "), so it is not used and there is nothing to switch.";
      case MINOR -> "You are under the minimum age for this use, so your data is not used.";
      case ERASURE_REQUESTED -> "You asked for your data to be erased, so it is not used.";
      case ACCOUNT_CLOSED -> "Your account is closed, so your data is not used.";
      case OBJECTION_UPHELD -> "Your objection was upheld, so your data is not used.";
      case WITHDRAWN -> "You switched this off, so your data is not used.";
      case GPC -> "Your browser sent a Global Privacy Control signal, so your data is not used.";
      case CONSENTED -> "You switched this on, so your data may be used.";
      case NO_CONSENT -> "This is off unless you switch it on.";
      case DEFAULT_OPT_OUT -> "This is on unless you switch it off.";
      case NOTICE_PENDING -> "Your data is not used until the notice period for the current policy has passed.";
      case NO_POLICY, UNKNOWN_MEMBER -> "This purpose is not in effect.";
    };
  }
}
