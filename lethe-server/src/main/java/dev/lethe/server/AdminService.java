package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.decision.Reason;
import dev.lethe.core.event.EventCodec;
import dev.lethe.core.event.InvalidEventException;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.NoticeSent;
import dev.lethe.core.event.LedgerEvent.ObjectionDecided;
import dev.lethe.core.event.LedgerEvent.ObjectionFiled;
import dev.lethe.core.event.LedgerEvent.PolicyPublished;
import dev.lethe.core.event.Outcome;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerException;
import dev.lethe.core.policy.Policy;
import dev.lethe.store.Append;
import dev.lethe.store.EventRejectedException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The admin's work: publishing policies (with a preview of their effect), sending notices
 * through the outbox, reviewing objections, and watching the forget queue. Views over every
 * member come from {@link LedgerView}; changes are ledger events appended at the clock's instant.
 */
final class AdminService {

  private final ServerConfig config;
  private final LedgerView ledger;
  private final Policies policies;
  private final ForgetQueueView forgetQueue;
  private final ForgetScheduler forgetting;

  AdminService(ServerConfig config, LedgerView ledger, Policies policies, ForgetQueueView forgetQueue, ForgetScheduler forgetting) {
    this.config = config;
    this.ledger = ledger;
    this.policies = policies;
    this.forgetQueue = forgetQueue;
    this.forgetting = forgetting;
  }

  private Instant now() {
    return config.clock.instant();
  }

  /** Every published policy and the one in force now. */
  ObjectNode policies() {
    Instant now = now();
    ObjectNode o = Json.object();
    o.put("at", Rfc3339.format(now));
    o.put("current", policies.at(now).map(Policy::version).orElse(null));
    ArrayNode list = o.putArray("policies");
    for (PolicyPublished p : policies.published()) {
      ObjectNode e = list.addObject();
      e.put("version", p.policy().version());
      e.put("effective", Rfc3339.format(p.policy().effective()));
      e.put("published_at", Rfc3339.format(p.at()));
      e.put("notice_days", p.policy().noticeDays());
      e.set("policy", EventCodec.encode(p).get("policy"));
    }
    return o;
  }

  /** Decodes a policy object as the ledger would, or a 422 problem naming what is wrong. */
  private PolicyPublished decode(JsonNode policy, Instant at) {
    if (policy == null || !policy.isObject()) {
      throw ProblemException.unprocessable("invalid-policy", "field \"policy\" must be a policy object");
    }
    requireKnownKeys(policy);
    ObjectNode event = Json.object();
    event.put("type", "policy.published");
    event.put("at", Rfc3339.format(at));
    event.set("policy", policy);
    PolicyPublished decoded;
    try {
      decoded = (PolicyPublished) EventCodec.decode(event);
    } catch (InvalidEventException e) {
      throw ProblemException.unprocessable("invalid-policy", e.getMessage());
    }
    long days = decoded.policy().noticeDays();
    if (days > PUBLISHABLE_NOTICE_DAYS) {
      throw ProblemException.unprocessable("invalid-policy", "\"policy.notice_days\" must be at most "
          + PUBLISHABLE_NOTICE_DAYS + " (ten years) for a policy published here, not " + days);
    }
    return decoded;
  }

  private static final List<String> POLICY_KEYS = List.of("version", "effective", "notice_days", "regions", "purposes");
  private static final List<String> PURPOSE_KEYS = List.of("title", "default", "min_age", "honor_gpc",
      "retroactive_withdrawal", "objectable", "content_kinds", "visibility", "rules");

  /**
   * Refuses a key the policy format does not have, at the policy's top level and in each purpose,
   * naming it with its path. The ledger reader passes over keys it does not know (a ledger file
   * may come from a newer writer), but a key misspelled in a policy being published here would be
   * stored and silently ignored for good: "retroactive_withdrawl" would leave withdrawals
   * non-retroactive without a word.
   */
  private static void requireKnownKeys(JsonNode policy) {
    unknownKey(policy, POLICY_KEYS, "policy");
    JsonNode purposes = policy.get("purposes");
    if (purposes != null && purposes.isObject()) {
      purposes.fields().forEachRemaining(e -> {
        if (e.getValue().isObject()) {
          unknownKey(e.getValue(), PURPOSE_KEYS, "policy.purposes." + e.getKey());
        }
      });
    }
  }

