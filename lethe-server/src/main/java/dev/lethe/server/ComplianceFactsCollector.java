package dev.lethe.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.MemberRegistered;
import dev.lethe.core.event.LedgerEvent.ObjectionDecided;
import dev.lethe.core.event.LedgerEvent.ObjectionFiled;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import dev.lethe.core.policy.Rule;
import dev.lethe.pipeline.ReplacedSnapshots;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.report.ComplianceFacts;
import dev.lethe.pipeline.report.ComplianceFacts.AuditFacts;
import dev.lethe.pipeline.report.ComplianceFacts.ForgetFacts;
import dev.lethe.pipeline.report.ComplianceFacts.ObjectionFacts;
import dev.lethe.pipeline.report.ComplianceFacts.SnapshotFacts;
import dev.lethe.unlearn.forget.ForgetRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.roaringbitmap.RoaringBitmap;

/**
 * Gathers the facts of the compliance report ({@link dev.lethe.pipeline.report.ComplianceReport})
 * from the consent ledger, the published snapshots and the forget queue. The auditor's report in
 * the server and the demo's report file both come from here, so they state the same things.
 *
 * <p>The checks that matter are recomputed independently of the snapshot engine: minors from the
 * members' registered birth dates, blocked regions from the policy text, and every included
 * member's decision is asked of the ledger again. Stateless.
 */
public final class ComplianceFactsCollector {

  private ComplianceFactsCollector() {}

  /**
   * The report's facts for the current state.
   *
   * @param title the report title
   * @param at when the facts are gathered
   * @param ledger the consent ledger built from {@code events}
   * @param events the ledger's events (objections and birth dates are read from them)
   * @param catalog the published snapshots; only those no rebuild superseded are reported
   * @param requests the forget queue's requests
   * @param commitment the audit log's keyed commitment of a member id (member ids never appear)
   * @param audit the latest signed checkpoint and how to verify it
   */
  public static ComplianceFacts collect(String title, Instant at, ConsentLedger ledger, List<? extends LedgerEvent> events,
      SnapshotCatalog catalog, List<ForgetRequest> requests, Function<String, String> commitment, AuditFacts audit) {
    return collect(title, at, ledger, events, catalog.snapshots(), requests, commitment, audit);
  }

  /**
   * The report's facts for the current state, over published snapshots from any number of
   * snapshot directories (the server reads every snapshot root).
   *
   * @param published the published snapshots; only those no rebuild superseded are reported
   * @see #collect(String, Instant, ConsentLedger, List, SnapshotCatalog, List, Function, AuditFacts)
   */
  public static ComplianceFacts collect(String title, Instant at, ConsentLedger ledger, List<? extends LedgerEvent> events,
      List<SnapshotCatalog.Entry> published, List<ForgetRequest> requests, Function<String, String> commitment, AuditFacts audit) {
    Map<Integer, String> memberByNumber = new HashMap<>();
    for (String member : ledger.memberIds()) {
      ledger.memberNumber(member).ifPresent(n -> memberByNumber.put(n, member));
    }
    Map<String, LocalDate> birthDates = birthDates(events);
    List<SnapshotFacts> snapshots = new ArrayList<>();
    for (SnapshotCatalog.Entry e : current(published)) {
      snapshots.add(snapshot(e, ledger, memberByNumber, birthDates));
    }
    return new ComplianceFacts(title, at, snapshots, objections(events), forgets(requests, commitment), audit);
  }

  /**
   * The snapshots in force: the published snapshots in use as {@link ReplacedSnapshots#inUse(List)}
   * reads them, so that the report counts what the listings show in use. A snapshot forgetting
   * replaced (its tombstone written once the rebuild's checks held) keeps its manifest as history
   * but is no longer training data; a rebuild whose checks have not held is not in force, and the
   * snapshot it was meant to replace still is.
   */
  public static List<SnapshotCatalog.Entry> current(SnapshotCatalog catalog) {
    return current(catalog.snapshots());
  }

  /** The snapshots in force among {@code published} (see {@link #current(SnapshotCatalog)}), in their order. */
  public static List<SnapshotCatalog.Entry> current(List<SnapshotCatalog.Entry> published) {
    return ReplacedSnapshots.inUse(published);
  }

  /** Each member's birth date as registered (a later registration event of the same id wins). */
  public static Map<String, LocalDate> birthDates(List<? extends LedgerEvent> events) {
    Map<String, LocalDate> out = new HashMap<>();
    for (LedgerEvent e : events) {
      if (e instanceof MemberRegistered r) {
        out.put(r.member(), r.birthDate());
      }
    }
    return out;
  }

