package dev.lethe.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;

/** Renders a {@link VerificationReport} for people (short text) or for scripts (JSON). */
final class ReportPrinter {

  private ReportPrinter() {}

  static void printText(VerificationReport report, PrintStream out) {
    out.println("lethe-verify " + report.bundle() + ": "
        + (report.verified() ? "VERIFIED" : "FAILED"));
    if (report.key() != null) {
      out.println("  key:          " + report.key() + " (" + report.keySource() + ")");
    }
    if (report.leaves() != null) {
      out.println("  leaves:       " + report.leaves());
    }
    out.println("  checkpoints:  " + report.checkpoints());
    Checkpoint latest = report.latest();
    if (latest != null) {
      out.println("  latest size:  " + latest.size());
      out.println("  latest root:  " + Encodings.base64(latest.root()) + " (hex "
          + Encodings.hex(latest.root()) + ")");
    }
    Long uncovered = report.leavesAfterLatestCheckpoint();
    if (uncovered != null && uncovered > 0) {
      out.println("  note:         " + uncovered + " leaf/leaves after the latest checkpoint are "
          + "not covered by any signature");
    }
    for (CheckResult check : report.checks()) {
      out.printf("  %-7s %-15s %s%n", check.status(), check.name(), check.detail());
    }
    out.println("  time:         " + report.elapsedMillis() + " ms");
  }

  static void printJson(VerificationReport report, PrintStream out) {
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("bundle", report.bundle());
    json.put("verified", report.verified());
    json.put("keySource", report.keySource());
    json.put("key", report.key());
    json.put("origin", report.origin());
    json.put("leaves", report.leaves());
    json.put("checkpoints", report.checkpoints());
    Checkpoint latest = report.latest();
    if (latest == null) {
      json.putNull("latest");
    } else {
      ObjectNode node = json.putObject("latest");
      node.put("size", latest.size());
      node.put("root", Encodings.base64(latest.root()));
      node.put("rootHex", Encodings.hex(latest.root()));
    }
    json.put("leavesAfterLatestCheckpoint", report.leavesAfterLatestCheckpoint());
    json.put("firstTamperedLeaf", report.firstTamperedLeaf());
    ArrayNode checks = json.putArray("checks");
    for (CheckResult check : report.checks()) {
      ObjectNode node = checks.addObject();
      node.put("name", check.name());
      node.put("status", check.status().name());
      node.put("detail", check.detail());
      if (check.leafIndex() != null) {
        node.put("leaf", check.leafIndex());
      }
    }
    ArrayNode failures = json.putArray("failures");
    report.failures().forEach(f -> failures.add(f.detail()));
    json.put("elapsedMillis", report.elapsedMillis());
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain values always serializes", e);
    }
  }
}