  private static void unknownKey(JsonNode object, List<String> known, String path) {
    List<String> unknown = Json.unknownFields(object, known);
    if (!unknown.isEmpty()) {
      throw ProblemException.unprocessable("invalid-policy", (unknown.size() == 1 ? "unknown field " : "unknown fields ")
          + Json.quoted(unknown.stream().map(k -> path + "." + k).toList()) + ": the fields here are " + String.join(", ", known));
    }
  }

  /**
   * The longest notice period an administrator may publish: ten years of days. The ledger itself
   * reads any period that can be subtracted from an instant (lethe-core's {@code
   * Policy.MAX_NOTICE_DAYS}), as the spec sets no bound; this tighter limit catches a mistyped
   * number before it enters the append-only ledger, where a policy can never be taken back.
   */
  static final long PUBLISHABLE_NOTICE_DAYS = 3650;

  /**
   * Refuses a policy whose {@code effective} instant is before {@code now}. The spec lets a policy
   * govern only from its publication on (the policy in force at T is chosen among those published
   * at or before T), so a past effective date would not make it govern the past: it would take
   * effect at once, with no time to tell anyone. Notice periods stay per member ({@code
   * notice_days} before an opt-out rule allows, counted from each member's {@code notice.sent}),
   * so an effective instant from now on is what a publication can honestly promise.
   */
  private static void requireNotInPast(PolicyPublished candidate, Instant now) {
    Instant effective = candidate.policy().effective();
    if (effective.isBefore(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))) {
      throw ProblemException.unprocessable("effective-in-past", "the policy's effective date " + Rfc3339.format(effective)
          + " is in the past: a policy takes effect only from its publication on, so choose an effective date from now ("
          + Rfc3339.format(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + ") on; members on an opt-out rule are"
          + " covered only once they have had the notice_days of notice");
    }
  }

  /**
   * What publishing the policy now would change: the diff against the policy in force now, and
   * how many members' decisions differ at the moment it would take effect (its effective date,
   * which is never before now), computed with lethe-core's decision engine over the whole exported
   * ledger, with and without the new policy. A policy effective before now is refused, as {@link
   * #publish} refuses it.
   */
  ObjectNode preview(JsonNode policyJson) {
    Instant now = now();
    PolicyPublished candidate = decode(policyJson, now);
    LedgerView.Loaded loaded = ledger.current();
    requireNewVersion(loaded.ledger(), candidate.policy());
    requireNotInPast(candidate, now);
    List<LedgerEvent> with = new ArrayList<>(loaded.events());
    with.add(candidate);
    ConsentLedger after;
    try {
      after = ConsentLedger.of(with);
    } catch (LedgerException e) {
      throw ProblemException.unprocessable("invalid-policy", e.getMessage());
    }
    ConsentLedger before = loaded.ledger();
    // The policy governs only once published; evaluate from then, never at an instant before it.
    Instant effective = candidate.policy().effective().isBefore(now) ? now : candidate.policy().effective();
    Policy current = before.policyAt(now).orElse(null);

    ObjectNode o = Json.object();
    o.put("version", candidate.policy().version());
    o.put("effective", Rfc3339.format(effective));
    o.put("current", current == null ? null : current.version());
    ArrayNode diff = o.putArray("diff");
    JsonNode from = current == null ? Json.object() : EventCodec.encode(new PolicyPublished(now, current)).get("policy");
    JsonNode to = EventCodec.encode(candidate).get("policy");
    diff("", from, to, diff);

    Set<String> purposes = new LinkedHashSet<>(candidate.policy().purposes().keySet());
    before.policyAt(effective).ifPresent(p -> purposes.addAll(p.purposes().keySet()));
    int changed = 0;
    Map<String, Integer> byPurpose = new TreeMap<>();
    Map<String, Integer> transitions = new TreeMap<>();
    List<String> members = before.memberIds();
    for (String m : members) {
      boolean any = false;
      for (String p : purposes) {
        Decision b = before.decide(m, p, effective);
        Decision a = after.decide(m, p, effective);
        if (b.allowed() != a.allowed()) {
          any = true;
          byPurpose.merge(p, 1, Integer::sum);
          transitions.merge(p + ": " + b.reason().word() + " -> " + a.reason().word(), 1, Integer::sum);
        }
      }
      if (any) {
        changed++;
      }
    }
    o.put("members", members.size());
    o.put("members_changing", changed);
    ObjectNode bp = o.putObject("changing_by_purpose");
    byPurpose.forEach(bp::put);
    ObjectNode tr = o.putObject("transitions");
    transitions.forEach(tr::put);
    return o;
  }

