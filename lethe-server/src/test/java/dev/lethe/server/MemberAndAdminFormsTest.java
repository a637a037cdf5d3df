package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What members and admins can do twice, too late or after erasure, through the API (the services)
 * and the pages: decisions are final, past effective dates are refused, erasure closes the forms,
 * repeated choices and objections record nothing new, and the pages say what happened in words.
 * A fresh server per test: several tests move the clock.
 */
class MemberAndAdminFormsTest {

  static final Pattern CSRF = Pattern.compile("name=\"" + Auth.CSRF_FIELD + "\" value=\"([^\"]+)\"");

  TestServer t;
  String admin;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    t = new TestServer(dir);
    admin = t.token(Role.ADMIN);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  HttpResponse<String> get(String path, String session) throws Exception {
    return t.http.send(HttpRequest.newBuilder(URI.create(t.base() + path)).header("Cookie", Auth.COOKIE + "=" + session).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Posts a form as a browser would, with the session's CSRF token read from {@code page}. */
  HttpResponse<String> post(String page, String path, String session, Map<String, String> fields) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    Matcher m = CSRF.matcher(get(page, session).body());
    if (m.find()) {
      form.put(Auth.CSRF_FIELD, m.group(1));
    }
    form.putAll(fields);
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return t.http.send(HttpRequest.newBuilder(URI.create(t.base() + path)).header("Cookie", Auth.COOKIE + "=" + session)
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String fileObjection(String member, String reason) throws Exception {
    TestServer.Response r = t.send("POST", "/v1/members/" + member + "/objections", t.token(member),
        "{\"purpose\":\"personalization\",\"reason\":" + Json.MAPPER.writeValueAsString(reason) + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("objection").asText();
  }

  // ------------------------------------------------------------------ 1: decisions, repeated and changed

  @Test
  void aRepeatedDecisionRecordsNothingWhileAChangedOneSupersedesItAsTheSpecAllows() throws Exception {
    String id = fileObjection("alice", "do not profile me");
    t.clock.advance(Duration.ofDays(2));
    admin = t.token(Role.ADMIN);
    String upheld = "{\"outcome\":\"upheld\",\"justification\":\"fair point\"}";
    assertThat(t.send("POST", "/v1/admin/objections/" + id + "/decision", admin, upheld).status()).isEqualTo(200);
    long events = t.store.eventCount();

    // A second submit of the same decision (a double click) appends nothing.
    TestServer.Response repeat = t.send("POST", "/v1/admin/objections/" + id + "/decision", admin, upheld);
    assertThat(repeat.status()).isEqualTo(200);
    assertThat(repeat.json().get("status").asText()).isEqualTo("upheld");
    assertThat(t.store.eventCount()).isEqualTo(events);
    HttpResponse<String> again = post("/admin", "/admin/objections/" + id + "/decision", admin,
        Map.of("outcome", "upheld", "justification", "fair point"));
    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(t.store.eventCount()).isEqualTo(events);

    // The page shows the decision; changing it takes opening a separate form.
    String page = get("/admin", admin).body();
    assertThat(page).contains("Upheld on ").contains("fair point").contains("<summary>Change the decision</summary>")
        .contains("Record the new decision");

    // A different decision supersedes it: the latest decision counts (spec rule 7).
    t.clock.advance(Duration.ofDays(1));
    admin = t.token(Role.ADMIN);
    HttpResponse<String> changed = post("/admin", "/admin/objections/" + id + "/decision", admin,
        Map.of("outcome", "rejected", "justification", "appeal reviewed: the profiling is needed for fraud checks"));
    assertThat(changed.statusCode()).isEqualTo(303);
    assertThat(changed.headers().firstValue("Location")).hasValue("/admin#objections");
    assertThat(t.store.eventCount()).isEqualTo(events + 1);
    // Decided from a later page of the list, the admin comes back to that page.
    HttpResponse<String> fromPage = post("/admin", "/admin/objections/" + id + "/decision?objections_from=50", admin,
        Map.of("outcome", "rejected", "justification", "appeal reviewed: the profiling is needed for fraud checks"));
    assertThat(fromPage.headers().firstValue("Location")).hasValue("/admin?objections_from=50#objections");
    assertThat(t.get("/v1/members/alice/objections", t.token("alice")).json().get("objections").get(0).get("status").asText())
        .isEqualTo("rejected");
  }

  @Test
  void aRefusedDecisionKeepsTheTypedJustificationAndEachFieldNamesItsObjection() throws Exception {
    String id = fileObjection("alice", "do not profile me");
    String fid = "decide-" + id.replaceAll("[^A-Za-z0-9_-]", "_");
    assertThat(get("/admin", admin).body()).contains("<label for=\"" + fid + "-outcome\">Outcome for objection " + id + "</label>")
        .contains("<label for=\"" + fid + "-why\">Justification for objection " + id + "</label>");
    HttpResponse<String> r = post("/admin", "/admin/objections/" + id + "/decision", admin,
        Map.of("outcome", "maybe", "justification", "my careful words"));
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("id=\"" + fid + "-error\"").contains(">my careful words</textarea>");
  }

  // ------------------------------------------------------------------ 2: effective dates

  @Test
  void aPolicyEffectiveInThePastIsRefusedByPreviewAndPublishAndTheFormKeepsTheText() throws Exception {
    long events = t.store.eventCount();
    for (String effective : new String[] {"1900-01-01T00:00:00Z", "2024-12-01T00:00:00Z", "2025-03-03T09:59:59Z"}) {
      for (String route : new String[] {"/v1/admin/policies/preview", "/v1/admin/policies"}) {
        TestServer.Response r = t.send("POST", route, admin, AdminAuditApiTest.v2BlockingGb(effective, 0));
        assertThat(r.status()).as(route + " " + effective).isEqualTo(422);
        assertThat(r.json().get("detail").asText()).contains("is in the past").contains("2025-03-03T10:00:00Z");
      }
    }
    assertThat(t.store.eventCount()).isEqualTo(events);
    String text = AdminAuditApiTest.v2BlockingGb("2024-12-01T00:00:00Z", 0);
    text = text.substring("{\"policy\":".length(), text.length() - 1);
    HttpResponse<String> page = post("/admin", "/admin/policies/preview", admin, Map.of("policy", text));
    assertThat(page.statusCode()).isEqualTo(422);
    assertThat(page.body()).contains("id=\"policy-error\"").contains("is in the past").contains("Nothing was published");
  }

  @Test
  void aPolicyEffectiveNowIsPreviewedAtThatMomentAndCountsTheMembersItChanges() throws Exception {
    TestServer.Response r = t.send("POST", "/v1/admin/policies/preview", admin, AdminAuditApiTest.v2BlockingGb("2025-03-03T10:00:00Z", 0));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    // From the moment v2 takes effect, carol (GB) is blocked for GenAI and nobody has had v2's notice yet
    // (opt-out uses wait for it): every member's decisions change, none evaluated before publication.
    assertThat(r.json().get("members_changing").asInt()).isEqualTo(4);
    assertThat(r.json().get("transitions").toString()).contains("genai-training: default-opt-out -> jurisdiction-blocked");
  }

  // ------------------------------------------------------------------ 3: erasure closes the forms

  @Test
  void afterErasureTheMemberPageHasNoSwitchesOrObjectionFormAndTheServiceRefusesBoth() throws Exception {
    String bob = t.token("bob");
    assertThat(t.send("POST", "/v1/members/bob/erasure", bob, null).status()).isEqualTo(202);
    long events = t.store.eventCount();
    String page = get("/privacy", bob).body();
    assertThat(page).doesNotContain("action=\"/privacy/settings/").doesNotContain("action=\"/privacy/objections\"")
        .contains("id=\"settings-erased\"").contains("id=\"objections-erased\"");

    TestServer.Response setting = t.send("PUT", "/v1/members/bob/settings/genai-training", bob, "{\"choice\":\"grant\"}");
    assertThat(setting.status()).isEqualTo(409);
    assertThat(setting.json().get("detail").asText()).contains("asked for your data to be erased on 3 March 2025");
    TestServer.Response objection = t.send("POST", "/v1/members/bob/objections", bob,
        "{\"purpose\":\"personalization\",\"reason\":\"too late\"}");
    assertThat(objection.status()).isEqualTo(409);
    assertThat(post("/privacy", "/privacy/settings/genai-training", bob, Map.of("enabled", "on")).statusCode()).isEqualTo(409);
    HttpResponse<String> form = post("/privacy", "/privacy/objections", bob, Map.of("purpose", "personalization", "reason", "hm"));
    assertThat(form.statusCode()).isEqualTo(409);
    assertThat(t.store.eventCount()).isEqualTo(events);
  }

  // ------------------------------------------------------------------ 4, 8, 9: repeated choices

  @Test
  void savingTheSameChoiceTwiceRecordsItOnceAndSaysSoInAStatusMessageThatReturnsFocusToTheSwitch() throws Exception {
    String bob = t.token("bob");
    HttpResponse<String> first = post("/privacy", "/privacy/settings/genai-training", bob, Map.of());
    assertThat(first.statusCode()).isEqualTo(303);
    assertThat(first.headers().firstValue("Location").orElseThrow())
        .isEqualTo("/privacy?saved=genai-training&result=off#toggle-genai-training");
    HttpResponse<String> second = post("/privacy", "/privacy/settings/genai-training", bob, Map.of());
    assertThat(second.headers().firstValue("Location").orElseThrow()).contains("result=already-off");
    assertThat(t.events("bob", "consent.set")).hasSize(1);
    assertThat(t.get("/v1/members/bob/data-usage", bob).json().get("forget_requests")).hasSize(1);

    String page = get("/privacy?saved=genai-training&result=already-off", bob).body();
    assertThat(page).contains("<p class=\"notice\" role=\"status\" id=\"settings-status\">No change: Data for Generative AI Improvement"
        + " was already off.</p>");
    assertThat(page).containsPattern("id=\"toggle-genai-training\"[^>]*autofocus");
    assertThat(get("/privacy?saved=genai-training&result=on", bob).body()).contains("Saved: Data for Generative AI Improvement is now on.");

    // The API is idempotent too.
    assertThat(t.send("PUT", "/v1/members/bob/settings/genai-training", bob, "{\"choice\":\"withdraw\"}").status()).isEqualTo(200);
    assertThat(t.events("bob", "consent.set")).hasSize(1);
  }

  @Test
  void anEnabledValueOtherThanOnIsRefusedAndChangesNothing() throws Exception {
    String bob = t.token("bob");
    for (String v : new String[] {"true", "off", "", "ON"}) {
      HttpResponse<String> r = post("/privacy", "/privacy/settings/genai-training", bob, Map.of("enabled", v));
      assertThat(r.statusCode()).as(v).isEqualTo(422);
      assertThat(r.body()).contains("must be &quot;on&quot; or absent");
    }
    assertThat(t.events("bob", "consent.set")).isEmpty();
    assertThat(t.get("/v1/members/bob/data-usage", bob).json().get("forget_requests")).isEmpty();
  }

  // ------------------------------------------------------------------ 4, 12: objections

  @Test
  void aSecondPendingObjectionToTheSamePurposeIsRefusedWithTheTextKept() throws Exception {
    String carol = t.token("carol");
    fileObjection("carol", "first");
    TestServer.Response again = t.send("POST", "/v1/members/carol/objections", carol, "{\"purpose\":\"personalization\",\"reason\":\"second\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("detail").asText()).contains("already objected to Personalization models on 3 March 2025")
        .contains("due by 3 April 2025");
    HttpResponse<String> page = post("/privacy", "/privacy/objections", carol, Map.of("purpose", "personalization", "reason", "my second try"));
    assertThat(page.statusCode()).isEqualTo(409);
    assertThat(page.body()).contains("Your objection was not sent").contains(">my second try</textarea>");
    assertThat(t.events("carol", "objection.filed")).hasSize(1);
  }

  @Test
  void controlCharactersAndBrokenCharactersInAReasonAreInvalid() throws Exception {
    String carol = t.token("carol");
    for (String reason : new String[] {"nul \\u0000 here", "bell \\u0007", "lone \\ud800 surrogate", "del \\u007f"}) {
      TestServer.Response r = t.send("POST", "/v1/members/carol/objections", carol, "{\"purpose\":\"personalization\",\"reason\":\"" + reason + "\"}");
      assertThat(r.status()).as(reason).isEqualTo(422);
      assertThat(r.json().get("type").asText()).as(reason).endsWith("/invalid-reason");
    }
    assertThat(t.events("carol", "objection.filed")).isEmpty();
    fileObjection("carol", "line one\nline two\twith a tab");
  }

  // ------------------------------------------------------------------ 5, 11: words for the member

  @Test
  void theMemberSeesTheDecisionInWordsWithItsDateAndJustification() throws Exception {
    String id = fileObjection("carol", "please stop");
    String carol = t.token("carol");
    assertThat(get("/privacy", carol).body()).contains("Awaiting an answer, due by <time datetime=\"2025-04-03T10:00:00Z\">");
    t.clock.advance(Duration.ofDays(3));
    admin = t.token(Role.ADMIN);
    carol = t.token("carol");
    assertThat(t.send("POST", "/v1/admin/objections/" + id + "/decision", admin,
        "{\"outcome\":\"rejected\",\"justification\":\"we need it for the service you asked for\"}").status()).isEqualTo(200);
    String page = get("/privacy", carol).body();
    String objections = page.substring(page.indexOf("id=\"your-objections\""));
    assertThat(objections).contains("<strong>Not upheld</strong> on <time datetime=\"2025-03-06T10:00:00Z\">6 March 2025, 10:00 UTC</time>")
        .contains("Why: we need it for the service you asked for").doesNotContain("Awaiting").doesNotContain(">rejected<");
    assertThat(page).contains("Your objection was not upheld").contains("Objection sent about Personalization models");
  }

  @Test
  void memberWordsUseTitlesAndCountryNamesNotCodes() throws Exception {
    String bob = t.token("bob");
    post("/privacy", "/privacy/settings/genai-training", bob, Map.of());
    assertThat(get("/privacy", bob).body()).contains("Switched off Data for Generative AI Improvement in your settings")
        .doesNotContain("genai-training (settings)");
    String dan = t.token("dan");
    assertThat(get("/privacy", dan).body()).contains("not permitted where you live (France)");
    TestServer.Response r = t.send("PUT", "/v1/members/dan/settings/genai-training", dan, "{\"choice\":\"grant\"}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().get("detail").asText()).contains("not permitted where you live (France)").doesNotContain("jurisdiction-blocked");
  }

  // ------------------------------------------------------------------ 6: the audit page's checks

  @Test
  void anOverdueObjectionShowsAsAMissedDeadlineOnTheAuditPageAndInTheReport() throws Exception {
    String auditor = t.token(Role.AUDITOR);
    fileObjection("alice", "no");
    assertThat(get("/audit", auditor).body()).contains("<dd id=\"objection-deadlines\">yes</dd>");
    t.clock.advance(Duration.ofDays(40));
    String page = get("/audit", t.token(Role.AUDITOR)).body();
    assertThat(page).contains("<dd id=\"objection-deadlines\">NO: 0 decided late, 1 undecided past the deadline</dd>");
    JsonNode summary = t.send("GET", "/v1/audit/report", t.token(Role.AUDITOR), null).json().get("summary");
    assertThat(summary.get("objection_deadlines_met").asBoolean()).isFalse();
    assertThat(summary.get("objections_overdue").asLong()).isEqualTo(1);
    assertThat(summary.get("objections_decided_late").asLong()).isZero();
    // What Lethe enforces is a separate matter from the staff's answer deadlines.
    assertThat(page).contains("<dd id=\"all-checks\">" + (summary.get("all_checks_pass").asBoolean() ? "yes" : "NO") + "</dd>");
  }

  // ------------------------------------------------------------------ 7: expired sessions

  @Test
  void anExpiredSessionSaysSoAndAFormSentWithItKeepsTheTypedText() throws Exception {
    String carol = t.tokens.issue(Principal.member("carol"), Duration.ofMinutes(5));
    String csrfPage = get("/privacy", carol).body();
    Matcher m = CSRF.matcher(csrfPage);
    assertThat(m.find()).isTrue();
    t.clock.advance(Duration.ofMinutes(10));

    HttpResponse<String> r = get("/privacy", carol);
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location").orElseThrow()).isEqualTo("/login?expired=1");
    assertThat(get("/login?expired=1", carol).body()).contains("Your session has expired; sign in again.").contains("lethe token");

    String body = Auth.CSRF_FIELD + "=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8) + "&purpose=personalization&reason="
        + URLEncoder.encode("three paragraphs of careful reasons", StandardCharsets.UTF_8);
    HttpResponse<String> sent = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/privacy/objections"))
        .header("Cookie", Auth.COOKIE + "=" + carol).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).isEqualTo(401);
    assertThat(sent.body()).contains("Your session has expired; sign in again.").contains("not saved")
        .contains(">three paragraphs of careful reasons</textarea>");
    assertThat(t.events("carol", "objection.filed")).isEmpty();

    HttpResponse<String> login = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("token=" + carol)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(401);
    assertThat(login.body()).contains("This access token has expired.").contains("Get a new access token");
  }
}
