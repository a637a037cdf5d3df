package dev.lethe.pipeline.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.report.ComplianceFacts.ForgetFacts;
import dev.lethe.pipeline.report.ComplianceFacts.ObjectionFacts;
import dev.lethe.pipeline.report.ComplianceFacts.SnapshotFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the compliance report a regulator reads: one self-contained HTML page (inline CSS and
 * SVG charts, no external assets, no script) and the same facts as JSON. Pure functions of the
 * facts; every text taken from data is escaped.
 */
public final class ComplianceReport {

  private static final String[] PALETTE = {"#b91c1c", "#c2410c", "#a16207", "#4d7c0f", "#0e7490", "#1d4ed8",
      "#6d28d9", "#be185d", "#57534e", "#0f766e", "#9a3412", "#3f6212", "#7e22ce", "#334155"};
  private static final String INCLUDED = "#15803d";

  private ComplianceReport() {}

  /** The report as JSON. */
  public static ObjectNode json(ComplianceFacts f) {
    JsonNodeFactory j = JsonNodeFactory.instance;
    ObjectNode o = j.objectNode();
    o.put("title", f.title());
    o.put("generated_at", Rfc3339.format(f.generatedAt()));
    ArrayNode snapshots = o.putArray("snapshots");
    for (SnapshotFacts s : f.snapshots()) {
      ObjectNode n = snapshots.addObject();
      n.put("snapshot", s.snapshot());
      n.put("purpose", s.purpose());
      n.put("as_of", Rfc3339.format(s.asOf()));
      n.put("policy_version", s.policyVersion());
      n.put("included", s.included());
      ObjectNode excluded = n.putObject("excluded");
      s.excluded().forEach(excluded::put);
      ObjectNode byRegion = n.putObject("included_by_region");
      s.includedByRegion().forEach(byRegion::put);
      ArrayNode blocked = n.putArray("blocked_regions");
      s.blockedRegions().forEach(blocked::add);
      n.put("blocked_regions_included", s.blockedRegions().stream().mapToLong(r -> s.includedByRegion().getOrDefault(r, 0L)).sum());
      n.put("minors_included", s.minorsIncluded());
      n.put("included_without_notice", s.withoutNotice());
      ObjectNode allowedBy = n.putObject("members_allowed_by");
      s.allowedBy().forEach(allowedBy::put);
      ObjectNode redactions = n.putObject("redactions");
      s.redactions().forEach(redactions::put);
    }
    ArrayNode objections = o.putArray("objections");
    for (ObjectionFacts ob : f.objections()) {
      ObjectNode n = objections.addObject();
      n.put("objection", ob.objection());
      n.put("purpose", ob.purpose());
      n.put("filed_at", Rfc3339.format(ob.filedAt()));
      n.put("deadline", Rfc3339.format(ob.deadline()));
      n.put("decided_at", ob.decidedAt() == null ? null : Rfc3339.format(ob.decidedAt()));
      n.put("outcome", ob.outcome());
      // Undecided within its month: not yet on time nor late, so neither true nor false.
      String status = ob.status(f.generatedAt());
      if (status.equals("pending")) {
        n.putNull("on_time");
      } else {
        n.put("on_time", status.equals("decided-on-time"));
      }
      n.put("status", status);
    }
    ArrayNode forgets = o.putArray("forget_requests");
    for (ForgetFacts r : f.forgetRequests()) {
      ObjectNode n = forgets.addObject();
      n.put("request", r.request());
      n.put("member", r.memberCommitment());
      n.put("reason", r.reason());
      n.put("received_at", Rfc3339.format(r.receivedAt()));
      n.put("deadline", Rfc3339.format(r.deadline()));
      n.put("completed_at", r.completedAt() == null ? null : Rfc3339.format(r.completedAt()));
      n.put("on_time", r.completedAt() != null && !r.completedAt().isAfter(r.deadline()));
      n.put("verification", r.verification());
      n.put("records_retrained", r.recordsRetrained());
      n.put("records_full_retrain", r.recordsFullRetrain());
    }
    ObjectNode audit = o.putObject("audit");
    audit.put("leaves", f.audit().leaves());
    audit.put("root", f.audit().rootBase64());
    audit.put("checkpoint", f.audit().checkpoint());
    audit.put("verify_command", f.audit().verifyCommand());
    return o;
  }

