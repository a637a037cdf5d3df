package dev.lethe.server;

import static dev.lethe.server.Html.csrfField;
import static dev.lethe.server.Html.esc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.LedgerEvent.ConsentSet;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.event.Source;
import dev.lethe.store.StoredEvent;
import dev.lethe.unlearn.forget.Retirements;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Server-rendered pages for members, admins and auditors. Every form works without JavaScript
 * (the one script only saves a switch when flipped); every control has a label; errors come back
 * as a page with the problem's text.
 */
final class Pages {

  /** Leaves per page of the audit log. */
  private static final int LOG_PAGE = 50;

  private final Auth auth;
  private final MemberService members;
  private final AdminService admin;
  private final AuditService audit;

  Pages(Auth auth, MemberService members, AdminService admin, AuditService audit) {
    this.auth = auth;
    this.members = members;
    this.admin = admin;
    this.audit = audit;
  }

  void register(RoutesConfig routes) {
    routes.get("/", ctx -> {
      Principal p = auth.page(ctx);
      ctx.redirect(p == null ? "/login" : home(p));
    });
    routes.get("/login", ctx -> ctx.html(loginPage("1".equals(ctx.queryParam("expired")) ? SESSION_EXPIRED : null, null)));
    routes.post("/login", this::login);
    routes.post("/logout", ctx -> {
      requireCsrf(ctx);
      ctx.cookie(new Cookie(Auth.COOKIE, "", "/", 0, false, true, null, SameSite.STRICT));
      ctx.redirect("/login", HttpStatus.SEE_OTHER);
    });

    routes.get("/privacy", ctx -> {
      Principal p = require(ctx, Role.MEMBER);
      gpc(ctx, p);
      ctx.html(privacyPage(ctx, p, null));
    });
    routes.post("/privacy/settings/{purpose}", ctx -> {
      Principal p = require(ctx, Role.MEMBER);
      requireCsrf(ctx);
      // A ticked box sends "on"; an unticked one sends nothing. Anything else is not a browser's form.
      String enabled = ctx.formParam("enabled");
      if (enabled != null && !enabled.equals("on")) {
        throw ProblemException.unprocessable("invalid-choice", "the switch's value must be \"on\" or absent (switched off)");
      }
      String purpose = ctx.pathParam("purpose");
      MemberService.Chosen chosen = members.record(p.member(), purpose, enabled == null ? "withdraw" : "grant", Source.SETTINGS);
      String state = (chosen.changed() ? "" : "already-") + (enabled == null ? "off" : "on");
      ctx.redirect("/privacy?saved=" + urlPart(purpose) + "&result=" + state + "#" + toggleId(purpose), HttpStatus.SEE_OTHER);
    });
    routes.post("/privacy/objections", ctx -> {
      Principal p = require(ctx, Role.MEMBER);
      requireCsrf(ctx);
      ObjectionDraft draft = new ObjectionDraft(nonNull(ctx.formParam("purpose")), nonNull(ctx.formParam("reason")), null);
      try {
        members.object(p.member(), draft.purpose(), draft.reason());
      } catch (ProblemException e) {
        // The page again, with what the member wrote and why it was not sent: nothing typed is lost.
        formRefused(ctx, e);
        ctx.html(privacyPage(ctx, p, new ObjectionDraft(draft.purpose(), draft.reason(), e.detail())));
        return;
      }
      ctx.redirect("/privacy#objections", HttpStatus.SEE_OTHER);
    });
    routes.post("/privacy/erasure", ctx -> {
      Principal p = require(ctx, Role.MEMBER);
      requireCsrf(ctx);
      if (!"yes".equals(ctx.formParam("confirm"))) {
        throw ProblemException.unprocessable("not-confirmed", "tick the box to confirm that you want your data erased");
      }
      members.erase(p.member());
      ctx.redirect("/privacy#erasure", HttpStatus.SEE_OTHER);
    });
    routes.get("/privacy/receipts.json", ctx -> {
      Principal p = require(ctx, Role.MEMBER);
      ObjectNode o = Json.object();
      o.put("member", p.member());
      o.set("receipts", members.receipts(p.member()));
      ctx.header("Content-Disposition", "attachment; filename=\"consent-receipts.json\"");
      Json.write(ctx, o);
    });

    routes.get("/admin", ctx -> ctx.html(adminPage(ctx, require(ctx, Role.ADMIN), null, null, null)));
    routes.post("/admin/policies/preview", ctx -> {
      Principal p = require(ctx, Role.ADMIN);
      requireCsrf(ctx);
      String text = nonNull(ctx.formParam("policy"));
      ObjectNode preview;
      try {
        preview = admin.preview(parse(text));
      } catch (ProblemException e) {
        // The form again with the admin's text and what is wrong with it, not a bare error.
        formRefused(ctx, e);
        ctx.html(adminPage(ctx, p, text, null, e.detail()));
        return;
      }
      ctx.html(adminPage(ctx, p, text, preview, null));
    });
    routes.post("/admin/policies", ctx -> {
      Principal p = require(ctx, Role.ADMIN);
      requireCsrf(ctx);
      String text = nonNull(ctx.formParam("policy"));
      try {
        admin.publish(parse(text));
      } catch (ProblemException e) {
        formRefused(ctx, e);
        ctx.html(adminPage(ctx, p, text, null, e.detail()));
        return;
      }
      ctx.redirect("/admin#policies", HttpStatus.SEE_OTHER);
    });
    routes.post("/admin/outbox/send", ctx -> {
      require(ctx, Role.ADMIN);
      requireCsrf(ctx);
      admin.sendNotices();
      ctx.redirect("/admin#outbox", HttpStatus.SEE_OTHER);
    });
    routes.post("/admin/objections/{objection}/decision", ctx -> {
      Principal p = require(ctx, Role.ADMIN);
      requireCsrf(ctx);
      DecisionDraft draft = new DecisionDraft(ctx.pathParam("objection"), nonNull(ctx.formParam("outcome")),
          nonNull(ctx.formParam("justification")), null);
      try {
        admin.decideObjection(draft.objection(), draft.outcome(), draft.justification());
      } catch (ProblemException e) {
        // The page again with the admin's text in that objection's form, and why it was not recorded.
        formRefused(ctx, e);
        ctx.html(adminPage(ctx, p, null, null, null, new DecisionDraft(draft.objection(), draft.outcome(), draft.justification(),
            e.detail())));
        return;
      }
      long from = rowParam(ctx, OBJECTIONS_FROM);
      ctx.redirect("/admin" + (from > 0 ? "?" + OBJECTIONS_FROM + "=" + from : "") + "#objections", HttpStatus.SEE_OTHER);
    });

    routes.post("/admin/forget/run", ctx -> {
      require(ctx, Role.ADMIN);
      requireCsrf(ctx);
      admin.runForgetting();
      ctx.redirect("/admin#forget", HttpStatus.SEE_OTHER);
    });

    routes.get("/audit", ctx -> {
      Principal p = auth.page(ctx);
      if (p == null || p.role() == Role.MEMBER) {
        require(ctx, Role.AUDITOR);
      }
      ctx.html(auditPage(ctx, p));
    });
    routes.get("/audit/report", ctx -> {
      Principal p = auth.page(ctx);
      if (p == null || p.role() == Role.MEMBER) {
        require(ctx, Role.AUDITOR);
      }
      // The report is a self-contained document with its own inline style and no script; the
      // site-wide policy forbids inline styles, so this page gets one allowing exactly that.
      ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
          + "frame-ancestors 'none'; form-action 'none'; base-uri 'none'");
      ctx.html(audit.reportHtml());
    });
    routes.get("/audit/snapshots/{snapshot}", ctx -> {
      Principal p = auth.page(ctx);
      if (p == null || p.role() == Role.MEMBER) {
        require(ctx, Role.AUDITOR);
      }
      String id = ctx.pathParam("snapshot");
      AuditService.ManifestPage page = audit.manifestPage(id);
      ctx.html(Html.page("Snapshot " + id, p, auth.csrf(ctx), snapshotStatus(page) + "<pre>" + esc(page.manifest().toPrettyString()) + "</pre>"));
    });
  }

  private static String home(Principal p) {
    return switch (p.role()) {
      case MEMBER -> "/privacy";
      case ADMIN -> "/admin";
      case AUDITOR -> "/audit";
    };
  }

  private void login(Context ctx) {
    String token = nonNull(ctx.formParam("token")).trim();
    Principal p;
    try {
      p = auth.verify(token);
    } catch (Tokens.InvalidTokenException e) {
      ctx.status(401).html(loginPage(sentence(e.getMessage()) + " " + TOKEN_HINT, null));
      ctx.attribute(Problems.WRITTEN, Boolean.TRUE);
      return;
    }
    // HttpOnly and SameSite=Strict: scripts cannot read the session and other sites cannot send it.
    ctx.cookie(new Cookie(Auth.COOKIE, token, "/", -1, ctx.scheme().equals("https"), true, null, SameSite.STRICT));
    ctx.redirect(home(p), HttpStatus.SEE_OTHER);
  }

  /** What the sign-in page says when a session's token is no longer accepted. */
  static final String SESSION_EXPIRED = "Your session has expired; sign in again.";

  /** Where a new token comes from. */
  static final String TOKEN_HINT = "Get a new access token from your platform account (or, on the server, with"
      + " lethe token) and paste it below.";

  /**
   * The sign-in page; with {@code error}, why signing in is needed or failed; with {@code typed},
   * text from a form that was not sent (its session had expired), shown so that it is not lost.
   */
  private static String loginPage(String error, String typed) {
    StringBuilder b = new StringBuilder();
    if (error != null) {
      b.append("<p class=\"error\" role=\"alert\" id=\"login-error\">").append(esc(error))
          .append(error.equals(SESSION_EXPIRED) ? " " + esc(TOKEN_HINT) : "").append("</p>");
    }
    if (typed != null && !typed.isBlank()) {
      b.append("<div class=\"notice\" id=\"unsent\"><p>What you sent was <strong>not saved</strong>. Copy your text before you sign in,")
          .append(" then send it again:</p><p><label for=\"unsent-text\">Your text (not sent)</label><br>")
          .append("<textarea id=\"unsent-text\" rows=\"4\" readonly>").append(esc(typed)).append("</textarea></p></div>");
    }
    b.append("<form method=\"post\" action=\"/login\">")
        .append("<p><label for=\"token\">Access token</label><br>")
        .append("<textarea id=\"token\" name=\"token\" rows=\"4\" required autocomplete=\"off\"></textarea></p>")
        .append("<p><button type=\"submit\">Sign in</button></p></form>")
        .append("<p>Tokens come from your platform account, or from <code>lethe token</code> on the server.</p>");
    return Html.page("Sign in", null, "", b.toString());
  }

  /** The signed-in visitor with the role, or a redirect to the login page / a 403. */
  private Principal require(Context ctx, Role role) {
    Principal p = auth.page(ctx);
    if (p == null) {
      String cookie = ctx.cookie(Auth.COOKIE);
      boolean expired = cookie != null && !cookie.isEmpty();
      if (expired && ctx.method() == io.javalin.http.HandlerType.POST) {
        // A form sent without a valid session: say so on the sign-in page and keep what was typed,
        // rather than a redirect that drops it.
        String typed = ctx.formParam("reason") != null ? ctx.formParam("reason") : ctx.formParam("justification");
        ctx.status(401).html(loginPage(SESSION_EXPIRED, typed));
        ctx.attribute(Problems.WRITTEN, Boolean.TRUE);
        throw new SignedOut();
      }
      ctx.redirect(expired ? "/login?expired=1" : "/login");
      throw new SignedOut();
    }
    if (p.role() != role) {
      throw ProblemException.forbidden("this page is for the " + role.word() + " role, and you are signed in with the "
          + p.role().word() + " role");
    }
    return p;
  }

  /** Thrown after a redirect to the login page: nothing more to write. */
  static final class SignedOut extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SignedOut() {
      super(null, null, false, false);
    }
  }

  private void requireCsrf(Context ctx) {
    if (!auth.csrfValid(ctx)) {
      throw ProblemException.forbidden("the form's security token is missing or stale: reload the page and try again");
    }
  }

  private void gpc(Context ctx, Principal p) {
    if ("1".equals(ctx.header("Sec-GPC"))) {
      members.recordGpc(p.member());
    }
  }

  private static String nonNull(String v) {
    if (v == null) {
      throw ProblemException.unprocessable("missing-field", "a required form field is missing");
    }
    return v;
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      // Where, not Jackson's message: that quotes the input back and names parser internals.
      String where = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw ProblemException.badRequest("malformed-json", "the policy is not valid JSON" + where);
    }
  }

  /** A form the server refused and shows again: its status, and no error handler writes over it. */
  private static void formRefused(Context ctx, ProblemException e) {
    ctx.status(e.status());
    ctx.attribute(Problems.WRITTEN, Boolean.TRUE);
  }

  /** An objection the member sent that was refused, shown again in the form with why. */
  private record ObjectionDraft(String purpose, String reason, String error) {}

  /** The id of a purpose's switch on the member's page. */
  static String toggleId(String purpose) {
    return "toggle-" + purpose.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  // ------------------------------------------------------------------ errors

  private static final List<String> PAGE_ROOTS = List.of("/login", "/logout", "/privacy", "/admin", "/audit");

  /** The server's routes for programs rather than people (besides {@code /v1}): their errors stay problems unless HTML is asked for. */
  private static final List<String> MACHINE_ROOTS = List.of("/health", "/metrics", "/openapi.json", "/.well-known", "/assets");

  /** Whether the path is one of the pages' routes (as opposed to {@code /v1}, assets and the like). */
  static boolean isPagePath(String path) {
    return path.equals("/") || PAGE_ROOTS.stream().anyMatch(r -> path.equals(r) || path.startsWith(r + "/"));
  }

  /**
   * Whether an error on this request is answered with an HTML page rather than a problem
   * document ({@link #answersWithPage(String, String)} of its path and Accept header).
   */
  static boolean answersWithPage(Context ctx) {
    return answersWithPage(ctx.path(), ctx.header("Accept"));
  }

  /**
   * Whether an error is answered with an HTML page rather than a problem document, by route
   * first: the API under {@code /v1} always gets problem JSON; the routes for programs
   * ({@code /health}, {@code /metrics}, {@code /openapi.json}, {@code /.well-known/…}, assets)
   * get a page only when the client accepts HTML; every other path, the pages' routes and
   * addresses that match no route alike (a mistyped page, say), gets a page unless the client
   * asks for JSON and not HTML (a script).
   *
   * @param path the request's path
   * @param accept the request's Accept header, or null
   */
  static boolean answersWithPage(String path, String accept) {
    boolean html = accept != null && (accept.contains("text/html") || accept.contains("application/xhtml+xml"));
    if (path.equals("/v1") || path.startsWith("/v1/")) {
      return false;
    }
    if (MACHINE_ROOTS.stream().anyMatch(r -> path.equals(r) || path.startsWith(r + "/"))) {
      return html;
    }
    return html || accept == null || !accept.contains("json");
  }

  /**
   * Writes an error as a page: the status kept, a heading in plain words, the problem's detail as
   * a sentence, and a link back to the page the request came from (or the visitor's own page).
   */
  void errorPage(Context ctx, int status, String detail) {
    Principal p = auth.page(ctx);
    String[] back = backLink(ctx, p);
    ctx.attribute(Problems.WRITTEN, Boolean.TRUE);
    ctx.status(status).html(errorDocument(status, detail, p, p == null ? "" : auth.csrf(ctx), back[0], back[1]));
  }

  /**
   * The error page's HTML, as {@link #errorPage} writes it; also what Jetty's own errors (requests
   * refused before any route sees them) answer on the pages' routes, there without a visitor
   * ({@code who} null) and with a link to the start page.
   */
  static String errorDocument(int status, String detail, Principal who, String csrf, String backHref, String backText) {
    StringBuilder b = new StringBuilder();
    b.append("<p class=\"error\" role=\"alert\" id=\"error-detail\">").append(esc(sentence(detail))).append("</p>");
    if (status == 403 && detail.contains("security token")) {
      b.append("<p>This happens when a page was open for a long time or you signed in again in another tab. Nothing was changed.</p>");
    } else if (status < 500) {
      b.append("<p>Nothing was changed.</p>");
    }
    b.append("<p><a id=\"error-back\" href=\"").append(esc(backHref)).append("\">").append(esc(backText)).append("</a></p>")
        .append("<p class=\"status\">HTTP status ").append(status).append("</p>");
    return Html.page(errorTitle(status), who, csrf, b.toString());
  }

  private static String errorTitle(int status) {
    return switch (status) {
      case 400 -> "That request was not valid";
      case 401 -> "Please sign in";
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 405 -> "Not available this way";
      case 409 -> "That could not be done now";
      case 413, 414, 431 -> "Too much was sent";
      case 422 -> "That could not be accepted";
      default -> status >= 500 ? "Something went wrong on our side" : "That request could not be completed";
    };
  }

  /** Where "back" goes: the section of the page the request came from, if the visitor may see it; else their own page. */
  private static String[] backLink(Context ctx, Principal p) {
    if (p == null) {
      return new String[] {"/login", "Sign in"};
    }
    String[] parts = ctx.path().split("/", 4);
    String page = parts.length > 1 ? parts[1] : "";
    String sub = parts.length > 2 ? parts[2] : "";
    boolean allowed = switch (page) {
      case "privacy" -> p.role() == Role.MEMBER;
      case "admin" -> p.role() == Role.ADMIN;
      case "audit" -> p.role() != Role.MEMBER;
      default -> false;
    };
    if (!allowed) {
      return new String[] {home(p), "Go to " + homeName(p)};
    }
    String fragment = switch (page + "/" + sub) {
      case "privacy/settings", "privacy/objections", "privacy/erasure", "admin/policies", "admin/outbox", "admin/objections",
          "admin/forget", "audit/snapshots" -> "#" + sub;
      case "audit/" -> ctx.queryParam("leaf") != null ? "#proof" : ctx.queryParam("from") != null ? "#log" : "";
      default -> "";
    };
    String name = switch (page) {
      case "privacy" -> "Data privacy";
      case "admin" -> "Administration";
      default -> "Audit";
    };
    return new String[] {"/" + page + fragment, "Back to " + name};
  }

  private static String homeName(Principal p) {
    return switch (p.role()) {
      case MEMBER -> "your Data privacy page";
      case ADMIN -> "Administration";
      case AUDITOR -> "Audit";
    };
  }

  /** A problem's detail without a final full stop, to go inside a sentence. */
  private static String clause(String detail) {
    return detail != null && detail.endsWith(".") ? detail.substring(0, detail.length() - 1) : String.valueOf(detail);
  }

  /** A problem's detail ("the x is missing") as a sentence ("The x is missing."). */
  static String sentence(String detail) {
    if (detail == null || detail.isBlank()) {
      return "";
    }
    String s = Character.toUpperCase(detail.charAt(0)) + detail.substring(1);
    return s.endsWith(".") || s.endsWith("!") || s.endsWith("?") ? s : s + ".";
  }

  // ------------------------------------------------------------------ member

  private String privacyPage(Context ctx, Principal p, ObjectionDraft draft) {
    String csrf = auth.csrf(ctx);
    String m = p.member();
    StringBuilder b = new StringBuilder();
    if (draft != null) {
      b.append("<p class=\"error\" role=\"alert\" id=\"objection-refused\">Your objection was not sent: ")
          .append(esc(clause(draft.error()))).append(". <a href=\"#objection-reason\">Your text is kept in the form below.</a></p>");
    }
    b.append("<section id=\"settings\" aria-labelledby=\"settings-h\"><h2 id=\"settings-h\">Your settings</h2>");
    List<MemberService.Setting> settings = members.settings(m);
    Map<String, String> titles = new HashMap<>();
    settings.forEach(s -> titles.put(s.purpose(), s.definition().title() != null ? s.definition().title() : s.purpose()));
    Instant erasedAt = members.erasureRequestedAt(m);
    boolean erased = erasedAt != null;
    if (settings.isEmpty()) {
      b.append("<p>No data-use policy is in force yet.</p>");
    }
    if (erased) {
      b.append("<p class=\"notice\" id=\"settings-erased\">You asked for your data to be erased on ").append(when(erasedAt))
          .append(", so your data is no longer used for any purpose and there is nothing left to switch.</p>");
    }
    // After a save (a redirect here), a status message says what happened, and focus goes back to the switch.
    String saved = ctx.queryParam("saved");
    String result = ctx.queryParam("result");
    String focus = null;
    if (saved != null && result != null && titles.containsKey(saved) && !erased) {
      String words = switch (result) {
        case "on" -> "Saved: " + title(titles, saved) + " is now on.";
        case "off" -> "Saved: " + title(titles, saved) + " is now off.";
        case "already-on" -> "No change: " + title(titles, saved) + " was already on.";
        case "already-off" -> "No change: " + title(titles, saved) + " was already off.";
        default -> null;
      };
      if (words != null) {
        b.append("<p class=\"notice\" role=\"status\" id=\"settings-status\">").append(esc(words)).append("</p>");
        focus = saved;
      }
    }
    for (MemberService.Setting s : settings) {
      String title = s.definition().title() != null ? s.definition().title() : s.purpose();
      String id = toggleId(s.purpose());
      String explanation = MemberService.explain(s, s.country());
      b.append("<h3>").append(esc(title)).append("</h3>");
      if (s.offered() && !erased) {
        b.append("<form method=\"post\" class=\"setting\" action=\"/privacy/settings/").append(esc(urlPart(s.purpose()))).append("\">")
            .append(csrfField(csrf))
            .append("<label for=\"").append(id).append("\">").append(esc(title)).append("</label>")
            .append("<input type=\"checkbox\" role=\"switch\" data-autosubmit id=\"").append(id)
            .append("\" name=\"enabled\" value=\"on\" aria-describedby=\"").append(id).append("-why\"")
            .append(s.decision().allowed() ? " checked" : "").append(s.purpose().equals(focus) ? " autofocus" : "").append(">")
            .append("<p id=\"").append(id).append("-why\">").append(esc(explanation)).append("</p>")
            .append("<p><button type=\"submit\">Save</button></p></form>");
      } else {
        b.append("<p class=\"notice\" id=\"").append(id).append("-why\">").append(esc(explanation)).append("</p>");
      }
    }
    b.append("</section>");

    b.append("<section id=\"where\" aria-labelledby=\"where-h\"><h2 id=\"where-h\">Where is my data?</h2>");
    ObjectNode usage = members.dataUsage(m);
    boolean complete = usage.get("complete").asBoolean();
    if (!complete) {
      // Never an unqualified "none": snapshots in a directory that could not be read may hold the member's content.
      // The member is told how many, not the server's paths (the auditor pages name them).
      int gaps = usage.get("unreachable_root_count").asInt();
      int lost = usage.get("missing_snapshot_count").asInt();
      List<String> what = new ArrayList<>();
      if (gaps > 0) {
        what.add(gaps == 1 ? "one directory of training data snapshots" : gaps + " directories of training data snapshots");
      }
      if (lost > 0) {
        what.add(lost == 1 ? "one training data snapshot" : lost + " training data snapshots");
      }
      b.append("<p class=\"error\" id=\"where-incomplete\" role=\"alert\">This answer is incomplete: ")
          .append(String.join(" and ", what))
          .append(" could not be read just now, and may hold your content too. Please check again later.</p>");
    }
    if (usage.get("snapshots").isEmpty()) {
      b.append(complete ? "<p>None of your content is in a training data snapshot.</p>"
          : "<p>None of your content is in the training data snapshots that could be read.</p>");
    } else {
      b.append("<table id=\"snapshots\"><caption>Training data snapshots holding your content</caption><thead><tr><th scope=\"col\">Snapshot</th>")
          .append("<th scope=\"col\">Used for</th><th scope=\"col\">Data as of</th><th scope=\"col\">Stored in</th></tr></thead><tbody>");
      for (JsonNode s : usage.get("snapshots")) {
        b.append("<tr><td>").append(esc(s.get("snapshot").asText())).append("</td><td>").append(esc(title(titles, s.get("purpose").asText())))
            .append("</td><td>").append(when(s.get("as_of"))).append("</td><td>").append(esc(parts(s.get("shards")))).append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    b.append("<h3>Trained models</h3>");
    if (usage.get("models").isEmpty()) {
      b.append("<p>No trained model used your content.</p>");
    } else {
      b.append("<table id=\"models\"><caption>Models trained on your content</caption><thead><tr><th scope=\"col\">Model</th>")
          .append("<th scope=\"col\">Trained from</th><th scope=\"col\">How</th><th scope=\"col\">Status</th></tr></thead><tbody>");
      for (JsonNode mo : usage.get("models")) {
        b.append("<tr><td><code>").append(esc(mo.get("model").asText())).append("</code></td><td>")
            .append(esc(title(titles, mo.get("purpose").asText()))).append(" training data as of ").append(when(mo.get("as_of")))
            .append("</td><td>").append(esc(origin(mo.get("origin").asText()))).append("</td><td>")
            .append(esc(modelStatus(mo.get("status").asText()))).append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    b.append("<h3>Forget requests</h3>");
    if (usage.get("forget_requests").isEmpty()) {
      b.append("<p>No forget requests. Erasing your data, or switching a purpose off where its policy says so, makes one.</p>");
    } else {
      b.append("<table id=\"forget-requests\"><caption>Requests to remove your data from training data and models</caption><thead><tr>")
          .append("<th scope=\"col\">Why</th><th scope=\"col\">Received</th><th scope=\"col\">Due by</th><th scope=\"col\">Status</th></tr></thead><tbody>");
      for (JsonNode f : usage.get("forget_requests")) {
        b.append("<tr id=\"forget-").append(esc(f.get("id").asText())).append("\"><td>").append(esc(cause(f, titles)))
            .append("</td><td>").append(when(f.get("requested_at")))
            .append("</td><td>").append(when(f.get("deadline"))).append("</td><td>").append(forgetStatus(f));
        // A request completed and then found undone says so, and why, rather than only "pending".
        int n = 0;
        for (JsonNode ro : f.path("reopenings")) {
          b.append("<p class=\"reopening\" id=\"forget-").append(esc(f.get("id").asText())).append("-reopening-").append(++n)
              .append("\">").append(esc(ro.get("explanation").asText())).append("</p>");
        }
        b.append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    b.append("</section>");

    b.append("<section id=\"history\" aria-labelledby=\"history-h\"><h2 id=\"history-h\">History</h2>")
        .append("<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">What</th></tr></thead><tbody>");
    for (StoredEvent e : members.history(m)) {
      b.append("<tr><td>").append(when(e.event().at())).append("</td><td>").append(esc(describe(e, titles))).append("</td></tr>");
    }
    b.append("</tbody></table>")
        .append("<p><a href=\"/privacy/receipts.json\" download>Download your consent receipts (JSON, Kantara Consent Receipt v1.1)</a></p></section>");

    b.append("<section id=\"objections\" aria-labelledby=\"objections-h\"><h2 id=\"objections-h\">Object to a use of your data</h2>");
    List<ObjectNode> objections = members.objections(m);
    if (!objections.isEmpty()) {
      b.append("<table id=\"your-objections\"><caption>Your objections</caption><thead><tr><th scope=\"col\">Purpose</th><th scope=\"col\">Reason</th>")
          .append("<th scope=\"col\">Sent</th><th scope=\"col\">Answer</th></tr></thead><tbody>");
      for (ObjectNode o : objections) {
        b.append("<tr id=\"objection-").append(esc(o.get("objection").asText())).append("\"><td>")
            .append(esc(title(titles, o.get("purpose").asText()))).append("</td><td>").append(esc(o.get("reason").asText()))
            .append("</td><td>").append(when(o.get("filed_at"))).append("</td><td>").append(objectionAnswer(o)).append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    List<MemberService.Setting> objectable = settings.stream().filter(s -> s.definition().objectable()).toList();
    if (erased) {
      b.append("<p class=\"notice\" id=\"objections-erased\">You asked for your data to be erased, so it is no longer used for any")
          .append(" purpose and there is nothing left to object to.</p>");
    } else if (objectable.isEmpty()) {
      b.append("<p>No purpose in the current policy takes objections; use the settings above.</p>");
    } else {
      b.append("<form method=\"post\" action=\"/privacy/objections\">").append(csrfField(csrf));
      if (draft != null) {
        b.append("<p class=\"error\" id=\"objection-error\">").append(esc(sentence(draft.error()))).append("</p>");
      }
      b.append("<p><label for=\"objection-purpose\">Purpose</label><br><select id=\"objection-purpose\" name=\"purpose\">");
      for (MemberService.Setting s : objectable) {
        b.append("<option value=\"").append(esc(s.purpose())).append("\"")
            .append(draft != null && s.purpose().equals(draft.purpose()) ? " selected" : "").append(">")
            .append(esc(title(titles, s.purpose()))).append("</option>");
      }
      b.append("</select></p><p><label for=\"objection-reason\">Your reasons</label><br>")
          .append("<textarea id=\"objection-reason\" name=\"reason\" rows=\"4\" maxlength=\"").append(MemberService.MAX_REASON)
          .append("\" required").append(draft != null ? " aria-invalid=\"true\" aria-describedby=\"objection-error\"" : "").append(">")
          .append(draft != null ? esc(draft.reason()) : "").append("</textarea></p><p><button type=\"submit\">Send objection</button></p></form>")
          .append("<p>We answer within one month.</p>");
    }
    b.append("</section>");

    b.append("<section id=\"erasure\" aria-labelledby=\"erasure-h\"><h2 id=\"erasure-h\">Erase my data</h2>");
    if (erased) {
      b.append("<p class=\"notice\">You asked for your data to be erased. It is no longer used, and will be removed from training data and models. ")
          .append("What you wrote (posts, objection reasons) is erased from our records and shows as [erased]; ")
          .append("the dates and choices above stay as the record of what we did with your data. Your name is replaced by a ")
          .append("coded fingerprint that cannot be read back, kept only so that we can keep removing your name from what ")
          .append("other members write about you before it is used for training.</p>");
    } else {
      b.append("<form method=\"post\" action=\"/privacy/erasure\">").append(csrfField(csrf))
          .append("<p><input type=\"checkbox\" id=\"erasure-confirm\" name=\"confirm\" value=\"yes\" required> ")
          .append("<label for=\"erasure-confirm\">I want my data erased. This cannot be undone.</label></p>")
          .append("<p><button type=\"submit\">Request erasure</button></p></form>");
    }
    b.append("</section>");
    return Html.page("Data privacy", p, csrf, b.toString());
  }

  private static String modelStatus(String status) {
    return switch (status) {
      case "forgetting-pending" -> "will be retrained without your data";
      case "forgetting-failed" -> "retraining without your data failed; the administrators have it in their queue";
      default -> "in use";
    };
  }

  /** How a model was made, in words: lethe-unlearn's origins ({@code scratch}, {@code retrained-shards}, {@code fine-tune}). */
  private static String origin(String origin) {
    return switch (origin) {
      case "scratch" -> "trained on the whole snapshot";
      case "retrained-shards" -> "retrained after other data was removed from the snapshot (only the changed parts were trained again)";
      case "fine-tune" -> "trained further from another model";
      default -> origin;
    };
  }

  /** Why a forget request was made, in words. */
  private static String cause(JsonNode f, Map<String, String> titles) {
    JsonNode purpose = f.get("purpose");
    String what = purpose == null || purpose.isNull() ? "every use of your data" : title(titles, purpose.asText());
    return switch (f.get("cause").asText()) {
      case "erasure" -> "You asked for your data to be erased";
      case "withdrawal" -> "You switched off " + what;
      case "region-blocked" -> what + " is not allowed where you live";
      case "manual" -> "An administrator asked for it";
      default -> f.get("cause").asText();
    };
  }

  /**
   * A forget request's status as HTML: pending with the days left, or done with what was removed.
   * Says a model was retrained only when one was, and that nothing needed removing only when the
   * run's counts say so: none of the member's data held ({@code nothing_held}), or held only in
   * snapshots made after the member allowed the use again ({@code only_left_alone}).
   */
  private static String forgetStatus(JsonNode f) {
    return switch (f.get("status").asText()) {
      case "completed" -> {
        StringBuilder b = new StringBuilder("Done on ").append(when(f.get("completed_at")));
        int snapshots = f.path("snapshots_rebuilt").asInt(0);
        int models = f.path("models_retrained").asInt(0);
        int leftAlone = f.path("snapshots_left_alone").asInt(0);
        if (f.path("nothing_held").asBoolean(false)) {
          b.append(": none of your data was in any training data snapshot or model; nothing needed removing.");
        } else if (f.path("only_left_alone").asBoolean(false)) {
          b.append(". Nothing needed removing: you allowed this use again before ")
              .append(leftAlone == 1 ? "the training data snapshot holding your data was made, so it was left as it is."
                  : "the " + leftAlone + " training data snapshots holding your data were made, so they were left as they are.");
        } else if (snapshots > 0) {
          b.append(": removed from ").append(count(snapshots, "training data snapshot", "training data snapshots")).append("; ");
          if (models == 0) {
            b.append(snapshots == 1 ? "no model had been trained on it." : "no model had been trained on them.");
          } else {
            b.append(models == 1 ? "the model" : "the " + models + " models").append(" trained on ").append(snapshots == 1 ? "it" : "them")
                .append(models == 1 ? " was" : " were").append(" retrained without your data and checked against ")
                .append(models == 1 ? "a model" : "models").append(" trained without it from the start.");
          }
          if (leftAlone > 0) {
            b.append(' ').append(leftAlone == 1 ? "1 other training data snapshot, made after you allowed this use again, was"
                : leftAlone + " other training data snapshots, made after you allowed this use again, were").append(" left as ")
                .append(leftAlone == 1 ? "it is." : "they are.");
          }
        } else {
          b.append('.');
        }
        yield b.toString();
      }
      case "failed" -> "could not be completed yet; the administrators have it in their queue";
      default -> (f.path("reopened").asBoolean(false) ? "found undone on a re-check; being removed again, " : "pending, ")
          + days(f.get("days_left").asLong());
    };
  }

  /** A snapshot's shards holding the member, in words: "part 55", "parts 3 and 55". */
  private static String parts(JsonNode shards) {
    List<String> numbers = new ArrayList<>();
    shards.forEach(n -> numbers.add(n.asText()));
    if (numbers.size() == 1) {
      return "part " + numbers.get(0);
    }
    String last = numbers.isEmpty() ? "" : numbers.remove(numbers.size() - 1);
    return "parts " + String.join(", ", numbers) + " and " + last;
  }

  private static String title(Map<String, String> titles, String purpose) {
    return titles.getOrDefault(purpose, purpose);
  }

  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("d MMMM uuuu, HH:mm 'UTC'", Locale.ENGLISH)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  /**
   * An instant for people, as HTML: to the minute in UTC, or the day alone at midnight (as-of
   * days, deadlines of midnight requests), in a {@code time} element carrying it to the second.
   */
  static String when(Instant at) {
    Instant s = at.truncatedTo(ChronoUnit.SECONDS);
    String words = (s.getEpochSecond() % 86_400 == 0 ? DAY : MINUTE).format(s);
    return "<time datetime=\"" + s + "\">" + esc(words) + "</time>";
  }

  /** {@link #when(Instant)} of an RFC 3339 value from a JSON answer; empty for null. */
  private static String when(JsonNode rfc3339) {
    return rfc3339 == null || rfc3339.isNull() ? "" : when(Rfc3339.parseInstant(rfc3339.asText()));
  }

  private static final DateTimeFormatter ADMIN_MINUTE = DateTimeFormatter.ofPattern("d MMM uuuu HH:mm 'UTC'", Locale.ENGLISH)
      .withZone(ZoneOffset.UTC);

  /**
   * A timestamp of an admin's table, as HTML: to the minute in UTC ("24 Nov 2026 21:05 UTC") in a
   * {@code time} element whose {@code datetime} keeps the exact value as the API gives it; empty
   * for null, and a value that is not RFC 3339 is shown as it is (escaped) rather than dropped.
   */
  static String stamp(JsonNode rfc3339) {
    if (rfc3339 == null || rfc3339.isNull() || rfc3339.asText().isEmpty()) {
      return "";
    }
    String raw = rfc3339.asText();
    Instant at;
    try {
      at = Rfc3339.parseInstant(raw);
    } catch (RuntimeException notAnInstant) {
      return esc(raw);
    }
    return "<time datetime=\"" + esc(raw) + "\">" + esc(ADMIN_MINUTE.format(at)) + "</time>";
  }

  /** A day in words, as plain text ("3 March 2025"), for sentences in problems and notices. */
  static String day(Instant at) {
    return DAY.format(at);
  }

  private static String days(long left) {
    return left < 0 ? "overdue by " + (-left) + " days" : left + " days left";
  }

  /** An event of the member's history in plain words, purposes by their titles. */
  private static String describe(StoredEvent e, Map<String, String> titles) {
    if (e.event() instanceof ConsentSet c) {
      String how = switch (c.source()) {
        case SETTINGS -> " in your settings";
        case API -> " in the app";
        case ADMIN -> " by an administrator";
        case IMPORT -> " (from earlier records)";
      };
      return (c.choice() == dev.lethe.core.event.Choice.GRANT ? "Switched on " : "Switched off ") + title(titles, c.purpose()) + how;
    }
    return switch (e.event().type()) {
      case MEMBER_REGISTERED -> "Account created";
      case MEMBER_MOVED -> "Country of residence changed to " + MemberService.countryName(e.json().path("country").asText());
      case MEMBER_CLOSED -> "Account closed";
      case NOTICE_SENT -> "Told about the data-use policy of " + e.json().path("policy_version").asText();
      case GPC_SIGNAL -> "Global Privacy Control signal received from your browser";
      case OBJECTION_FILED -> "Objection sent about " + title(titles, e.json().path("purpose").asText());
      case OBJECTION_DECIDED -> "upheld".equals(e.json().path("outcome").asText()) ? "Your objection was upheld"
          : "Your objection was not upheld";
      case ERASURE_REQUESTED -> "Erasure requested";
      case CONTENT_POSTED -> "Posted " + e.json().path("kind").asText();
      case CONTENT_DELETED -> "Deleted content";
      default -> e.event().type().word();
    };
  }

  /**
   * The answer to an objection for the member, as HTML: awaiting it (with when it is due), or
   * the decision in words with its date and the administrator's justification.
   */
  private static String objectionAnswer(JsonNode o) {
    String status = o.get("status").asText();
    if (status.equals("pending")) {
      long days = o.get("days_left").asLong();
      return "Awaiting an answer, due by " + when(o.get("deadline")) + (days < 0 ? " <strong>(overdue)</strong>" : "");
    }
    StringBuilder b = new StringBuilder(status.equals("upheld")
        ? "<strong>Upheld</strong> on " + when(o.get("decided_at")) + ": your data is no longer used for this purpose."
        : "<strong>Not upheld</strong> on " + when(o.get("decided_at")) + ": this use of your data continues.");
    if (o.hasNonNull("justification")) {
      b.append("<br>Why: ").append(esc(o.get("justification").asText()));
    }
    return b.toString();
  }

  private static String urlPart(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ------------------------------------------------------------------ admin

  /**
   * The admin page; with {@code policyText}, the policy form holds it, and with {@code
   * policyError} (a refused preview or publication) the form says what is wrong with it.
   */
  private String adminPage(Context ctx, Principal p, String policyText, ObjectNode preview, String policyError) {
    return adminPage(ctx, p, policyText, preview, policyError, null);
  }

  /** An objection decision the admin sent that was refused, shown again in its form with why. */
  private record DecisionDraft(String objection, String outcome, String justification, String error) {}

  private String adminPage(Context ctx, Principal p, String policyText, ObjectNode preview, String policyError, DecisionDraft decision) {
    String csrf = auth.csrf(ctx);
    StringBuilder b = new StringBuilder();
    ObjectNode pol = admin.policies();
    b.append("<section id=\"policies\" aria-labelledby=\"policies-h\"><h2 id=\"policies-h\">Policies</h2>")
        .append("<p>In force now: <strong>").append(esc(pol.path("current").isNull() ? "none" : pol.get("current").asText())).append("</strong></p>")
        .append("<table><thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Effective</th><th scope=\"col\">Published</th><th scope=\"col\">Notice days</th></tr></thead><tbody>");
    for (JsonNode e : pol.get("policies")) {
      b.append("<tr><td>").append(esc(e.get("version").asText())).append("</td><td>").append(stamp(e.get("effective")))
          .append("</td><td>").append(stamp(e.get("published_at"))).append("</td><td>").append(e.get("notice_days").asLong()).append("</td></tr>");
    }
    b.append("</tbody></table>");
    if (preview != null) {
      b.append("<div class=\"notice\" role=\"status\"><h3>Preview of ").append(esc(preview.get("version").asText())).append("</h3>")
          .append("<p id=\"preview-count\">On ").append(stamp(preview.get("effective"))).append(", decisions change for <strong>")
          .append(preview.get("members_changing").asInt()).append("</strong> of ").append(preview.get("members").asInt()).append(" members.</p><ul>");
      preview.get("transitions").fields().forEachRemaining(t ->
          b.append("<li>").append(esc(t.getKey())).append(": ").append(t.getValue().asInt()).append("</li>"));
      b.append("</ul><h4>Changes against the policy in force</h4><ul>");
      for (JsonNode d : preview.get("diff")) {
        b.append("<li><code>").append(esc(d.get("path").asText())).append("</code>: ").append(esc(String.valueOf(d.get("from"))))
            .append(" → ").append(esc(String.valueOf(d.get("to")))).append("</li>");
      }
      b.append("</ul><form method=\"post\" action=\"/admin/policies\">").append(csrfField(csrf))
          .append("<input type=\"hidden\" name=\"policy\" value=\"").append(esc(policyText)).append("\">")
          .append("<button type=\"submit\">Publish ").append(esc(preview.get("version").asText())).append("</button></form></div>");
    }
    b.append("<form method=\"post\" action=\"/admin/policies/preview\">").append(csrfField(csrf));
    if (policyError != null) {
      b.append("<p class=\"error\" role=\"alert\" id=\"policy-error\">").append(esc(sentence(policyError)))
          .append(" Nothing was published; your text is below.</p>");
    }
    b.append("<p><label for=\"policy\">New policy version (JSON policy object)</label><br>")
        .append("<textarea id=\"policy\" name=\"policy\" rows=\"10\" required")
        .append(policyError != null ? " aria-invalid=\"true\" aria-describedby=\"policy-error\"" : "").append(">")
        .append(policyText == null ? "" : esc(policyText)).append("</textarea></p>")
        .append("<p><button type=\"submit\">Preview</button></p></form></section>");

    ObjectNode outbox = admin.outbox(new AdminService.Page(0, 1)); // the count is all this section shows
    b.append("<section id=\"outbox\" aria-labelledby=\"outbox-h\"><h2 id=\"outbox-h\">Notice outbox</h2><p><span id=\"outbox-pending\">")
        .append(outbox.get("pending").asInt()).append("</span> notices waiting.</p>")
        .append("<form method=\"post\" action=\"/admin/outbox/send\">").append(csrfField(csrf))
        .append("<button type=\"submit\">Send notices</button></form></section>");

    b.append("<section id=\"objections\" aria-labelledby=\"objections-h\"><h2 id=\"objections-h\">Objections</h2>");
    long objectionsFrom = rowParam(ctx, OBJECTIONS_FROM);
    long forgetFrom = rowParam(ctx, FORGET_FROM);
    ObjectNode objectionPage = admin.objections(new AdminService.Page(objectionsFrom, AdminService.DEFAULT_PAGE));
    JsonNode objections = objectionPage.get("objections");
    boolean draftInForm = false;
    for (JsonNode o : objections) {
      draftInForm |= decision != null && o.get("objection").asText().equals(decision.objection()) && o.get("status").asText().equals("pending");
    }
    if (decision != null && !draftInForm) {
      // No form to put it back in (the objection is decided, or unknown): say why here, with the text.
      b.append("<div class=\"error\" role=\"alert\" id=\"decision-error\"><p>").append(esc(sentence(decision.error())))
          .append(" Nothing was recorded.</p><p><label for=\"decision-unsent\">Your justification (not recorded)</label><br>")
          .append("<textarea id=\"decision-unsent\" rows=\"2\" readonly>").append(esc(decision.justification())).append("</textarea></p></div>");
    }
    int objectionsTotal = objectionPage.get("total").asInt();
    b.append(objectionsTotal == 0 ? "<p id=\"objections-range\">No objections have been filed.</p>"
        : "<p id=\"objections-range\">" + range(objectionsFrom, objections.size(), count(objectionsTotal, "objection", "objections"))
            + "; " + objectionPage.get("pending").asInt() + " undecided (" + objectionPage.get("overdue").asInt()
            + " past their deadline), shown first, earliest deadline first.</p>");
    String objectionsPager = pager("Objection pages", objectionsFrom, objectionsTotal, OBJECTIONS_FROM, forgetFrom, "objections");
    b.append(objectionsPager);
    b.append("<table><thead><tr><th scope=\"col\">Member</th><th scope=\"col\">Purpose</th><th scope=\"col\">Reason</th><th scope=\"col\">Filed</th><th scope=\"col\">Deadline</th><th scope=\"col\">Status</th><th scope=\"col\">Decision</th></tr></thead><tbody>");
    for (JsonNode o : objections) {
      String id = o.get("objection").asText();
      long days = o.get("days_left").asLong();
      boolean pending = o.get("status").asText().equals("pending");
      b.append("<tr><td>").append(esc(o.get("member").asText())).append("</td><td>").append(esc(o.get("purpose").asText()))
          .append("</td><td class=\"objection-reason\">").append(esc(o.get("reason").asText())).append("</td><td>")
          .append(stamp(o.get("filed_at"))).append("</td><td>").append(stamp(o.get("deadline")));
      if (pending) {
        b.append("<br><span class=\"").append(days < 0 ? "overdue" : "countdown").append("\">")
            .append(days < 0 ? "overdue by " + (-days) + " days" : days + " days left").append("</span>");
      }
      b.append("</td><td>").append(esc(o.get("status").asText())).append("</td><td>");
      String fid = "decide-" + id.replaceAll("[^A-Za-z0-9_-]", "_");
      DecisionDraft draft = decision != null && decision.objection().equals(id) ? decision : null;
      if (!pending) {
        // The decision as it stands; changing it (the spec lets the latest decision count) takes
        // opening a separate form, so a stray click cannot rewrite it.
        b.append("<span class=\"decided\">").append(o.get("status").asText().equals("upheld") ? "Upheld" : "Rejected").append(" on ")
            .append(stamp(o.get("decided_at"))).append("</span>");
        if (o.hasNonNull("justification")) {
          b.append("<br>").append(esc(o.get("justification").asText()));
        }
        b.append("<details").append(draft != null ? " open" : "").append("><summary>Change the decision</summary>");
      }
      // The page the admin is on travels with the decision, so that they come back to it.
      b.append("<form method=\"post\" action=\"/admin/objections/").append(esc(urlPart(id))).append("/decision")
          .append(objectionsFrom > 0 ? "?" + OBJECTIONS_FROM + "=" + objectionsFrom : "").append("\">").append(csrfField(csrf));
      if (draft != null) {
        b.append("<p class=\"error\" role=\"alert\" id=\"").append(fid).append("-error\">").append(esc(sentence(draft.error())))
            .append(" Nothing was recorded; your text is below.</p>");
      }
      boolean rejected = draft != null && "rejected".equals(draft.outcome());
      b.append("<label for=\"").append(fid).append("-outcome\">Outcome for objection ").append(esc(id)).append("</label> <select id=\"")
          .append(fid).append("-outcome\" name=\"outcome\">")
          .append("<option value=\"upheld\">Uphold</option><option value=\"rejected\"").append(rejected ? " selected" : "")
          .append(">Reject</option></select><br>")
          .append("<label for=\"").append(fid).append("-why\">Justification for objection ").append(esc(id)).append("</label><br><textarea id=\"")
          .append(fid).append("-why\" name=\"justification\" rows=\"2\" required")
          .append(draft != null ? " aria-invalid=\"true\" aria-describedby=\"" + fid + "-error\"" : "").append(">")
          .append(draft != null ? esc(draft.justification()) : "")
          .append("</textarea><br><button type=\"submit\">").append(pending ? "Record decision" : "Record the new decision")
          .append("</button></form>").append(pending ? "" : "</details>").append("</td></tr>");
    }
    b.append("</tbody></table></section>");

    ObjectNode queue = admin.forgetQueue(new AdminService.Page(forgetFrom, AdminService.DEFAULT_PAGE));
    JsonNode schedule = queue.get("schedule");
    b.append("<section id=\"forget\" aria-labelledby=\"forget-h\"><h2 id=\"forget-h\">Forget queue</h2><p>")
        .append(schedule.get("every").isNull() ? "Scheduled runs are off."
            : "Runs every " + esc(schedule.get("every").asText()) + "; next at " + stamp(schedule.get("next_run")) + ".");
    JsonNode last = schedule.get("last_run");
    if (!last.isNull()) {
      b.append(" Last run (").append(esc(last.get("trigger").asText())).append(") ended ").append(stamp(last.get("finished_at")))
          .append(last.get("error").isNull()
              ? ": " + last.path("completed").asInt() + " completed, " + last.path("failed").asInt() + " failed, "
                  + last.path("blocked").asInt() + " left pending."
              : ": <span class=\"overdue\">" + esc(last.get("error").asText()) + "</span>");
    }
    b.append("</p>");
    if (!last.isNull() && last.path("gaps").size() > 0) {
      // The run forgot what it could see; these keep every request from completing.
      b.append("<p class=\"overdue\">No request can complete until these are resolved:</p><ul>");
      last.get("gaps").forEach(g -> b.append("<li>").append(esc(g.asText())).append("</li>"));
      b.append("</ul>");
    }
    recheckSection(b, queue.get("recheck"));
    b.append("<h3>Open requests</h3>");
    int queueTotal = queue.get("total").asInt();
    String forgetPager = pager("Forget queue pages", forgetFrom, queueTotal, FORGET_FROM, objectionsFrom, "forget");
    if (queueTotal == 0) {
      b.append("<p id=\"forget-range\">The queue is empty.</p>");
    } else {
      b.append("<p id=\"forget-range\">").append(range(forgetFrom, queue.get("requests").size(), count(queueTotal, "open request", "open requests")))
          .append(", earliest deadline first; ").append(queue.get("overdue").asLong()).append(" past their deadline.</p>").append(forgetPager);
    }
    if (!queue.get("requests").isEmpty()) {
      b.append("<table><thead><tr><th scope=\"col\">Request</th><th scope=\"col\">Member</th><th scope=\"col\">Cause</th><th scope=\"col\">Received</th>")
          .append("<th scope=\"col\">Deadline</th><th scope=\"col\">Status</th></tr></thead><tbody>");
      for (JsonNode r : queue.get("requests")) {
        long days = r.get("days_left").asLong();
        b.append("<tr><td>").append(esc(r.get("id").asText())).append("</td><td>").append(esc(r.get("member").asText()))
            .append("</td><td>").append(esc(r.get("cause").asText())).append("</td><td>").append(stamp(r.get("requested_at")))
            .append("</td><td>").append(stamp(r.get("deadline"))).append("<br><span class=\"").append(days < 0 ? "overdue" : "countdown")
            .append("\">").append(days(days)).append("</span></td><td>").append(esc(r.get("status").asText()))
            .append(r.get("queued").asBoolean() ? ""
                : " (received in the ledger; the next forget run, scheduled or started with the button below, picks it up)")
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    b.append("<form method=\"post\" action=\"/admin/forget/run\">").append(csrfField(csrf))
        .append("<button type=\"submit\">Run forgetting now</button></form></section>");
    return Html.page("Administration", p, csrf, b.toString());
  }

  /** The query parameters naming the first row of the admin page's objections and forget queue. */
  private static final String OBJECTIONS_FROM = "objections_from";

  private static final String FORGET_FROM = "forget_from";

  /** The first row (0-based) of an admin list's page from the query; 0 when absent; a 400 otherwise. */
  private static long rowParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return 0;
    }
    if (v.length() > 18 || !v.matches("[0-9]+")) {
      throw ProblemException.badRequest("invalid-parameter", name + " must be a row number (a whole number, 0 or more), not \""
          + (v.length() > 40 ? v.substring(0, 40) + "…" : v) + "\"");
    }
    return Long.parseLong(v);
  }

  /**
   * Which rows of a list a page shows, counted from 1 for people ("Showing 51–100 of 812
   * objections"); past the end of the list, that there is nothing there.
   */
  private static String range(long from, int shown, String total) {
    return shown == 0 ? "Nothing from row " + (from + 1) + " on: there are " + total
        : "Showing " + (from + 1) + "–" + (from + shown) + " of " + total;
  }

  /**
   * Links to the first, previous, next and last pages of one admin list (one link per page, the
   * first name winning), keeping the other list's page ({@code otherFrom}) so that paging one does
   * not send the other back to its start; empty when the list fits on one page and this is it.
   */
  private static String pager(String label, long from, int total, String param, long otherFrom, String fragment) {
    int size = AdminService.DEFAULT_PAGE;
    if (from == 0 && total <= size) {
      return "";
    }
    long last = total == 0 ? 0 : (total - 1) / size * size;
    StringBuilder b = new StringBuilder("<nav class=\"pages\" aria-label=\"").append(label).append("\"><ul>");
    Set<Long> linked = new HashSet<>();
    BiConsumer<Long, String> link = (target, text) -> {
      if (!linked.add(target)) {
        return; // one link per page: "Previous" to the first page is "First"
      }
      long objections = param.equals(OBJECTIONS_FROM) ? target : otherFrom;
      long forget = param.equals(FORGET_FROM) ? target : otherFrom;
      StringBuilder q = new StringBuilder();
      if (objections > 0) {
        q.append(OBJECTIONS_FROM).append('=').append(objections);
      }
      if (forget > 0) {
        q.append(q.length() > 0 ? "&amp;" : "").append(FORGET_FROM).append('=').append(forget);
      }
      b.append("<li><a href=\"/admin").append(q.length() > 0 ? "?" + q : "").append('#').append(fragment).append("\">").append(text).append("</a></li>");
    };
    if (from > 0) {
      link.accept(0L, "First");
      // Past the end, the way back is the last page itself, not the page before the row asked for.
      link.accept(from >= total ? last : Math.max(0, from - size), from >= total ? "Last" : "Previous");
    }
    if (from + size < total) {
      link.accept(from + size, "Next (" + (total - from - size) + " more)");
    }
    if (from != last) {
      link.accept(last, "Last");
    }
    return b.append("</ul></nav>").toString();
  }

  /**
   * The latest re-check of completed requests: when, how many hold, and each request that no
   * longer holds with its problems and whether it was reopened.
   */
  private static void recheckSection(StringBuilder b, JsonNode recheck) {
    b.append("<div id=\"recheck\"><h3>Re-check of completed requests</h3>");
    if (recheck == null || recheck.isNull()) {
      b.append("<p>No re-check yet: after every forget run, each request completed before it is checked again.</p></div>");
      return;
    }
    b.append("<p>Last re-check at ").append(stamp(recheck.get("at"))).append(": ");
    if (!recheck.get("error").isNull()) {
      b.append("<span class=\"overdue\">").append(esc(recheck.get("error").asText())).append("</span></p></div>");
      return;
    }
    int checked = recheck.get("checked").asInt();
    int failed = recheck.get("failed").size();
    b.append(checked).append(" completed request(s) checked, ").append(recheck.get("holding").asInt()).append(" hold");
    if (failed == 0) {
      b.append(".</p></div>");
      return;
    }
    b.append(", <span class=\"overdue\">").append(failed).append(" no longer hold</span> (")
        .append(recheck.get("reopened").asInt()).append(" reopened: the next run forgets them again).</p>")
        .append("<table id=\"recheck-failed\"><caption>Requests whose member's data is back</caption><thead><tr>")
        .append("<th scope=\"col\">Request</th><th scope=\"col\">Member</th><th scope=\"col\">Problems</th>")
        .append("<th scope=\"col\">Reopened</th></tr></thead><tbody>");
    for (JsonNode f : recheck.get("failed")) {
      b.append("<tr><td>").append(esc(f.get("id").asText())).append("</td><td>").append(esc(f.get("member").asText()))
          .append("</td><td><ul>");
      for (JsonNode p : f.get("problems")) {
        b.append("<li>").append(esc(p.asText())).append("</li>");
      }
      b.append("</ul></td><td>").append(f.get("reopened").asBoolean() ? "yes" : "no").append("</td></tr>");
    }
    b.append("</tbody></table></div>");
  }

  // ------------------------------------------------------------------ auditor

  private String auditPage(Context ctx, Principal p) {
    StringBuilder b = new StringBuilder();
    JsonNode report = audit.report().get("summary");
    long lateObjections = report.path("objections_decided_late").asLong();
    long overdueObjections = report.path("objections_overdue").asLong();
    b.append("<section id=\"report\" aria-labelledby=\"report-h\"><h2 id=\"report-h\">Compliance report</h2>")
        .append("<p><a id=\"report-link\" href=\"/audit/report\">Open the compliance report</a> (snapshots in force, objections, forget requests and the checkpoint to verify).</p><dl>")
        .append("<dt>Lethe's checks pass (snapshots in force, forget requests, audit log)</dt><dd id=\"all-checks\">")
        .append(report.get("all_checks_pass").asBoolean() ? "yes" : "NO").append("</dd>")
        .append("<dt>Objection deadlines met (none decided late, none undecided past its deadline)</dt><dd id=\"objection-deadlines\">")
        .append(report.path("objection_deadlines_met").asBoolean() ? "yes"
            : "NO: " + lateObjections + " decided late, " + overdueObjections + " undecided past the deadline").append("</dd>")
        .append("<dt>Audit log verifies</dt><dd id=\"audit-ok\">").append(report.get("audit_ok").asBoolean() ? "yes" : "NO").append("</dd>")
        .append("<dt>Leaves / checkpoints</dt><dd>").append(report.get("audit_leaves").asLong()).append(" / ").append(report.get("audit_checkpoints").asLong()).append("</dd>")
        // The verification is shared and reused (see AuditVerification): say when it ran and over what.
        .append("<dt>Audit log last verified</dt><dd id=\"audit-verified-at\">").append(esc(report.path("audit_verified_at").asText()))
        .append(" (").append(report.get("audit_leaves").asLong())
        .append(" leaves; verified again when the log changes or after ").append(AuditVerification.MAX_AGE.toMinutes()).append(" minutes)</dd>")
        .append("<dt>Ledger events / members</dt><dd>").append(report.get("events").asLong()).append(" / ").append(report.get("members").asLong()).append("</dd>")
        .append("<dt>Open objections (overdue)</dt><dd>").append(report.get("objections_open").asInt()).append(" (").append(report.get("objections_overdue").asInt()).append(")</dd>")
        .append("<dt>Open forget requests (overdue)</dt><dd>").append(report.get("forget_requests_open").asInt()).append(" (").append(report.get("forget_requests_overdue").asInt()).append(")</dd>")
        .append("</dl>");
    for (JsonNode problem : report.get("audit_problems")) {
      b.append("<p class=\"error\">").append(esc(problem.asText())).append("</p>");
    }
    b.append(unreachableNotice(report, "report-incomplete"));
    b.append("</section>");

    b.append(logSection(pageParam(ctx.queryParam("from"), "from")));

    ObjectNode cps = audit.checkpoints();
    b.append(signingKeys(cps.get("keys")));
    b.append("<section id=\"checkpoints\" aria-labelledby=\"cp-h\"><h2 id=\"cp-h\">Checkpoints</h2><p>Current verifier key: <code>")
        .append(esc(cps.get("verifier_key").asText())).append("</code></p>");
    for (JsonNode c : cps.get("checkpoints")) {
      long number = c.get("number").asLong();
      b.append("<h3>Checkpoint ").append(number).append(" (").append(c.get("size").asLong()).append(" leaves)</h3>")
          .append(signedBy(c, "checkpoint-" + number + "-signers")).append("<pre>")
          .append(esc(c.get("note").asText())).append("</pre>");
    }
    b.append("</section>");

    b.append("<section id=\"proof\" aria-labelledby=\"proof-h\"><h2 id=\"proof-h\">Inclusion proof</h2>")
        .append("<form method=\"get\" action=\"/audit\"><label for=\"leaf\">Leaf index</label> <input id=\"leaf\" name=\"leaf\" inputmode=\"numeric\" pattern=\"[0-9]+\"> <button type=\"submit\">Prove</button></form>");
    String leaf = ctx.queryParam("leaf");
    if (leaf != null) {
      ObjectNode proof = audit.proof(pageParam(leaf, "leaf"), null);
      b.append("<pre>").append(esc(proof.toPrettyString())).append("</pre>");
    }
    b.append("</section>");

    b.append("<section id=\"snapshots\" aria-labelledby=\"snap-h\"><h2 id=\"snap-h\">Snapshot manifests</h2>");
    ObjectNode listed = audit.snapshots();
    JsonNode snaps = listed.get("snapshots");
    b.append(unreachableNotice(listed, "snapshots-incomplete"));
    if (snaps.isEmpty()) {
      b.append(listed.get("complete").asBoolean() ? "<p>No snapshot is published.</p>" : "<p>No snapshot is published in a readable directory.</p>");
    } else {
      b.append("<ul>");
      for (JsonNode s : snaps) {
        b.append("<li data-status=\"").append(esc(s.get("status").asText())).append("\"><a href=\"/audit/snapshots/")
            .append(esc(urlPart(s.get("snapshot").asText()))).append("\">")
            .append(esc(s.get("snapshot").asText())).append("</a> — ").append(esc(s.get("purpose").asText())).append(" as of ")
            .append(esc(s.get("as_of").asText())).append(", ").append(s.get("included").asLong()).append(" records, in <code>")
            .append(esc(s.get("root").asText())).append("</code> — ").append(s.hasNonNull("unverified") ? unverifiedWords(s.get("unverified"))
                : statusWords(s.get("replaced"))).append("</li>");
      }
      b.append("</ul>");
      b.append("<p id=\"snapshots-in-use\">").append(listed.get("in_use").asLong()).append(" in use, ").append(listed.get("replaced").asLong())
          .append(" replaced by forgetting (kept as history; the compliance report covers those in use)")
          .append(listed.path("unverified_rebuilds").asLong() > 0
              ? ", " + listed.get("unverified_rebuilds").asLong() + " unverified rebuilds (not in use)" : "").append(".</p>");
    }
    b.append("</section>");
    b.append(modelsSection(audit.models()));
    return Html.page("Audit", p, auth.csrf(ctx), b.toString());
  }

  /**
   * The "Signing keys" section: every key of the audit log, oldest first, the tree sizes it signs,
   * and the leaf that records the rotation to it; the active key is marked.
   */
  private static String signingKeys(JsonNode keys) {
    StringBuilder b = new StringBuilder("<section id=\"signing-keys\" aria-labelledby=\"keys-h\"><h2 id=\"keys-h\">Signing keys</h2>")
        .append("<p>Checkpoints are signed with Ed25519. A key rotation is a leaf of the log naming the old and the new key, and the")
        .append(" checkpoint ending at that leaf is signed by both; smaller checkpoints are signed by earlier keys, larger ones by")
        .append(" the new key.</p><table><thead><tr><th scope=\"col\">Key</th><th scope=\"col\">Key id</th>")
        .append("<th scope=\"col\">Signs tree sizes</th><th scope=\"col\">Rotation</th><th scope=\"col\">Verifier key</th></tr></thead><tbody>");
    for (JsonNode k : keys) {
      int number = k.get("number").asInt();
      boolean active = k.get("active").asBoolean();
      b.append("<tr id=\"key-").append(number).append("\"").append(active ? " class=\"active-key\"" : "").append("><td>").append(number)
          .append(active ? " <strong>(active)</strong>" : " (retired)").append("</td><td><code>").append(esc(k.get("key_id").asText()))
          .append("</code></td><td>").append(k.get("from_size").asLong())
          .append(active ? " and up" : "–" + k.get("last_size").asLong()).append("</td><td>");
      JsonNode rotation = k.get("rotation");
      if (number == 0) {
        b.append("the log's first key");
      } else if (rotation.isNull()) {
        b.append("<span class=\"error\">no rotation to this key is recorded in the log</span>");
      } else {
        long leaf = rotation.get("leaf_index").asLong();
        b.append("leaf <a href=\"/audit?from=").append(leaf).append("#log\">").append(leaf).append("</a> at ")
            .append(esc(rotation.get("at").asText()));
        if (!rotation.get("reason").isNull()) {
          b.append(", reason: ").append(esc(rotation.get("reason").asText()));
        }
        JsonNode checkpoint = rotation.get("checkpoint");
        b.append(checkpoint.isNull() ? "; <span class=\"error\">no checkpoint signed by both keys</span>"
            : "; checkpoint " + checkpoint.asLong() + " signed by both keys");
      }
      b.append("</td><td><code>").append(esc(k.get("verifier_key").asText())).append("</code></td></tr>");
    }
    return b.append("</tbody></table></section>").toString();
  }

  /** Which keys signed a checkpoint, and a warning when they are not the ones the key history names. */
  private static String signedBy(JsonNode checkpoint, String id) {
    JsonNode signers = checkpoint.get("signed_by");
    boolean ok = checkpoint.get("signatures_ok").asBoolean();
    StringBuilder b = new StringBuilder("<p id=\"").append(id).append("\"").append(ok ? "" : " class=\"error\"").append(">");
    if (signers.isEmpty()) {
      b.append("No key of the log's history signed this checkpoint");
    } else {
      b.append("Signed by ");
      for (int i = 0; i < signers.size(); i++) {
        JsonNode k = signers.get(i);
        b.append(i == 0 ? "" : " and ").append("<a href=\"#key-").append(k.get("number").asInt()).append("\">key ")
            .append(k.get("number").asInt()).append("</a> (key id <code>").append(esc(k.get("key_id").asText())).append("</code>)");
      }
    }
    return b.append(ok ? "." : "; the key history names other signers for this tree size.").append("</p>").toString();
  }

  /** An unverified rebuild's status in words: not in use, and the snapshot still in use instead. */
  private static String unverifiedWords(JsonNode unverified) {
    String of = unverified.get("rebuild_of").asText();
    return "<strong>unverified rebuild</strong> of <a href=\"/audit/snapshots/" + esc(urlPart(of)) + "\">" + esc(of)
        + "</a>: forgetting's checks of it have not held (they failed, or the forget run has not finished), so it is not in use";
  }

  /** A listed snapshot's status in words: in use, or replaced by forgetting (when, by which rebuild, under how many requests). */
  private static String statusWords(JsonNode replaced) {
    if (replaced == null || replaced.isNull()) {
      return "<strong>in use</strong>";
    }
    StringBuilder b = new StringBuilder("<strong>replaced by forgetting</strong>");
    if (replaced.hasNonNull("at")) {
      b.append(" on ").append(esc(replaced.get("at").asText()));
    }
    List<String> by = new ArrayList<>();
    replaced.get("by").forEach(n -> by.add("<a href=\"/audit/snapshots/" + esc(urlPart(n.asText())) + "\">" + esc(n.asText()) + "</a>"));
    b.append(by.isEmpty() ? " (its rebuild is no longer published)" : " by " + String.join(", ", by));
    int requests = replaced.get("forget_request_count").asInt();
    if (requests > 0) {
      b.append(", under ").append(requests == 1 ? "1 forget request" : requests + " forget requests");
    }
    b.append("; its shard files were deleted");
    return b.toString();
  }

  /** The audit page's list of models, each in use or retired by forgetting, with the counts. */
  private static String modelsSection(ObjectNode listed) {
    StringBuilder b = new StringBuilder("<section id=\"models\" aria-labelledby=\"models-h\"><h2 id=\"models-h\">Models</h2>");
    if (listed.get("models").isEmpty()) {
      return b.append("<p>No model is registered.</p></section>").toString();
    }
    b.append("<ul>");
    for (JsonNode m : listed.get("models")) {
      b.append("<li data-status=\"").append(esc(m.get("status").asText())).append("\"><code>").append(esc(m.get("model").asText()))
          .append("</code> — trained from <a href=\"/audit/snapshots/").append(esc(urlPart(m.get("snapshot").asText()))).append("\">")
          .append(esc(m.get("snapshot").asText())).append("</a> (").append(esc(m.get("origin").asText())).append(", ")
          .append(m.get("records").asLong()).append(" records) — ");
      JsonNode r = m.get("retired");
      if (r.isNull() && m.hasNonNull("unverified")) {
        b.append("<strong>not in use</strong>: trained on an unverified rebuild of ").append(esc(m.get("unverified").get("rebuild_of").asText()));
      } else if (r.isNull()) {
        b.append("<strong>in use</strong>");
      } else {
        b.append("<strong>retired by forgetting</strong>");
        if (r.hasNonNull("at")) {
          b.append(" on ").append(esc(r.get("at").asText()));
        }
        List<String> by = new ArrayList<>();
        r.get("by").forEach(n -> by.add("<code>" + esc(n.asText()) + "</code>"));
        b.append(by.isEmpty() ? " (no retrained model is registered)" : ", replaced by " + String.join(", ", by));
        int requests = r.get("forget_request_count").asInt();
        if (requests > 0) {
          b.append(", under ").append(requests == 1 ? "1 forget request" : requests + " forget requests");
        }
        b.append("; its artefacts were deleted");
      }
      b.append("</li>");
    }
    b.append("</ul><p id=\"models-in-use\">").append(listed.get("in_use").asLong()).append(" in use, ")
        .append(listed.get("retired").asLong()).append(" retired by forgetting")
        .append(listed.path("unverified_rebuilds").asLong() > 0
            ? ", " + listed.get("unverified_rebuilds").asLong() + " trained on unverified rebuilds (not in use)" : "").append(".</p>");
    return b.append("</section>").toString();
  }

  /** What the manifest page says above the manifest: whether the files it lists are there, or forgetting deleted them. */
  private static String snapshotStatus(AuditService.ManifestPage page) {
    if (page.unverified().isPresent()) {
      return "<p id=\"snapshot-status\" data-status=\"unverified-rebuild\"><strong>Unverified rebuild</strong> of "
          + links(List.of(page.unverified().get().rebuildOf())) + ": forgetting's checks of it have not held (they failed, or the"
          + " forget run has not finished), so it is not in use; the snapshot it was meant to replace still is.</p>";
    }
    if (page.replaced().isEmpty()) {
      return "<p id=\"snapshot-status\" data-status=\"in-use\">In use: the shard files this manifest lists are training data now.</p>";
    }
    Retirements.ReplacedSnapshot r = page.replaced().get();
    StringBuilder b = new StringBuilder("<div id=\"snapshot-status\" data-status=\"replaced\"><p><strong>Replaced by forgetting</strong>");
    if (r.at() != null) {
      b.append(" on ").append(esc(Rfc3339.format(r.at())));
    }
    b.append(r.replacedBy().isEmpty() ? " (its rebuild is no longer published)" : " by " + links(r.replacedBy()));
    if (!r.requests().isEmpty()) {
      b.append(", under ").append(r.requests().size() == 1 ? "forget request <code>" + esc(r.requests().get(0)) + "</code>"
          : r.requests().size() + " forget requests");
    }
    b.append(".</p><p>Forgetting deleted the shard and member files this manifest lists; it is kept as history, and no model"
        + " uses it.");
    if (!page.inUseNow().isEmpty()) {
      b.append(" In use now: ").append(links(page.inUseNow())).append('.');
    }
    return b.append("</p></div><h2>Manifest as published</h2>").toString();
  }

  private static String links(List<String> snapshots) {
    List<String> out = new ArrayList<>();
    snapshots.forEach(id -> out.add("<a href=\"/audit/snapshots/" + esc(urlPart(id)) + "\">" + esc(id) + "</a>"));
    return String.join(", ", out);
  }

  /**
   * A notice naming the snapshot roots that could not be read ({@code unreachable_roots}) and the
   * recorded snapshots a root lacks ({@code missing_snapshots}), or nothing.
   */
  private static String unreachableNotice(JsonNode coverage, String id) {
    if (coverage.get("complete").asBoolean()) {
      return "";
    }
    StringBuilder b = new StringBuilder("<div class=\"error\" role=\"alert\" id=\"").append(id).append("\">");
    if (!coverage.get("unreachable_roots").isEmpty()) {
      b.append("<p>Incomplete: these snapshot directories are missing or unreadable, so their snapshots are not shown or checked:</p><ul>");
      coverage.get("unreachable_roots").forEach(r -> b.append("<li><code>").append(esc(r.asText())).append("</code></li>"));
      b.append("</ul>");
    }
    if (!coverage.get("missing_snapshots").isEmpty()) {
      b.append("<p>Incomplete: a build recorded these snapshots in a snapshot directory that does not hold them whole"
          + " (restore them, or retire them with <code>lethe snapshots --retire ID</code>):</p><ul>");
      coverage.get("missing_snapshots").forEach(m -> b.append("<li><code>").append(esc(m.get("snapshot").asText()))
          .append("</code> in <code>").append(esc(m.get("root").asText())).append("</code>: ").append(esc(m.get("problem").asText()))
          .append("</li>"));
      b.append("</ul>");
    }
    return b.append("</div>").toString();
  }

  /**
   * The "Audit log" section: {@value #LOG_PAGE} leaves from {@code from}, with links to the pages
   * before and after. A {@code from} past the end shows no range (never a reversed one) but says
   * how many leaves the log has, with a link to its last page.
   */
  private String logSection(long from) {
    ObjectNode leaves = audit.leaves(from, LOG_PAGE);
    long size = leaves.get("size").asLong();
    StringBuilder b = new StringBuilder("<section id=\"log\" aria-labelledby=\"log-h\"><h2 id=\"log-h\">Audit log</h2>");
    if (size == 0) {
      return b.append("<p id=\"log-range\">The log has no leaves yet.</p></section>").toString();
    }
    String total = count(size, "leaf", "leaves");
    if (from >= size) {
      long lastPage = (size - 1) / LOG_PAGE * LOG_PAGE;
      return b.append("<p id=\"log-range\" class=\"notice\">No leaves from ").append(from).append(": the log has ").append(total)
          .append(", numbered 0 to ").append(size - 1).append(".</p><nav aria-label=\"Audit log pages\"><a href=\"/audit?from=")
          .append(lastPage).append("#log\">Last page (leaves ").append(lastPage).append("–").append(size - 1).append(")</a></nav></section>")
          .toString();
    }
    long to = Math.min(from + LOG_PAGE, size) - 1;
    b.append("<p id=\"log-range\">Leaves ").append(from).append("–").append(to).append(" of ").append(total).append("</p>")
        .append("<table><thead><tr><th scope=\"col\">Leaf</th><th scope=\"col\">Content</th></tr></thead><tbody>");
    for (JsonNode l : leaves.get("leaves")) {
      b.append("<tr><td><a href=\"/audit?leaf=").append(l.get("index").asLong()).append("#proof\">").append(l.get("index").asLong())
          .append("</a></td><td><code>").append(esc(l.get("leaf").toString())).append("</code></td></tr>");
    }
    b.append("</tbody></table><nav aria-label=\"Audit log pages\">");
    if (from > 0) {
      b.append("<a href=\"/audit?from=").append(Math.max(0, from - LOG_PAGE)).append("#log\">Previous</a> ");
    }
    if (to + 1 < size) {
      b.append("<a href=\"/audit?from=").append(to + 1).append("#log\">Next</a>");
    }
    return b.append("</nav></section>").toString();
  }

  private static String count(long n, String one, String many) {
    return n == 1 ? "1 " + one : n + " " + many;
  }

  /** A leaf number from the query ({@code from}, {@code leaf}); 0 when absent; a 400 otherwise. */
  private static long pageParam(String v, String name) {
    if (v == null) {
      return 0;
    }
    if (v.length() > 18 || !v.matches("[0-9]+")) {
      throw ProblemException.badRequest("invalid-parameter", name + " must be a leaf number (a whole number, 0 or more), not \""
          + (v.length() > 40 ? v.substring(0, 40) + "…" : v) + "\"");
    }
    return Long.parseLong(v);
  }
}
