package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
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
  void addressesNoRouteHasArePagesOffTheApiAndProblemsOnIt() throws Exception {
    // No Accept header (curl, a link followed by a simple client): a page for a mistyped page address.
    HttpResponse<String> nowhere = get("/nowhere", bob, null);
    assertErrorPage(nowhere, 404, "/privacy");
    assertThat(nowhere.body()).contains("<h1>Not found</h1>", "Nothing is at this address.");
    assertErrorPage(get("/privacy/no/such/page", bob, null), 404, "/privacy");
    HttpResponse<String> delete = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/privacy"))
        .header("Cookie", Auth.COOKIE + "=" + bob).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertErrorPage(delete, 405, "/privacy");
    assertThat(delete.body()).contains("<h1>Not available this way</h1>", "This address does not take DELETE requests.");

    // The API keeps its problems, whatever is accepted; so do the routes for programs unless HTML is asked for.
    assertProblem(get("/v1/nowhere", bob, null), 404, "/not-found");
    assertProblem(get("/v1/nowhere", bob, "text/html"), 404, "/not-found");
    assertProblem(t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/health")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString()), 405, "/method-not-allowed");
    assertProblem(get("/nowhere", bob, "application/json"), 404, "/not-found");
    assertErrorPage(t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/health")).header("Accept", "text/html")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()), 405, "/login");
  }

  @Test
  void requestsJettyRefusesBeforeAnyRouteArePagesOffTheApiAndProblemsOnIt() throws Exception {
    // A Content-Length that is not a number: Jetty answers before Javalin sees the request.
    String badLength = "Content-Length: abc\r\n";
    Raw page = raw("GET", "/privacy", badLength);
    assertThat(page.status()).as(page.head()).isEqualTo(400);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).startsWith("<!doctype html>").contains("<h1>That request was not valid</h1>", "id=\"error-detail\"",
        "The browser sent a request the server could not read (Invalid Content-Length Value).", "HTTP status 400",
        "id=\"error-back\" href=\"/\"").doesNotContain("\"type\":");
    Raw api = raw("GET", "/v1/members/bob/settings", badLength + "Accept: text/html\r\n");
    assertThat(api.status()).isEqualTo(400);
    assertThat(api.contentType()).startsWith(Problems.MEDIA_TYPE);
    assertThat(Json.MAPPER.readTree(api.body()).get("type").asText()).endsWith("/bad-request");
    assertThat(Json.MAPPER.readTree(api.body()).get("instance").asText()).isEqualTo("/v1/members/bob/settings");

    // Headers past the server's limit: the same split.
    String huge = "X-Filler: " + "a".repeat(20_000) + "\r\n";
    Raw bigPage = raw("GET", "/admin", huge);
    assertThat(bigPage.status()).isEqualTo(431);
    assertThat(bigPage.contentType()).startsWith("text/html");
    assertThat(bigPage.body()).contains("<h1>Too much was sent</h1>", "HTTP status 431");
    Raw bigApi = raw("GET", "/v1/members/bob/settings", huge);
    assertThat(bigApi.status()).isEqualTo(431);
    assertThat(bigApi.contentType()).startsWith(Problems.MEDIA_TYPE);

    // A request line Jetty cannot read (a bad %-escape) comes with no path and no headers: it may
    // be an API call, so it keeps the API's problem document.
    Raw unreadable = raw("GET", "/privacy/%zz", "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n");
    assertThat(unreadable.status()).isEqualTo(400);
    assertThat(unreadable.contentType()).startsWith(Problems.MEDIA_TYPE);
    assertThat(Json.MAPPER.readTree(unreadable.body()).get("type").asText()).endsWith("/bad-request");

    // The routes for programs keep their problems.
    Raw health = raw("GET", "/health", badLength);
    assertThat(health.status()).isEqualTo(400);
    assertThat(health.contentType()).startsWith(Problems.MEDIA_TYPE);
  }

  /** A response read off the wire. */
  record Raw(int status, String head, String body) {
    String contentType() {
      for (String line : head.split("\r\n")) {
        if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
          return line.substring(13).trim();
        }
      }
      return "";
    }
  }

  /**
   * Sends a request as written (the HTTP client refuses to send malformed ones) and reads the
   * whole answer; {@code headers} are extra header lines, each ending in CRLF.
   */
  Raw raw(String method, String target, String headers) throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int split = response.indexOf("\r\n\r\n");
      assertThat(split).as(response).isPositive();
      String head = response.substring(0, split);
      return new Raw(Integer.parseInt(head.substring(9, 12)), head, response.substring(split + 4));
    }
  }

  static void assertProblem(HttpResponse<String> r, int status, String typeEnd) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith(Problems.MEDIA_TYPE);
    assertThat(Json.MAPPER.readTree(r.body()).get("type").asText()).endsWith(typeEnd);
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
