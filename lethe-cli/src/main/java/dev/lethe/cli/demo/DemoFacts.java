package dev.lethe.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.decision.Decision;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.event.LedgerEvent.ObjectionDecided;
import dev.lethe.core.event.LedgerEvent.ObjectionFiled;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.policy.Policy;
import dev.lethe.core.policy.PurposePolicy;
import dev.lethe.core.policy.Rule;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.report.ComplianceFacts;
import dev.lethe.pipeline.report.ComplianceFacts.ForgetFacts;
import dev.lethe.pipeline.report.ComplianceFacts.ObjectionFacts;
import dev.lethe.pipeline.report.ComplianceFacts.SnapshotFacts;
import dev.lethe.unlearn.forget.ForgetRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.roaringbitmap.RoaringBitmap;

/**
 * Gathers the compliance report's facts. Checks that matter are recomputed independently of the
 * snapshot engine: minors from the members' birth dates, blocked regions from the policy text,
 * and every included member's decision is asked again.
 */
final class DemoFacts {

  private DemoFacts() {}

  /** Facts of one published snapshot. */
  static SnapshotFacts snapshot(SnapshotCatalog.Entry e, ConsentLedger ledger, Map<Integer, String> memberByNumber,
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

  static List<ObjectionFacts> objections(List<LedgerEvent> events) {
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
    out.sort((a, b) -> a.filedAt().compareTo(b.filedAt()));
    return out;
  }

  static List<ForgetFacts> forgets(List<ForgetRequest> requests, Function<String, String> commitment) {
    List<ForgetFacts> out = new ArrayList<>();
    for (ForgetRequest r : requests) {
      var outcome = r.outcome();
      long retrained = outcome == null ? 0 : outcome.replacements().stream().mapToLong(x -> x.recordsRetrained()).sum();
      long full = outcome == null ? 0 : outcome.replacements().stream().mapToLong(x -> x.recordsFullRetrain()).sum();
      String verification = r.status() == ForgetRequest.Status.PENDING ? "pending" : outcome != null && outcome.verified() ? "passed" : "failed";
      out.add(new ForgetFacts(r.id(), commitment.apply(r.member()), r.reason().word(), r.receivedAt(), r.deadline(),
          outcome == null ? null : outcome.completedAt(), verification, retrained, full));
    }
    out.sort((a, b) -> a.receivedAt().compareTo(b.receivedAt()));
    return out;
  }

  static ComplianceFacts facts(String title, Instant at, List<SnapshotFacts> snapshots, List<ObjectionFacts> objections,
      List<ForgetFacts> forgets, ComplianceFacts.AuditFacts audit) {
    return new ComplianceFacts(title, at, snapshots, objections, forgets, audit);
  }
}
