package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin lists come in pages (the API's {@code from} and {@code limit}, the admin page's
 * links), most urgent first, with their counts: at scale the whole lists were hundreds of
 * megabytes. 120 members each ask for erasure (the first 30 long enough ago to be overdue) and
 * 60 of them object; 120 others have not been sent the notice, so 120 notices wait in the outbox
 * (a member who asked for erasure is sent none).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminListPagesTest {

  static final int MEMBERS = 120;
  static final int OVERDUE = 30;
  static final int OBJECTORS = 60;

  TestServer t;
  String admin;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    t = new TestServer(dir);
    admin = t.token(Role.ADMIN);
    for (int i = 0; i < MEMBERS; i++) {
      for (String m : List.of(member(i), "n" + member(i))) {
        t.store.append("{\"type\":\"member.registered\",\"at\":\"2024-12-02T00:00:00Z\",\"member\":\"" + m
            + "\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\"}", null);
      }
    }
    // Erasures an hour apart, so the queue's order (earliest deadline first) is the members' order;
    // the first OVERDUE received more than a month before the clock's now.
    for (int i = 0; i < MEMBERS; i++) {
      t.clock.set(i < OVERDUE ? Instant.parse("2025-01-10T00:00:00Z").plus(Duration.ofHours(i))
          : Instant.parse("2025-02-10T00:00:00Z").plus(Duration.ofHours(i)));
      if (i < OBJECTORS) {
        assertThat(t.send("POST", "/v1/members/" + member(i) + "/objections", t.token(member(i)),
            "{\"purpose\":\"personalization\",\"reason\":\"r" + i + "\"}").status()).isEqualTo(201);
      }
      assertThat(t.send("POST", "/v1/members/" + member(i) + "/erasure", t.token(member(i)), null).status()).isEqualTo(202);
    }
    t.clock.set(TestServer.NOW);
  }

  @AfterAll
  void stop() {
    t.close();
  }

  static String member(int i) {
    return String.format("m%03d", i);
  }

  private JsonNode get(String path) throws Exception {
    TestServer.Response r = t.get(path, admin);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static List<String> field(JsonNode list, String name) {
    List<String> out = new ArrayList<>();
    list.forEach(e -> out.add(e.get(name).asText()));
    return out;
  }

  @Test
  void theForgetQueueComesInPagesOfFiftyEarliestDeadlineFirstWithItsCounts() throws Exception {
    JsonNode first = get("/v1/admin/forget-queue");
    assertThat(first.get("total").asInt()).isEqualTo(MEMBERS);
    assertThat(first.get("overdue").asInt()).isEqualTo(OVERDUE);
    assertThat(first.get("from").asLong()).isZero();
    assertThat(first.get("next").asLong()).isEqualTo(50);
    assertThat(first.get("requests")).hasSize(50);
    assertThat(first.get("requests").get(0).get("member").asText()).isEqualTo("m000");
    assertThat(first.get("requests").get(0).get("days_left").asLong()).isNegative();
    assertThat(first.get("schedule").get("every").asText()).isEqualTo("PT1H");

    // Following next from page to page gives the whole queue once, in order.
    List<String> walked = new ArrayList<>();
    JsonNode page = get("/v1/admin/forget-queue?limit=7");
    while (true) {
      walked.addAll(field(page.get("requests"), "member"));
      if (page.get("next").isNull()) {
        break;
      }
      page = get("/v1/admin/forget-queue?limit=7&from=" + page.get("next").asLong());
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      expected.add(member(i));
    }
    assertThat(walked).isEqualTo(expected);
    assertThat(field(get("/v1/admin/forget-queue?limit=200").get("requests"), "member")).isEqualTo(expected);

    JsonNode last = get("/v1/admin/forget-queue?from=100");
    assertThat(field(last.get("requests"), "member")).hasSize(20).startsWith("m100");
    assertThat(last.get("next").isNull()).isTrue();
    JsonNode past = get("/v1/admin/forget-queue?from=5000");
    assertThat(past.get("requests")).isEmpty();
    assertThat(past.get("total").asInt()).isEqualTo(MEMBERS);
    assertThat(past.get("next").isNull()).isTrue();
  }

  @Test
  void objectionsComeInPagesUndecidedFirstWithTheirCounts() throws Exception {
    // One decided objection moves behind every undecided one.
    String decided = get("/v1/admin/objections?limit=1").get("objections").get(0).get("objection").asText();
    assertThat(t.send("POST", "/v1/admin/objections/" + decided + "/decision", admin,
        "{\"outcome\":\"rejected\",\"justification\":\"legitimate interest\"}").status()).isEqualTo(200);

    JsonNode first = get("/v1/admin/objections");
    assertThat(first.get("total").asInt()).isEqualTo(OBJECTORS);
    assertThat(first.get("pending").asInt()).isEqualTo(OBJECTORS - 1);
    assertThat(first.get("overdue").asInt()).isEqualTo(OVERDUE - 1);
    assertThat(first.get("from").asLong()).isZero();
    assertThat(first.get("next").asLong()).isEqualTo(50);
    assertThat(field(first.get("objections"), "member")).hasSize(50).startsWith("m001", "m002");

    JsonNode second = get("/v1/admin/objections?from=50&limit=50");
    assertThat(second.get("next").isNull()).isTrue();
    assertThat(field(second.get("objections"), "member")).hasSize(10).endsWith("m059", "m000");
    assertThat(second.get("objections").get(9).get("status").asText()).isEqualTo("rejected");
  }

  @Test
  void theOutboxCountsEveryNoticeAndListsOnePage() throws Exception {
    JsonNode first = get("/v1/admin/outbox");
    assertThat(first.get("pending").asInt()).isEqualTo(MEMBERS);
    assertThat(first.get("notices")).hasSize(50);
    assertThat(first.get("next").asLong()).isEqualTo(50);
    JsonNode last = get("/v1/admin/outbox?from=110&limit=20");
    assertThat(last.get("notices")).hasSize(10);
    assertThat(last.get("next").isNull()).isTrue();
  }

  @Test
  void badPageParametersAreProblemsThatChangeNothing() throws Exception {
    for (String list : List.of("forget-queue", "objections", "outbox")) {
      String path = "/v1/admin/" + list;
      String range = t.refused(400, "GET", path + "?limit=0", admin, null, Map.of()).json().get("detail").asText();
      assertThat(range).contains("1 to 200");
      for (String bad : List.of("?limit=201", "?limit=-5", "?limit=x", "?limit=", "?limit=99999999999")) {
        assertThat(t.refused(400, "GET", path + bad, admin, null, Map.of()).json().get("detail").asText()).isEqualTo(range);
      }
      for (String bad : List.of("?from=-1", "?from=x", "?from=99999999999999999999999", "?from=")) {
        assertThat(t.refused(400, "GET", path + bad, admin, null, Map.of()).json().get("detail").asText()).contains("from");
      }
      assertThat(t.refused(400, "GET", path + "?offset=5", admin, null, Map.of()).json().get("detail").asText())
          .contains("\"offset\"").contains("\"from\", \"limit\"");
      assertThat(t.refused(400, "GET", path + "?from=1&from=2", admin, null, Map.of()).json().get("detail").asText())
          .contains("more than once");
    }
  }

  // ------------------------------------------------------------------ the admin page

  private HttpResponse<String> page(String query) throws Exception {
    return t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/admin" + query))
        .header("Cookie", Auth.COOKIE + "=" + admin).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String section(String page, String id) {
    int start = page.indexOf("<section id=\"" + id + "\"");
    return page.substring(start, page.indexOf("</section>", start));
  }

  /** The table rows of a section's body (its header row left out). */
  private static int rows(String section) {
    int body = section.indexOf("<tbody>");
    return body < 0 ? 0 : section.substring(body).split("<tr>", -1).length - 1;
  }

  private static List<String> links(String section) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<a href=\"(/admin[^\"]*)\">([^<]*)</a>").matcher(section);
    while (m.find()) {
      out.add(m.group(2) + " " + m.group(1));
    }
    return out;
  }

  @Test
  void theAdminPageShowsTheFirstFiftyOfEachListWithTheCountsAndLinksToTheRest() throws Exception {
    HttpResponse<String> r = page("");
    assertThat(r.statusCode()).isEqualTo(200);
    String forget = section(r.body(), "forget");
    assertThat(rows(forget)).isEqualTo(50);
    assertThat(forget).contains("<p id=\"forget-range\">Showing 1–50 of 120 open requests, earliest deadline first; 30 past their deadline.</p>");
    assertThat(forget.indexOf("<td>m000</td>")).isLessThan(forget.indexOf("<td>m049</td>"));
    assertThat(forget).doesNotContain("<td>m050</td>");
    assertThat(links(forget)).containsExactly("Next (70 more) /admin?forget_from=50#forget", "Last /admin?forget_from=100#forget");

    String objections = section(r.body(), "objections");
    assertThat(rows(objections)).isEqualTo(50);
    assertThat(objections).containsPattern("<p id=\"objections-range\">Showing 1–50 of 60 objections; \\d+ undecided \\(\\d+ past their deadline\\)");
    assertThat(links(objections)).containsExactly("Next (10 more) /admin?objections_from=50#objections");
    // Served as it is: links, no script of its own (the CSP allows none inline).
    assertThat(r.body()).doesNotContain("<script>").doesNotContain("onclick");
  }

  @Test
  void theAdminPagesFurtherPagesKeepTheOtherListsPage() throws Exception {
    HttpResponse<String> r = page("?objections_from=50&forget_from=100");
    assertThat(r.statusCode()).isEqualTo(200);
    String forget = section(r.body(), "forget");
    assertThat(rows(forget)).isEqualTo(20);
    assertThat(forget).contains("Showing 101–120 of 120 open requests").contains("<td>m100</td>").contains("<td>m119</td>");
    assertThat(links(forget)).containsExactly("First /admin?objections_from=50#forget",
        "Previous /admin?objections_from=50&amp;forget_from=50#forget");
    String objections = section(r.body(), "objections");
    assertThat(rows(objections)).isEqualTo(10);
    assertThat(links(objections)).containsExactly("First /admin?forget_from=100#objections");
    assertThat(objections).as("a decision made here comes back here").contains("/decision?objections_from=50\"");

    // A row that does not start a page (a hand-made address): its page runs from there.
    String odd = section(page("?forget_from=110").body(), "forget");
    assertThat(rows(odd)).isEqualTo(10);
    assertThat(links(odd)).containsExactly("First /admin#forget", "Previous /admin?forget_from=60#forget",
        "Last /admin?forget_from=100#forget");

    // Past the end: nothing listed, the count, and a way back.
    String beyond = section(page("?forget_from=900").body(), "forget");
    assertThat(rows(beyond)).isZero();
    assertThat(beyond).contains("Nothing from row 901 on: there are 120 open requests");
    assertThat(links(beyond)).containsExactly("First /admin#forget", "Last /admin?forget_from=100#forget");
    // Just past the end (within a page of it): still one way back, to the last page.
    assertThat(links(section(page("?forget_from=120").body(), "forget")))
        .containsExactly("First /admin#forget", "Last /admin?forget_from=100#forget");
    assertThat(links(section(page("?forget_from=149").body(), "forget")))
        .containsExactly("First /admin#forget", "Last /admin?forget_from=100#forget");
  }

  @Test
  void aMalformedPageNumberIsAnErrorPage() throws Exception {
    for (String bad : List.of("?forget_from=x", "?objections_from=-1", "?forget_from=99999999999999999999")) {
      HttpResponse<String> r = page(bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      assertThat(r.body()).contains("must be a row number");
    }
  }
}