  /** The report as one self-contained HTML page. */
  public static String html(ComplianceFacts f) {
    StringBuilder h = new StringBuilder(32_768);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(esc(f.title())).append("</title><style>")
        .append("body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;color:#1c1917;padding:0 1rem}")
        .append("h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #e7e5e4;padding-bottom:.3rem}")
        .append("table{border-collapse:collapse;width:100%;margin:.6rem 0}th,td{border-bottom:1px solid #e7e5e4;padding:.3rem .5rem;text-align:left;font-variant-numeric:tabular-nums}")
        .append("th{background:#f5f5f4}td.n{text-align:right}.ok{color:#15803d;font-weight:600}.bad{color:#b91c1c;font-weight:600}")
        .append(".cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #e7e5e4;border-radius:8px;padding:.7rem 1rem;min-width:10rem}")
        .append(".card b{display:block;font-size:1.5rem}pre{background:#f5f5f4;padding:.8rem;overflow-x:auto;white-space:pre-wrap}")
        .append("svg text{font:12px system-ui,sans-serif}.muted{color:#57534e}</style></head><body>\n");
    h.append("<h1>").append(esc(f.title())).append("</h1>");
    h.append("<p class=\"muted\">Generated ").append(esc(Rfc3339.format(f.generatedAt())))
        .append(". Every figure below is recomputed from the consent ledger, the published snapshot manifests and the forget queue; ")
        .append("the audit checkpoint at the end lets anyone check that none of them was rewritten.</p>");
    summaryCards(h, f);
    snapshots(h, f);
    objections(h, f);
    forgetRequests(h, f);
    h.append("<h2 id=\"audit\">Audit log</h2><p>")
        .append(f.audit().leaves()).append(" leaves; latest signed checkpoint (C2SP signed note, Ed25519):</p><pre>")
        .append(esc(f.audit().checkpoint())).append("</pre><p>Check it independently — the verifier needs only the JDK:</p><pre>")
        .append(esc(f.audit().verifyCommand())).append("</pre>");
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void summaryCards(StringBuilder h, ComplianceFacts f) {
    long minors = f.snapshots().stream().mapToLong(SnapshotFacts::minorsIncluded).sum();
    long blocked = f.snapshots().stream()
        .mapToLong(s -> s.blockedRegions().stream().mapToLong(r -> s.includedByRegion().getOrDefault(r, 0L)).sum()).sum();
    long withoutNotice = f.snapshots().stream().mapToLong(SnapshotFacts::withoutNotice).sum();
    long verified = f.forgetRequests().stream().filter(r -> "passed".equals(r.verification())).count();
    long onTime = f.forgetRequests().stream().filter(r -> r.completedAt() != null && !r.completedAt().isAfter(r.deadline())).count();
    h.append("<div class=\"cards\">");
    card(h, "Snapshots", String.valueOf(f.snapshots().size()), true);
    card(h, "Records from blocked regions", String.valueOf(blocked), blocked == 0);
    card(h, "Minors in snapshots", String.valueOf(minors), minors == 0);
    card(h, "Members included without a valid decision", String.valueOf(withoutNotice), withoutNotice == 0);
    card(h, "Forget requests verified", verified + " / " + f.forgetRequests().size(), verified == f.forgetRequests().size());
    card(h, "Forgotten by the deadline", onTime + " / " + f.forgetRequests().size(), onTime == f.forgetRequests().size());
    h.append("</div>");
  }

  private static void card(StringBuilder h, String label, String value, boolean ok) {
    h.append("<div class=\"card\"><b class=\"").append(ok ? "ok" : "bad").append("\">").append(esc(value))
        .append("</b>").append(esc(label)).append("</div>");
  }

  private static void snapshots(StringBuilder h, ComplianceFacts f) {
    h.append("<h2 id=\"snapshots\">Training snapshots</h2>");
    List<String> reasons = new ArrayList<>();
    for (SnapshotFacts s : f.snapshots()) {
      s.excluded().keySet().stream().filter(r -> !reasons.contains(r)).forEach(reasons::add);
    }
    reasons.sort(null);
    // Chart 1: included vs excluded by reason, one stacked bar per snapshot.
    int rowHeight = 34;
    int width = 1000;
    int labelWidth = 230;
    long max = f.snapshots().stream().mapToLong(s -> s.included() + s.excluded().values().stream().mapToLong(Long::longValue).sum()).max().orElse(1);
    int height = f.snapshots().size() * rowHeight + 30 + ((reasons.size() + 1 + 2) / 3) * 18;
    h.append("<figure><svg role=\"img\" aria-label=\"Records included and excluded by reason, per snapshot\" width=\"100%\" viewBox=\"0 0 ")
        .append(width).append(' ').append(height).append("\">");
    int y = 10;
    for (SnapshotFacts s : f.snapshots()) {
      h.append("<text x=\"0\" y=\"").append(y + 16).append("\">").append(esc(s.purpose() + " @ " + s.asOf().toString().substring(0, 10))).append("</text>");
      double x = labelWidth;
      x = bar(h, x, y, s.included(), max, width - labelWidth - 10, INCLUDED, "included: " + s.included());
      for (String reason : reasons) {
        long n = s.excluded().getOrDefault(reason, 0L);
        x = bar(h, x, y, n, max, width - labelWidth - 10, color(reasons.indexOf(reason)), reason + ": " + n);
      }
      y += rowHeight;
    }
    legend(h, y + 6, "included", INCLUDED, 0);
    for (int i = 0; i < reasons.size(); i++) {
      legend(h, y + 6 + ((i + 1) / 3) * 18, "excluded: " + reasons.get(i), color(i), (i + 1) % 3);
    }
    h.append("</svg><figcaption>Records included (green) and excluded, by the first rule that excluded them.</figcaption></figure>");

    for (SnapshotFacts s : f.snapshots()) {
      h.append("<h3>").append(esc(s.purpose())).append(" as of ").append(esc(Rfc3339.format(s.asOf())))
          .append("</h3><p class=\"muted\">Snapshot <code>").append(esc(s.snapshot())).append("</code>, policy version <code>")
          .append(esc(String.valueOf(s.policyVersion()))).append("</code>.</p>");
      h.append("<table><tr><th>Check</th><th>Value</th></tr>");
      row(h, "Records included", s.included(), true);
      row(h, "Members under the minimum age included", s.minorsIncluded(), s.minorsIncluded() == 0);
      long blocked = s.blockedRegions().stream().mapToLong(r -> s.includedByRegion().getOrDefault(r, 0L)).sum();
      h.append("<tr><td>Records from blocked regions (").append(esc(String.join(", ", s.blockedRegions()))).append(")</td><td class=\"")
          .append(blocked == 0 ? "ok" : "bad").append("\">").append(blocked).append("</td></tr>");
      row(h, "Members included whose decision, asked again, is not allowed (e.g. no timely notice)", s.withoutNotice(), s.withoutNotice() == 0);
      s.allowedBy().forEach((reason, n) -> row(h, "Members allowed: " + reason, n, true));
      h.append("</table>");
      regionChart(h, s);
      h.append("<table><tr><th>Excluded because</th><th>Records</th></tr>");
      s.excluded().forEach((reason, n) -> h.append("<tr><td>").append(esc(reason)).append("</td><td class=\"n\">").append(n).append("</td></tr>"));
      h.append("</table><table><tr><th>Personal data redacted (entity)</th><th>Spans</th></tr>");
      s.redactions().forEach((type, n) -> h.append("<tr><td>").append(esc(type)).append("</td><td class=\"n\">").append(n).append("</td></tr>"));
      h.append("</table>");
    }
  }

  private static void regionChart(StringBuilder h, SnapshotFacts s) {
    long max = Math.max(1, s.includedByRegion().values().stream().mapToLong(Long::longValue).max().orElse(1));
    int width = 1000;
    int rowHeight = 24;
    int height = s.includedByRegion().size() * rowHeight + 10;
    h.append("<figure><svg role=\"img\" aria-label=\"Included records by region\" width=\"100%\" viewBox=\"0 0 ")
        .append(width).append(' ').append(height).append("\">");
    int y = 4;
    for (Map.Entry<String, Long> e : s.includedByRegion().entrySet()) {
      boolean blocked = s.blockedRegions().contains(e.getKey());
      h.append("<text x=\"0\" y=\"").append(y + 14).append("\">").append(esc(e.getKey() + (blocked ? " (blocked)" : ""))).append("</text>");
      double end = bar(h, 230, y, e.getValue(), max, 640, blocked ? "#b91c1c" : INCLUDED, e.getKey() + ": " + e.getValue());
      h.append("<text x=\"").append(String.format(Locale.ROOT, "%.1f", end + 6)).append("\" y=\"").append(y + 14).append("\">")
          .append(e.getValue()).append("</text>");
      y += rowHeight;
    }
    h.append("</svg><figcaption>Included records by region group; blocked regions must show 0.</figcaption></figure>");
  }

  private static void objections(StringBuilder h, ComplianceFacts f) {
    h.append("<h2 id=\"objections\">Objections</h2>");
    if (f.objections().isEmpty()) {
      h.append("<p>No objections were filed.</p>");
      return;
    }
    // Undecided objections within their month are neither decided nor late: counted apart, so the
    // sentence never calls them decided.
    Map<String, Long> byStatus = new java.util.TreeMap<>();
    f.objections().forEach(o -> byStatus.merge(o.status(f.generatedAt()), 1L, Long::sum));
    h.append("<p>").append(byStatus.getOrDefault("decided-on-time", 0L)).append(" of ").append(f.objections().size())
        .append(" objections were decided within one month of filing (GDPR Art. 12(3))");
    long late = byStatus.getOrDefault("decided-late", 0L);
    long overdue = byStatus.getOrDefault("overdue", 0L);
    long pending = byStatus.getOrDefault("pending", 0L);
    if (late > 0) {
      h.append("; ").append(late).append(" were decided late");
    }
    if (overdue > 0) {
      h.append("; ").append(overdue).append(" are undecided past their deadline");
    }
    if (pending > 0) {
      h.append("; ").append(pending).append(pending == 1 ? " is" : " are").append(" awaiting a decision within the month");
    }
    h.append(".</p>");
    h.append("<table><tr><th>Objection</th><th>Purpose</th><th>Filed</th><th>Deadline</th><th>Decided</th><th>Outcome</th><th>Days</th></tr>");
    for (ObjectionFacts o : f.objections()) {
      String status = o.status(f.generatedAt());
      String mark = status.equals("decided-on-time") ? "ok" : status.equals("pending") ? "pending" : "bad";
      h.append("<tr><td>").append(esc(o.objection())).append("</td><td>").append(esc(o.purpose())).append("</td><td>")
          .append(day(o.filedAt())).append("</td><td>").append(day(o.deadline())).append("</td><td>")
          .append(o.decidedAt() == null ? "pending" : day(o.decidedAt())).append("</td><td>").append(o.outcome() == null ? "–" : esc(o.outcome()))
          .append("</td><td class=\"n ").append(mark).append("\">")
          .append(o.decidedAt() == null ? "–" : String.valueOf(Duration.between(o.filedAt(), o.decidedAt()).toDays())).append("</td></tr>");
    }
    h.append("</table>");
  }

  private static void forgetRequests(StringBuilder h, ComplianceFacts f) {
    h.append("<h2 id=\"forgetting\">Forget requests</h2>");
    if (f.forgetRequests().isEmpty()) {
      h.append("<p>No forget requests.</p>");
      return;
    }
    h.append("<p>Each request retrains only the shards holding the member and is verified: the unlearned model equals a model ")
        .append("trained from scratch without the member, the member's content is in no shard, and planted canaries are no longer exposed.</p>");
    h.append("<table><tr><th>Request</th><th>Member (commitment)</th><th>Reason</th><th>Received</th><th>Deadline</th><th>Completed</th>")
        .append("<th>Verification</th><th>Records retrained / full</th></tr>");
    for (ForgetFacts r : f.forgetRequests()) {
      boolean onTime = r.completedAt() != null && !r.completedAt().isAfter(r.deadline());
      h.append("<tr><td>").append(esc(r.request())).append("</td><td><code>").append(esc(abbreviate(r.memberCommitment())))
          .append("</code></td><td>").append(esc(r.reason())).append("</td><td>").append(day(r.receivedAt())).append("</td><td>")
          .append(day(r.deadline())).append("</td><td class=\"").append(onTime ? "ok" : "bad").append("\">")
          .append(r.completedAt() == null ? "pending" : day(r.completedAt())).append("</td><td class=\"")
          .append("passed".equals(r.verification()) ? "ok" : "bad").append("\">").append(esc(r.verification()))
          .append("</td><td class=\"n\">").append(r.recordsRetrained()).append(" / ").append(r.recordsFullRetrain()).append("</td></tr>");
    }
    h.append("</table>");
  }

  private static double bar(StringBuilder h, double x, int y, long value, long max, int width, String color, String title) {
    double w = value == 0 ? 0 : Math.max(1.0, width * (double) value / max);
    if (w > 0) {
      h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"><title>%s</title></rect>",
          x, y, w, color, esc(title)));
    }
    return x + w;
  }

  private static void legend(StringBuilder h, int y, String label, String color, int column) {
    int x = 230 + column * 250;
    h.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"12\" height=\"12\" fill=\"").append(color)
        .append("\"/><text x=\"").append(x + 16).append("\" y=\"").append(y + 11).append("\">").append(esc(label)).append("</text>");
  }

  private static void row(StringBuilder h, String label, long value, boolean ok) {
    h.append("<tr><td>").append(esc(label)).append("</td><td class=\"").append(ok ? "ok" : "bad").append("\">").append(value).append("</td></tr>");
  }

  private static String color(int i) {
    return PALETTE[i % PALETTE.length];
  }

  private static String day(Instant t) {
    return esc(t.toString().substring(0, 10));
  }

  private static String abbreviate(String commitment) {
    return commitment.length() > 28 ? commitment.substring(0, 28) + "…" : commitment;
  }

  /** HTML-escapes text for element content and attribute values. */
  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
