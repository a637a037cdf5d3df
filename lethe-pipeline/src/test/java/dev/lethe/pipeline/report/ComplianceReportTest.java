package dev.lethe.pipeline.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.report.ComplianceFacts.AuditFacts;
import dev.lethe.pipeline.report.ComplianceFacts.ForgetFacts;
import dev.lethe.pipeline.report.ComplianceFacts.ObjectionFacts;
import dev.lethe.pipeline.report.ComplianceFacts.SnapshotFacts;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ComplianceReportTest {

  static ComplianceFacts facts(long blockedRecords) {
    Map<String, Long> byRegion = new LinkedHashMap<>();
    byRegion.put("CH", 0L);
    byRegion.put("EEA", 0L);
    byRegion.put("UK", blockedRecords);
    byRegion.put("rest", 1200L);
    SnapshotFacts snapshot = new SnapshotFacts("abc123", "genai-training", Instant.parse("2024-12-01T00:00:00Z"), "2024-11-20",
        1200 + blockedRecords, new TreeMap<>(Map.of("jurisdiction-blocked", 800L, "minor", 40L, "withdrawn", 90L)),
        byRegion, List.of("CH", "EEA", "UK"), 0, 0, new TreeMap<>(Map.of("consented", 12L, "default-opt-out", 300L)),
        new TreeMap<>(Map.of("EMAIL_ADDRESS", 400L, "PERSON", 900L)));
    ObjectionFacts objection = new ObjectionFacts("obj-1<script>alert(1)</script>", "personalization",
        Instant.parse("2024-10-01T00:00:00Z"), Instant.parse("2024-11-01T00:00:00Z"), Instant.parse("2024-10-20T00:00:00Z"), "upheld");
    ForgetFacts forget = new ForgetFacts("fr-1", "hmac-sha256:0123456789abcdef0123456789abcdef", "erasure",
        Instant.parse("2024-11-02T00:00:00Z"), Instant.parse("2024-12-02T00:00:00Z"), Instant.parse("2024-11-03T00:00:00Z"),
        "passed", 300, 1200);
    return new ComplianceFacts("Lethe compliance report", Instant.parse("2024-12-15T00:00:00Z"), List.of(snapshot),
        List.of(objection), List.of(forget),
        new AuditFacts(42, "lethe.dev/audit/x\n42\nAAAA\n\n— lethe.dev/audit/x sig\n", "AAAA", "java -jar lethe-verify.jar bundle"));
  }

  @Test
  void theHtmlIsSelfContainedEscapedAndStatesTheChecks() {
    String html = ComplianceReport.html(facts(0));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "</html>");
    assertThat(html).doesNotContain("src=\"http", "href=\"http", "<script", "<link");
    assertThat(html).contains("obj-1&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(html).contains("UK (blocked)", "java -jar lethe-verify.jar bundle", "Records from blocked regions");
    assertThat(html).contains("class=\"ok\">0</b>Records from blocked regions");
  }

  @Test
  void aBlockedRegionWithRecordsIsFlagged() {
    String html = ComplianceReport.html(facts(5));
    assertThat(html).contains("class=\"bad\">5</b>Records from blocked regions");
    ObjectNode json = ComplianceReport.json(facts(5));
    assertThat(json.get("snapshots").get(0).get("blocked_regions_included").asLong()).isEqualTo(5);
  }

  @Test
  void theJsonCarriesTheSameFacts() {
    ObjectNode json = ComplianceReport.json(facts(0));
    assertThat(json.get("snapshots").get(0).get("minors_included").asLong()).isZero();
    assertThat(json.get("snapshots").get(0).get("excluded").get("withdrawn").asLong()).isEqualTo(90);
    assertThat(json.get("objections").get(0).get("on_time").asBoolean()).isTrue();
    assertThat(json.get("forget_requests").get(0).get("on_time").asBoolean()).isTrue();
    assertThat(json.get("forget_requests").get(0).get("verification").asText()).isEqualTo("passed");
    assertThat(json.get("audit").get("leaves").asLong()).isEqualTo(42);
  }

  @Test
  void anUndecidedObjectionWithinItsMonthIsCountedAsPendingNotAsDecided() {
    ComplianceFacts base = facts(0);
    Instant now = base.generatedAt(); // 2024-12-15
    List<ObjectionFacts> objections = List.of(
        base.objections().get(0), // decided on 2024-10-20, deadline 2024-11-01
        new ObjectionFacts("obj-late", "p", Instant.parse("2024-09-01T00:00:00Z"), Instant.parse("2024-10-01T00:00:00Z"),
            Instant.parse("2024-10-05T00:00:00Z"), "rejected"),
        new ObjectionFacts("obj-overdue", "p", Instant.parse("2024-10-01T00:00:00Z"), Instant.parse("2024-11-01T00:00:00Z"),
            null, null),
        new ObjectionFacts("obj-pending", "p", Instant.parse("2024-12-10T00:00:00Z"), Instant.parse("2025-01-10T00:00:00Z"),
            null, null));
    ComplianceFacts f = new ComplianceFacts(base.title(), now, base.snapshots(), objections, base.forgetRequests(), base.audit());

    String html = ComplianceReport.html(f);
    assertThat(html).contains("1 of 4 objections were decided within one month of filing (GDPR Art. 12(3)); 1 were decided"
        + " late; 1 are undecided past their deadline; 1 is awaiting a decision within the month.");
    assertThat(html).doesNotContain(">null<");
    ObjectNode json = ComplianceReport.json(f);
    assertThat(json.get("objections")).extracting(o -> o.get("status").asText())
        .containsExactly("decided-on-time", "decided-late", "overdue", "pending");
    assertThat(json.get("objections")).extracting(o -> o.get("on_time").isNull() ? "null" : o.get("on_time").asText())
        .containsExactly("true", "false", "false", "null");
  }
}
