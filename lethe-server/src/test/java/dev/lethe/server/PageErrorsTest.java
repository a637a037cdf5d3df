package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors on the pages' routes are pages (status kept, the reason in words, a link back), refused
 * forms come back filled in, and the API keeps answering with problem JSON; the audit log's pager
 * never shows an impossible range.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageErrorsTest {

  static final Pattern CSRF = Pattern.compile("name=\"" + Auth.CSRF_FIELD + "\" value=\"([^\"]+)\"");

  TestServer t;
  String bob;
  String admin;
  String auditor;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    t = new TestServer(dir);
    bob = t.token("bob");
    admin = t.token(Role.ADMIN);
    auditor = t.token(Role.AUDITOR);
  }

  @AfterAll
  void stop() {
    t.close();
  }

  HttpResponse<String> get(String path, String session, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.base() + path)).header("Cookie", Auth.COOKIE + "=" + session);
    if (accept != null) {
      b.header("Accept", accept);
    }
    return t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String session, Map<String, String> form, String accept) throws Exception {
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.base() + path)).header("Cookie", Auth.COOKIE + "=" + session)
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The session's CSRF token, read from a page's form as a browser would. */
  String csrf(String page, String session) throws Exception {
    Matcher m = CSRF.matcher(get(page, session, null).body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  static void assertErrorPage(HttpResponse<String> r, int status, String backHref) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(r.body()).startsWith("<!doctype html>").contains("id=\"error-detail\"", "HTTP status " + status)
        .contains("id=\"error-back\" href=\"" + backHref + "\"").doesNotContain("\"type\":").doesNotContain("javascript:");
  }

  @Test
  void aStaleFormTokenIsAPageSayingToReloadAndChangesNothing() throws Exception {
    long before = t.store.eventCount();
    HttpResponse<String> r = post("/privacy/settings/genai-training", bob, Map.of("enabled", "on", Auth.CSRF_FIELD, "stale"),
        "text/html,application/xhtml+xml,*/*;q=0.8");
    assertErrorPage(r, 403, "/privacy#settings");
    assertThat(r.body()).contains("<h1>Not allowed</h1>", "The form&#39;s security token is missing or stale: reload the page and try again.",
        "Nothing was changed", "Signed in as bob");
    // No Accept header at all (curl): still the page, on a page route.
    assertErrorPage(post("/privacy/settings/genai-training", bob, Map.of("enabled", "on"), null), 403, "/privacy#settings");
    assertThat(t.store.eventCount()).isEqualTo(before);
  }

  @Test
  void aScriptAskingForJsonOnAPageRouteAndEveryApiCallerGetProblemJson() throws Exception {
    HttpResponse<String> r = post("/privacy/settings/genai-training", bob, Map.of("enabled", "on"), "application/json");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith(Problems.MEDIA_TYPE);
    assertThat(Json.MAPPER.readTree(r.body()).get("type").asText()).endsWith("/forbidden");

    // The API never answers with a page, whatever the Accept header says.
    HttpResponse<String> api = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/v1/audit/proofs/999999"))
        .header("Authorization", "Bearer " + auditor).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(404);
    assertThat(api.headers().firstValue("Content-Type").orElse("")).startsWith(Problems.MEDIA_TYPE);
    HttpResponse<String> unknownApi = get("/v1/no/such/path", bob, "text/html");
    assertThat(unknownApi.statusCode()).isEqualTo(404);
    assertThat(unknownApi.headers().firstValue("Content-Type").orElse("")).startsWith(Problems.MEDIA_TYPE);
  }

  @Test
  void aMemberOnTheAdminPageIsToldSoAndSentBackToTheirOwnPage() throws Exception {
    HttpResponse<String> r = get("/admin", bob, "text/html");
    assertErrorPage(r, 403, "/privacy");
    assertThat(r.body()).contains("This page is for the admin role, and you are signed in with the member role.",
        "Go to your Data privacy page");
  }

  @Test
  void aMalformedPolicyComesBackInTheFormWithWhereItIsWrong() throws Exception {
    String text = "{\"version\":\"v9\",\n \"purposes\": {<b>oops</b>";
    long before = t.store.eventCount();
    HttpResponse<String> r = post("/admin/policies/preview", admin, Map.of("policy", text, Auth.CSRF_FIELD, csrf("/admin", admin)), null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(r.body()).contains("<h1>Administration</h1>", "id=\"policy-error\"", "The policy is not valid JSON (line 2, column",
        "Nothing was published; your text is below.", "aria-invalid=\"true\"")
        .contains(">" + Html.esc(text) + "</textarea>").doesNotContain("<b>oops</b>");

    // Valid JSON but not a policy: the policy's own problem, the text kept, nothing published.
    String notAPolicy = "{\"version\":\"x\"}";
    HttpResponse<String> publish = post("/admin/policies", admin, Map.of("policy", notAPolicy, Auth.CSRF_FIELD, csrf("/admin", admin)), null);
    assertThat(publish.statusCode()).isEqualTo(422);
    assertThat(publish.body()).contains("id=\"policy-error\"", ">" + Html.esc(notAPolicy) + "</textarea>");
    assertThat(t.store.eventCount()).isEqualTo(before);
  }

  @Test
  void aRefusedObjectionComesBackWithTheMembersTextAndWhy() throws Exception {
    String reason = "Please stop <script>alert(1)</script> profiling me";
    Map<String, String> form = new LinkedHashMap<>();
    form.put("purpose", "personalization");
    form.put("reason", reason);
    form.put(Auth.CSRF_FIELD, csrf("/privacy", bob));
    long before = t.store.eventCount();
    HttpResponse<String> r = post("/privacy/objections", bob, form, "text/html");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("<h1>Data privacy</h1>", "id=\"objection-refused\"", "Your objection was not sent: ",
        "<option value=\"personalization\" selected>", ">" + Html.esc(reason) + "</textarea>").doesNotContain("<script>alert");
    assertThat(t.store.eventCount()).isEqualTo(before);
  }

  @Test
  void badAuditAddressesArePagesWithALinkBackToTheirSection() throws Exception {
    HttpResponse<String> leaf = get("/audit?leaf=abc", auditor, "text/html");
    assertErrorPage(leaf, 400, "/audit#proof");
    assertThat(leaf.body()).contains("Leaf must be a leaf number (a whole number, 0 or more), not &quot;abc&quot;.");
    assertErrorPage(get("/audit?from=-5", auditor, "text/html"), 400, "/audit#log");
    assertErrorPage(get("/audit?from=12abc", auditor, null), 400, "/audit#log");
    assertErrorPage(get("/audit?leaf=999999", auditor, "text/html"), 404, "/audit#proof");
    HttpResponse<String> snapshot = get("/audit/snapshots/nope", auditor, "text/html");
    assertErrorPage(snapshot, 404, "/audit#snapshots");
    assertThat(snapshot.body()).contains("<h1>Not found</h1>");
    // An address no route has, from a browser: a page too, leading to the visitor's own page.
    assertErrorPage(get("/nowhere", auditor, "text/html"), 404, "/audit");
    // Not signed in: the link goes to the sign-in page.
    HttpResponse<String> out = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/logout")).header("Accept", "text/html").build(),
        HttpResponse.BodyHandlers.ofString());
    assertErrorPage(out, 405, "/login");
  }

  @Test
  void theAuditLogPagerNeverShowsAReversedRange() throws Exception {
    t.store.checkpoint();
    long size = Json.MAPPER.readTree(t.get("/v1/audit/log?from=0&limit=1", auditor).body()).get("size").asLong();
    assertThat(size).isPositive();
    long last = (size - 1) / 50 * 50;

    HttpResponse<String> past = get("/audit?from=999999", auditor, "text/html");
    assertThat(past.statusCode()).isEqualTo(200);
    String log = section(past.body(), "log");
    assertThat(log).contains("No leaves from 999999: the log has " + size + (size == 1 ? " leaf" : " leaves") + ", numbered 0 to " + (size - 1))
        .contains("href=\"/audit?from=" + last + "#log\">Last page").doesNotContain("Previous").doesNotContain("Next")
        .doesNotContain("999999–");

    String first = section(get("/audit", auditor, null).body(), "log");
    assertThat(first).contains("Leaves 0–" + (Math.min(50, size) - 1) + " of " + size).doesNotContain("Previous");
    String end = section(get("/audit?from=" + (size - 1), auditor, null).body(), "log");
    assertThat(end).contains("Leaves " + (size - 1) + "–" + (size - 1) + " of " + size).doesNotContain(">Next<");
  }

  private static String section(String page, String id) {
    int start = page.indexOf("<section id=\"" + id + "\"");
    assertThat(start).as("section %s", id).isNotNegative();
    return page.substring(start, page.indexOf("</section>", start));
  }
}