  /**
   * The facts of one published snapshot.
   *
   * @param memberByNumber member ids by the dense numbers the snapshot's bitmaps hold
   * @param birthDates birth dates by member id
   */
  public static SnapshotFacts snapshot(SnapshotCatalog.Entry e, ConsentLedger ledger, Map<Integer, String> memberByNumber,
      Map<String, LocalDate> birthDates) {
    JsonNode manifest = e.manifest();
    Policy policy = ledger.policyAt(e.asOf()).orElse(null);
    PurposePolicy purpose = policy == null ? null : policy.purpose(e.purpose()).orElse(null);
    Map<String, Long> byRegion = new LinkedHashMap<>();
    manifest.get("sharding").get("groups").forEach(g -> byRegion.put(g.asText(), 0L));
    for (JsonNode shard : manifest.get("shards")) {
      byRegion.merge(shard.get("group").asText(), shard.get("records").asLong(), Long::sum);
    }
    List<String> blocked = new ArrayList<>();
    if (purpose != null) {
      purpose.rules().forEach((region, rule) -> {
        if (rule == Rule.BLOCKED && policy.regions().containsKey(region)) {
          blocked.add(region);
        }
      });
      blocked.sort(null);
    }
    long minors = 0;
    long notAllowed = 0;
    TreeMap<String, Long> allowedBy = new TreeMap<>();
    int minAge = purpose == null ? 0 : purpose.minAge();
    LocalDate asOfDate = LocalDate.ofInstant(e.asOf(), ZoneOffset.UTC);
    for (RoaringBitmap members : e.bitmaps()) {
      for (int number : members) {
        String member = memberByNumber.get(number);
        LocalDate birth = member == null ? null : birthDates.get(member);
        if (birth != null && birth.plusYears(minAge).isAfter(asOfDate)) {
          minors++;
        }
        Decision d = ledger.decide(member == null ? "" : member, e.purpose(), e.asOf());
        if (!d.allowed()) {
          notAllowed++;
        } else {
          allowedBy.merge(d.reason().word(), 1L, Long::sum);
        }
      }
    }
    TreeMap<String, Long> excluded = new TreeMap<>();
    manifest.get("excluded").fields().forEachRemaining(f -> excluded.put(f.getKey(), f.getValue().asLong()));
    TreeMap<String, Long> redactions = new TreeMap<>();
    manifest.get("redactions").fields().forEachRemaining(f -> redactions.put(f.getKey(), f.getValue().asLong()));
    return new SnapshotFacts(e.snapshot(), e.purpose(), e.asOf(), e.policyVersion(), e.included(), excluded, byRegion,
        blocked, minors, notAllowed, allowedBy, redactions);
  }

  /** Every objection with its latest decision, by filing instant. */
  public static List<ObjectionFacts> objections(List<? extends LedgerEvent> events) {
    Map<String, ObjectionFiled> filed = new LinkedHashMap<>();
    Map<String, ObjectionDecided> decided = new HashMap<>();
    for (LedgerEvent e : events) {
      if (e instanceof ObjectionFiled f) {
        filed.put(f.objection(), f);
      } else if (e instanceof ObjectionDecided d) {
        decided.merge(d.objection(), d, (a, b) -> b.at().isAfter(a.at()) ? b : a); // the latest decision counts
      }
    }
    List<ObjectionFacts> out = new ArrayList<>();
    for (ObjectionFiled f : filed.values()) {
      ObjectionDecided d = decided.get(f.objection());
      out.add(new ObjectionFacts(f.objection(), f.purpose(), f.at(), ForgetRequest.deadlineFor(f.at()),
          d == null ? null : d.at(), d == null ? null : d.outcome().word()));
    }
    out.sort(Comparator.comparing(ObjectionFacts::filedAt));
    return out;
  }

  /** Every forget request, members named by commitment, by receipt. */
  public static List<ForgetFacts> forgets(List<ForgetRequest> requests, Function<String, String> commitment) {
    List<ForgetFacts> out = new ArrayList<>();
    for (ForgetRequest r : requests) {
      ForgetRequest.Outcome outcome = r.outcome();
      long retrained = outcome == null ? 0 : outcome.replacements().stream().mapToLong(ForgetRequest.Replacement::recordsRetrained).sum();
      long full = outcome == null ? 0 : outcome.replacements().stream().mapToLong(ForgetRequest.Replacement::recordsFullRetrain).sum();
      String verification = r.status() == ForgetRequest.Status.PENDING ? "pending"
          : outcome != null && outcome.verified() ? "passed" : "failed";
      out.add(new ForgetFacts(r.id(), commitment.apply(r.member()), r.reason().word(), r.receivedAt(), r.deadline(),
          outcome == null ? null : outcome.completedAt(), verification, retrained, full));
    }
    out.sort(Comparator.comparing(ForgetFacts::receivedAt));
    return out;
  }

  /**
   * Whether every check of the report holds: no minor, no record from a blocked region and no
   * member without a valid decision in a snapshot in force, and no failed forget request.
   */
  public static boolean allChecksPass(ComplianceFacts facts) {
    return facts.snapshots().stream().allMatch(s -> s.minorsIncluded() == 0 && s.withoutNotice() == 0
            && s.blockedRegions().stream().allMatch(r -> s.includedByRegion().getOrDefault(r, 0L) == 0))
        && facts.forgetRequests().stream().noneMatch(r -> "failed".equals(r.verification()));
  }
}
