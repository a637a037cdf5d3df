package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.event.Source;
import dev.lethe.store.StoredEvent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/** The REST API under {@code /v1}; its contract is {@code /openapi.json}. */
final class ApiRoutes {

  private final Auth auth;
  private final MemberService members;
  private final AdminService admin;
  private final AuditService audit;

  ApiRoutes(Auth auth, MemberService members, AdminService admin, AuditService audit) {
    this.auth = auth;
    this.members = members;
    this.admin = admin;
    this.audit = audit;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/members/{id}/settings", ctx -> {
      String id = member(ctx, false);
      Json.write(ctx, settingsJson(id, members.settings(id)));
    });
    routes.put("/v1/members/{id}/settings/{purpose}", ctx -> {
      Principal p = auth.api(ctx);
      String id = member(ctx, true);
      String choice = Json.text(Json.body(ctx), "choice");
      Source source = p.role() == Role.ADMIN ? Source.ADMIN : Source.API;
      Json.write(ctx, settingJson(members.choose(id, ctx.pathParam("purpose"), choice, source)));
    });
    routes.get("/v1/members/{id}/history", ctx -> {
      String id = member(ctx, false);
      ObjectNode o = Json.object();
      o.put("member", id);
      ArrayNode events = o.putArray("events");
      for (StoredEvent e : members.history(id)) {
        events.addObject().put("seq", e.seq()).put("leaf_index", e.leafIndex()).set("event", e.json());
      }
      Json.write(ctx, o);
    });
    routes.post("/v1/members/{id}/objections", ctx -> {
      String id = member(ctx, true);
      ObjectNode body = Json.body(ctx);
      Json.write(ctx, 201, members.object(id, Json.text(body, "purpose"), Json.text(body, "reason")));
    });
    routes.get("/v1/members/{id}/objections", ctx -> {
      String id = member(ctx, false);
      ObjectNode o = Json.object();
      ArrayNode list = o.putArray("objections");
      members.objections(id).forEach(list::add);
      Json.write(ctx, o);
    });
    routes.get("/v1/members/{id}/data-usage", ctx -> Json.write(ctx, members.dataUsage(member(ctx, false))));
    routes.get("/v1/members/{id}/receipts", ctx -> {
      String id = member(ctx, false);
      ObjectNode o = Json.object();
      o.put("member", id);
      o.set("receipts", members.receipts(id));
      if ("1".equals(ctx.queryParam("download"))) {
        ctx.header("Content-Disposition", "attachment; filename=\"consent-receipts.json\"");
      }
      Json.write(ctx, o);
    });
    routes.post("/v1/members/{id}/erasure", ctx -> {
      ObjectNode result = members.erase(member(ctx, true));
      Json.write(ctx, result.get("created").asBoolean() ? 202 : 200, result);
    });
    routes.get("/v1/members/{id}/ai-signals", ctx -> {
      ObjectNode signals = members.aiSignals(member(ctx, false));
      signals.get("headers").fields().forEachRemaining(h -> ctx.header(h.getKey(), h.getValue().asText()));
      Json.write(ctx, signals);
    });

    routes.get("/v1/admin/policies", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, admin.policies());
    });
    routes.post("/v1/admin/policies/preview", ctx -> {
      requireRole(ctx, true);
      Json.write(ctx, admin.preview(Json.body(ctx).get("policy")));
    });
    routes.post("/v1/admin/policies", ctx -> {
      requireRole(ctx, true);
      Json.write(ctx, 201, admin.publish(Json.body(ctx).get("policy")));
    });
    routes.get("/v1/admin/outbox", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, admin.outbox());
    });
    routes.post("/v1/admin/outbox/send", ctx -> {
      requireRole(ctx, true);
      Json.write(ctx, admin.sendNotices());
    });
    routes.get("/v1/admin/objections", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, admin.objections());
    });
    routes.post("/v1/admin/objections/{objection}/decision", ctx -> {
      requireRole(ctx, true);
      ObjectNode body = Json.body(ctx);
      Json.write(ctx, admin.decideObjection(ctx.pathParam("objection"), Json.text(body, "outcome"), Json.text(body, "justification")));
    });
    routes.get("/v1/admin/forget-queue", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, admin.forgetQueue());
    });
    routes.post("/v1/admin/forget/run", ctx -> {
      requireRole(ctx, true);
      Json.write(ctx, admin.runForgetting());
    });

    routes.get("/v1/audit/log", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, audit.leaves(longParam(ctx, "from", 0), (int) longParam(ctx, "limit", 50)));
    });
    routes.get("/v1/audit/checkpoints", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, audit.checkpoints());
    });
    routes.get("/v1/audit/keys", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, audit.keys());
    });
    routes.get("/v1/audit/proofs/{leaf}", ctx -> {
      requireRole(ctx, false);
      long leaf = parseLong(ctx.pathParam("leaf"), "leaf");
      String size = ctx.queryParam("tree_size");
      Json.write(ctx, audit.proof(leaf, size == null ? null : parseLong(size, "tree_size")));
    });
    routes.get("/v1/audit/snapshots", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, audit.snapshots());
    });
    routes.get("/v1/audit/snapshots/{snapshot}", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, audit.manifest(ctx.pathParam("snapshot")));
    });
    routes.get("/v1/audit/models", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, audit.models());
    });
    routes.get("/v1/audit/report", ctx -> {
      requireRole(ctx, false);
      Json.write(ctx, audit.report());
    });
  }

  /**
   * The member the path names, after checking the caller may read it (or change it, for {@code
   * write}); records the caller's GPC signal when a member's browser sends one.
   */
  private String member(Context ctx, boolean write) {
    Principal p = auth.api(ctx);
    String id = ctx.pathParam("id");
    if (write ? !p.mayChange(id) : !p.mayRead(id)) {
      throw ProblemException.forbidden(
          p.role() == Role.AUDITOR ? "auditors can only read" : "members can only see and change their own data");
    }
    if (p.role() == Role.MEMBER && "1".equals(ctx.header("Sec-GPC"))) {
      members.recordGpc(p.member());
    }
    return id;
  }

  /** Admin routes: reads for admins and auditors, changes for admins only. */
  private void requireRole(Context ctx, boolean write) {
    Principal p = auth.api(ctx);
    boolean ok = p.role() == Role.ADMIN || (!write && p.role() == Role.AUDITOR);
    if (!ok) {
      throw ProblemException.forbidden(p.role() == Role.AUDITOR ? "auditors can only read" : "this needs the admin or auditor role");
    }
  }

  private static long longParam(Context ctx, String name, long fallback) {
    String v = ctx.queryParam(name);
    return v == null ? fallback : parseLong(v, name);
  }

  private static long parseLong(String v, String name) {
    if (v.length() > 18 || !v.matches("[0-9]+")) {
      throw ProblemException.badRequest("invalid-parameter", name + " must be a non-negative integer");
    }
    return Long.parseLong(v);
  }

  static ObjectNode settingsJson(String member, List<MemberService.Setting> settings) {
    ObjectNode o = Json.object();
    o.put("member", member);
    ArrayNode list = o.putArray("settings");
    settings.forEach(s -> list.add(settingJson(s)));
    return o;
  }

  static ObjectNode settingJson(MemberService.Setting s) {
    ObjectNode o = Json.object();
    o.put("purpose", s.purpose());
    o.put("title", s.definition().title());
    o.put("offered", s.offered());
    o.put("allowed", s.decision().allowed());
    o.put("reason", s.decision().reason().word());
    o.put("rule", s.rule().word());
    o.put("policy_version", s.decision().policyVersion());
    if (s.latestChoice() == null) {
      o.putNull("choice");
      o.putNull("choice_at");
    } else {
      o.put("choice", s.latestChoice().choice().word());
      o.put("choice_at", Rfc3339.format(s.latestChoice().at()));
    }
    o.put("explanation", MemberService.explain(s, s.country()));
    return o;
  }
}