  private static void requireNewVersion(ConsentLedger ledger, Policy candidate) {
    for (Policy p : ledger.policies()) {
      if (p.version().equals(candidate.version())) {
        throw ProblemException.conflict(
            "duplicate-version", "a policy with version \"" + candidate.version() + "\" is already published");
      }
    }
  }

  /** Writes the differences between two JSON trees as {path, from, to} entries. */
  private static void diff(String path, JsonNode from, JsonNode to, ArrayNode out) {
    if (from != null && to != null && from.isObject() && to.isObject()) {
      Set<String> keys = new LinkedHashSet<>();
      from.fieldNames().forEachRemaining(keys::add);
      to.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        if (path.isEmpty() && k.equals("version")) {
          continue; // every new version differs in its label; that is not a change of substance
        }
        diff(path.isEmpty() ? k : path + "." + k, from.get(k), to.get(k), out);
      }
    } else if (from == null || to == null || !from.equals(to)) {
      ObjectNode d = out.addObject();
      d.put("path", path);
      d.set("from", from);
      d.set("to", to);
    }
  }

  /**
   * Publishes the policy now; returns its summary and how many notices are now due. A 422 problem
   * if its effective date is before now (nothing published).
   */
  ObjectNode publish(JsonNode policyJson) {
    Instant now = now();
    PolicyPublished event = decode(policyJson, now);
    requireNewVersion(ledger.current().ledger(), event.policy());
    requireNotInPast(event, now);
    try {
      config.store.append(event, "policy:" + event.policy().version());
    } catch (EventRejectedException e) {
      throw ProblemException.conflict("rejected", "the ledger refused the policy: " + e.problem());
    }
    policies.reload();
    ObjectNode o = Json.object();
    o.put("version", event.policy().version());
    o.put("effective", Rfc3339.format(event.policy().effective()));
    o.put("published_at", Rfc3339.format(now));
    o.put("notices_pending", pendingNotices().size());
    return o;
  }

  /**
   * Notices due: for the policy in force now and every policy not yet effective, each member who
   * is registered, not closed and not erased, and has not been sent a notice for that version.
   */
  List<NoticeSender.Notice> pendingNotices() {
    Instant now = now();
    LedgerView.Loaded loaded = ledger.current();
    ConsentLedger l = loaded.ledger();
    List<Policy> due = new ArrayList<>();
    l.policyAt(now).ifPresent(due::add);
    for (Policy p : l.policies()) {
      if (p.effective().isAfter(now) && !due.contains(p)) {
        due.add(p);
      }
    }
    Set<String> sent = new HashSet<>();
    for (LedgerEvent e : loaded.events()) {
      if (e instanceof NoticeSent n) {
        sent.add(n.policyVersion() + "\n" + n.member());
      }
    }
    List<NoticeSender.Notice> pending = new ArrayList<>();
    for (String m : l.memberIds()) {
      Reason r = l.decide(m, "", now).reason();
      if (r == Reason.UNKNOWN_MEMBER || r == Reason.ACCOUNT_CLOSED || r == Reason.ERASURE_REQUESTED) {
        continue;
      }
      for (Policy p : due) {
        if (!sent.contains(p.version() + "\n" + m)) {
          pending.add(new NoticeSender.Notice(m, p.version(), p.effective(), now));
        }
      }
    }
    return pending;
  }

  /** Rows per page of an admin list when the caller names no {@code limit}: what the admin page shows. */
  static final int DEFAULT_PAGE = 50;

  /** The most rows a page of an admin list may ask for, as for the audit log. */
  static final int MAX_PAGE = AuditService.MAX_PAGE;

  /**
   * A page of one of the admin lists: {@code limit} rows from row {@code from} (0-based) of the
   * list in its stated order, as {@code /v1/audit/log} pages leaves. Offsets rather than opaque
   * cursors because the lists are recomputed from the ledger on every call and ordered by
   * deadline: a row's place is all there is to resume from, and a list that changed between two
   * pages may repeat or skip a row at the boundary, which a re-read of the first page shows.
   *
   * @param from the first row, 0 or more; past the end gives an empty page
   * @param limit rows on the page, 1 to {@link #MAX_PAGE}
   */
  record Page(long from, int limit) {
    Page {
      if (from < 0 || limit < 1 || limit > MAX_PAGE) {
        throw ProblemException.badRequest("invalid-parameter", "from must be >= 0 and limit 1 to " + MAX_PAGE);
      }
    }

    static final Page FIRST = new Page(0, DEFAULT_PAGE);

    /** The rows of {@code all} on this page. */
    <T> List<T> of(List<T> all) {
      int start = (int) Math.min(from, all.size());
      return all.subList(start, (int) Math.min((long) start + limit, all.size()));
    }

    /**
     * Writes {@code from} and {@code next} (the {@code from} of the following page, or null on
     * the last page) into {@code o}.
     */
    void describe(ObjectNode o, int total) {
      o.put("from", from);
      if (from + limit < total) {
        o.put("next", from + limit);
      } else {
        o.putNull("next");
      }
    }
  }

  /**
   * The notices waiting to be sent: how many ({@code pending}, the whole list's count), and one
   * page of them in member order.
   */
  ObjectNode outbox(Page page) {
    List<NoticeSender.Notice> pending = pendingNotices();
    ObjectNode o = Json.object();
    o.put("pending", pending.size());
    page.describe(o, pending.size());
    ArrayNode list = o.putArray("notices");
    page.of(pending).forEach(n -> list.addObject()
        .put("member", n.member())
        .put("policy_version", n.policyVersion())
        .put("effective", Rfc3339.format(n.effective())));
    return o;
  }

  /**
   * Hands every pending notice to the sender, then records them as {@code notice.sent} in one
   * batch. A crash between the two sends them again next time: at least once, never silently lost.
   */
  synchronized ObjectNode sendNotices() {
    List<NoticeSender.Notice> pending = pendingNotices();
    try {
      config.noticeSender.send(pending);
    } catch (IOException e) {
      throw new ProblemException(503, "sender-unavailable", "Notice sender unavailable", "the notices could not be delivered: " + e.getMessage());
    }
    List<Append> events = new ArrayList<>(pending.size());
    Instant now = now();
    for (NoticeSender.Notice n : pending) {
      events.add(Append.of(new NoticeSent(now, n.member(), n.policyVersion()), null));
    }
    if (!events.isEmpty()) {
      try {
        config.store.appendBatch(events);
      } catch (EventRejectedException e) {
        throw ProblemException.conflict("rejected", "the ledger refused a notice: " + e.problem());
      }
    }
    ObjectNode o = Json.object();
    o.put("sent", pending.size());
    return o;
  }

  /**
   * One page of the objections, undecided ones first by deadline (the most urgent first), then
   * decided ones by filing, each with its countdown; with how many there are in all ({@code
   * total}), undecided ({@code pending}) and undecided past their deadline ({@code overdue}).
   */
  ObjectNode objections(Page page) {
    Instant now = now();
    Map<String, ObjectionFiled> filed = new LinkedHashMap<>();
    Map<String, ObjectionDecided> decided = new LinkedHashMap<>();
    for (LedgerEvent e : ledger.current().events()) {
      if (e instanceof ObjectionFiled f) {
        filed.put(f.objection(), f);
      } else if (e instanceof ObjectionDecided d) {
        ObjectionDecided prior = decided.get(d.objection());
        if (prior == null || !d.at().isBefore(prior.at())) {
          decided.put(d.objection(), d);
        }
      }
    }
    List<ObjectionFiled> order = new ArrayList<>(filed.values());
    order.sort(Comparator.<ObjectionFiled, Boolean>comparing(f -> decided.containsKey(f.objection()))
        .thenComparing(ObjectionFiled::at));
    int pending = 0;
    int overdue = 0;
    for (ObjectionFiled f : order) {
      if (!decided.containsKey(f.objection())) {
        pending++;
        if (MemberService.deadline(f.at()).isBefore(now)) {
          overdue++;
        }
      }
    }
    ObjectNode o = Json.object();
    o.put("total", order.size());
    o.put("pending", pending);
    o.put("overdue", overdue);
    page.describe(o, order.size());
    ArrayNode list = o.putArray("objections");
    page.of(order).forEach(f -> list.add(MemberService.objectionJson(f, decided.get(f.objection()), now)));
    return o;
  }

  /**
   * Records the review outcome of an objection. The spec lets an objection be decided again, the
   * latest decision counting (a wrong rejection corrected, an appeal upheld), so a decision that
   * differs from the latest one in outcome or justification is recorded; one that repeats it (a
   * second submit, a double click) appends nothing and answers the decision already recorded.
   * Synchronized so that two concurrent identical decisions cannot both see it unrecorded.
   */
  synchronized ObjectNode decideObjection(String objection, String outcomeWord, String justification) {
    Outcome outcome =
        Outcome.fromWord(outcomeWord)
            .orElseThrow(() -> ProblemException.unprocessable("invalid-outcome", "outcome must be \"upheld\" or \"rejected\""));
    String text = justification.strip();
    if (text.isEmpty() || text.length() > MemberService.MAX_REASON) {
      throw ProblemException.unprocessable("invalid-justification", "justification must have 1 to " + MemberService.MAX_REASON + " characters");
    }
    ObjectionFiled filed = null;
    ObjectionDecided latest = null;
    for (LedgerEvent e : ledger.current().events()) { // applied order: the last decision is the latest
      if (e instanceof ObjectionFiled f && f.objection().equals(objection)) {
        filed = f;
      } else if (e instanceof ObjectionDecided d && d.objection().equals(objection)) {
        latest = d;
      }
    }
    if (filed == null) {
      throw ProblemException.notFound("unknown-objection", "no objection with this id was filed");
    }
    if (latest != null && latest.outcome() == outcome && latest.justification().equals(text)) {
      return MemberService.objectionJson(filed, latest, now());
    }
    Instant now = now();
    ObjectionDecided d = new ObjectionDecided(now, objection, outcome, text);
    try {
      config.store.append(d, null);
    } catch (EventRejectedException e) {
      throw ProblemException.conflict("rejected", "the ledger refused the decision: " + e.problem());
    }
    return MemberService.objectionJson(filed, d, now);
  }

  /**
   * One page of the open forget requests, earliest deadline first (overdue ones lead), with their
   * countdowns and how many are open ({@code total}) and past their deadline ({@code overdue});
   * the scheduler's state; and the latest re-check of completed requests (null before the first
   * run that re-checked).
   */
  ObjectNode forgetQueue(Page page) {
    Instant now = now();
    List<ForgetQueueView.ForgetRequest> open = forgetQueue.openRequests();
    ObjectNode o = Json.object();
    o.put("total", open.size());
    o.put("overdue", open.stream().filter(r -> r.deadline().isBefore(now)).count());
    page.describe(o, open.size());
    ArrayNode list = o.putArray("requests");
    page.of(open).forEach(r -> list.add(MemberService.forgetJson(r, now)));
    o.set("schedule", forgetting.status());
    o.set("recheck", forgetting.lastRecheck());
    return o;
  }

  /** Runs forgetting now (sync with the ledger, execute what is pending); a 409 problem if a run is in progress. */
  ObjectNode runForgetting() throws IOException {
    return forgetting.runNow();
  }
}
