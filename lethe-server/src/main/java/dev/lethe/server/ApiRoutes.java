package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.event.Source;
import dev.lethe.store.StoredEvent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /** Who may make a call: a member's own data, or the admin and audit views. */
  private enum Access {
    /** The member themself, or an admin; never an auditor, who verifies compliance without members' personal data. */
    MEMBER_READ,
    /** The member themself, or an admin. */
    MEMBER_WRITE,
    /** Admins and auditors. */
    ADMIN_READ,
    /** Admins only. */
    ADMIN_WRITE
  }

  /**
   * One checked API call, handed to a route's handler.
   *
   * @param principal the caller
   * @param query the query parameters, each at most once, only those the route takes
   * @param body the request body (only the route's fields, each present), {@code null} for routes that take none
   */
  private record Call(Principal principal, Map<String, String> query, ObjectNode body) {}

  @FunctionalInterface
  private interface CallHandler {
    void handle(Context ctx, Call call) throws Exception;
  }

  /** How a route is called: who may, the query parameters it takes and the body's fields ({@code null}: no body). */
  private record Spec(Access access, List<String> query, String[] fields) {
    static Spec of(Access access, String... query) {
      return new Spec(access, List.of(query), null);
    }

    Spec body(String... bodyFields) {
      return new Spec(access, query, bodyFields);
    }
  }

  void register(RoutesConfig routes) {
    get(routes, "/v1/members/{id}/settings", Spec.of(Access.MEMBER_READ), (ctx, call) -> {
      String id = ctx.pathParam("id");
      Json.write(ctx, settingsJson(id, members.settings(id)));
    });
    routes.put("/v1/members/{id}/settings/{purpose}", checked(Spec.of(Access.MEMBER_WRITE).body("choice"), (ctx, call) -> {
      String choice = Json.text(call.body(), "choice");
      Source source = call.principal().role() == Role.ADMIN ? Source.ADMIN : Source.API;
      Json.write(ctx, settingJson(members.choose(ctx.pathParam("id"), ctx.pathParam("purpose"), choice, source)));
    }));
    get(routes, "/v1/members/{id}/history", Spec.of(Access.MEMBER_READ), (ctx, call) -> {
      String id = ctx.pathParam("id");
      ObjectNode o = Json.object();
      o.put("member", id);
      ArrayNode events = o.putArray("events");
      for (StoredEvent e : members.history(id)) {
        events.addObject().put("seq", e.seq()).put("leaf_index", e.leafIndex()).set("event", e.json());
      }
      Json.write(ctx, o);
    });
    routes.post("/v1/members/{id}/objections", checked(Spec.of(Access.MEMBER_WRITE).body("purpose", "reason"), (ctx, call) ->
        Json.write(ctx, 201, members.object(ctx.pathParam("id"), Json.text(call.body(), "purpose"), Json.text(call.body(), "reason")))));
    get(routes, "/v1/members/{id}/objections", Spec.of(Access.MEMBER_READ), (ctx, call) -> {
      ObjectNode o = Json.object();
      ArrayNode list = o.putArray("objections");
      members.objections(ctx.pathParam("id")).forEach(list::add);
      Json.write(ctx, o);
    });
    get(routes, "/v1/members/{id}/data-usage", Spec.of(Access.MEMBER_READ), (ctx, call) -> Json.write(ctx, members.dataUsage(ctx.pathParam("id"))));
    get(routes, "/v1/members/{id}/receipts", Spec.of(Access.MEMBER_READ, "download"), (ctx, call) -> {
      String download = call.query().get("download");
      if (download != null && !download.equals("1")) {
        throw ProblemException.badRequest("invalid-parameter", "download must be 1 (or left out)");
      }
      String id = ctx.pathParam("id");
      ObjectNode o = Json.object();
      o.put("member", id);
      o.set("receipts", members.receipts(id));
      if (download != null) {
        ctx.header("Content-Disposition", "attachment; filename=\"consent-receipts.json\"");
      }
      Json.write(ctx, o);
    });
    // No body: a body here (say {"confirm":false}) is refused rather than ignored, as erasure cannot be undone.
    routes.post("/v1/members/{id}/erasure", checked(Spec.of(Access.MEMBER_WRITE), (ctx, call) -> {
      ObjectNode result = members.erase(ctx.pathParam("id"));
      Json.write(ctx, result.get("created").asBoolean() ? 202 : 200, result);
    }));
    get(routes, "/v1/members/{id}/ai-signals", Spec.of(Access.MEMBER_READ), (ctx, call) -> {
      ObjectNode signals = members.aiSignals(ctx.pathParam("id"));
      signals.get("headers").fields().forEachRemaining(h -> ctx.header(h.getKey(), h.getValue().asText()));
      Json.write(ctx, signals);
    });

    get(routes, "/v1/admin/policies", Spec.of(Access.ADMIN_READ), (ctx, call) -> Json.write(ctx, admin.policies()));
    routes.post("/v1/admin/policies/preview", checked(Spec.of(Access.ADMIN_WRITE).body("policy"), (ctx, call) ->
        Json.write(ctx, admin.preview(call.body().get("policy")))));
    routes.post("/v1/admin/policies", checked(Spec.of(Access.ADMIN_WRITE).body("policy"), (ctx, call) ->
        Json.write(ctx, 201, admin.publish(call.body().get("policy")))));
    get(routes, "/v1/admin/outbox", Spec.of(Access.ADMIN_READ, "from", "limit"), (ctx, call) -> Json.write(ctx, admin.outbox(page(call))));
    routes.post("/v1/admin/outbox/send", checked(Spec.of(Access.ADMIN_WRITE), (ctx, call) -> Json.write(ctx, admin.sendNotices())));
    get(routes, "/v1/admin/objections", Spec.of(Access.ADMIN_READ, "from", "limit"), (ctx, call) -> Json.write(ctx, admin.objections(page(call))));
    routes.post("/v1/admin/objections/{objection}/decision", checked(Spec.of(Access.ADMIN_WRITE).body("outcome", "justification"), (ctx, call) ->
        Json.write(ctx, admin.decideObjection(ctx.pathParam("objection"), Json.text(call.body(), "outcome"), Json.text(call.body(), "justification")))));
    get(routes, "/v1/admin/forget-queue", Spec.of(Access.ADMIN_READ, "from", "limit"), (ctx, call) -> Json.write(ctx, admin.forgetQueue(page(call))));
    routes.post("/v1/admin/forget/run", checked(Spec.of(Access.ADMIN_WRITE), (ctx, call) -> Json.write(ctx, admin.runForgetting())));

    get(routes, "/v1/audit/log", Spec.of(Access.ADMIN_READ, "from", "limit"), (ctx, call) -> {
      String from = call.query().get("from");
      String limit = call.query().get("limit");
      long start = from == null ? 0 : parseLong(from, "from");
      long count = limit == null ? 50 : parseLimit(limit, AuditService.MAX_PAGE);
      Json.write(ctx, audit.leaves(start, (int) count));
    });
    get(routes, "/v1/audit/checkpoints", Spec.of(Access.ADMIN_READ), (ctx, call) -> Json.write(ctx, audit.checkpoints()));
    get(routes, "/v1/audit/keys", Spec.of(Access.ADMIN_READ), (ctx, call) -> Json.write(ctx, audit.keys()));
    get(routes, "/v1/audit/proofs/{leaf}", Spec.of(Access.ADMIN_READ, "tree_size"), (ctx, call) -> {
      long leaf = parseLong(ctx.pathParam("leaf"), "leaf");
      String size = call.query().get("tree_size");
      Json.write(ctx, audit.proof(leaf, size == null ? null : parseLong(size, "tree_size")));
    });
    get(routes, "/v1/audit/snapshots", Spec.of(Access.ADMIN_READ), (ctx, call) -> Json.write(ctx, audit.snapshots()));
    get(routes, "/v1/audit/snapshots/{snapshot}", Spec.of(Access.ADMIN_READ), (ctx, call) -> Json.write(ctx, audit.manifest(ctx.pathParam("snapshot"))));
    get(routes, "/v1/audit/models", Spec.of(Access.ADMIN_READ), (ctx, call) -> Json.write(ctx, audit.models()));
    get(routes, "/v1/audit/report", Spec.of(Access.ADMIN_READ), (ctx, call) -> Json.write(ctx, audit.report()));
  }

  private void get(RoutesConfig routes, String path, Spec spec, CallHandler handler) {
    routes.get(path, checked(spec, handler));
  }

  /**
   * The route's handler behind every check, in this order so that each refusal changes nothing:
   * the caller (401) and their right to the call (403), the query parameters (400), the body
   * (415, 400, 422); only then is a member's GPC signal recorded and the handler run.
   */
  private Handler checked(Spec spec, CallHandler handler) {
    return ctx -> {
      Principal p = auth.api(ctx);
      authorize(ctx, p, spec.access());
      Map<String, String> query = query(ctx, spec.query());
      ObjectNode body = null;
      if (spec.fields() == null) {
        Json.noBody(ctx);
      } else {
        body = Json.body(ctx, spec.fields());
      }
      if ((spec.access() == Access.MEMBER_READ || spec.access() == Access.MEMBER_WRITE)
          && p.role() == Role.MEMBER && "1".equals(ctx.header("Sec-GPC"))) {
        members.recordGpc(p.member());
      }
      handler.handle(ctx, new Call(p, query, body));
    };
  }

  private static void authorize(Context ctx, Principal p, Access access) {
    switch (access) {
      case MEMBER_READ, MEMBER_WRITE -> {
        String id = ctx.pathParam("id");
        if (p.role() == Role.AUDITOR) {
          throw ProblemException.forbidden("auditors do not read members' personal data: the audit log, its proofs, the snapshots "
              + "and the compliance report under /v1/audit show whether consent is honoured without it");
        }
        boolean ok = access == Access.MEMBER_READ ? p.mayRead(id) : p.mayChange(id);
        if (!ok) {
          throw ProblemException.forbidden("members can only see and change their own data");
        }
      }
      case ADMIN_READ, ADMIN_WRITE -> {
        boolean ok = p.role() == Role.ADMIN || (access == Access.ADMIN_READ && p.role() == Role.AUDITOR);
        if (!ok) {
          throw ProblemException.forbidden(p.role() == Role.AUDITOR ? "auditors can only read" : "this needs the admin or auditor role");
        }
      }
    }
  }

  /**
   * The query parameters, read from the raw query string so that nothing is guessed: a
   * parameter the route does not take, one given twice, or a malformed %-escape is a 400 naming
   * it (a misspelled {@code ?size=6} must not answer for the whole tree).
   */
  static Map<String, String> query(Context ctx, List<String> accepted) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = ctx.queryString();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&", -1)) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = decode(eq < 0 ? part : part.substring(0, eq));
      String value = eq < 0 ? "" : decode(part.substring(eq + 1));
      if (!accepted.contains(name)) {
        throw ProblemException.badRequest("unknown-parameter", "unknown query parameter \"" + name + "\": "
            + (accepted.isEmpty() ? "this address takes no query parameters" : "this address takes " + Json.quoted(accepted)));
      }
      if (out.put(name, value) != null) {
        throw ProblemException.badRequest("repeated-parameter", "query parameter \"" + name + "\" is given more than once");
      }
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest("malformed-parameter", "the query string has a malformed %-escape");
    }
  }

  private static long parseLimit(String v, int max) {
    // One message for every bad limit (-5, 0, 501, "x"), naming the range.
    if (v.length() > 9 || !v.matches("[0-9]+") || Long.parseLong(v) < 1 || Long.parseLong(v) > max) {
      throw ProblemException.badRequest("invalid-parameter", "limit must be an integer from 1 to " + max);
    }
    return Long.parseLong(v);
  }

  /** The page of an admin list the query asks for ({@code from}, {@code limit}); the first page by default; a 400 if malformed. */
  private static AdminService.Page page(Call call) {
    String from = call.query().get("from");
    String limit = call.query().get("limit");
    return new AdminService.Page(from == null ? 0 : parseLong(from, "from"),
        limit == null ? AdminService.DEFAULT_PAGE : (int) parseLimit(limit, AdminService.MAX_PAGE));
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
