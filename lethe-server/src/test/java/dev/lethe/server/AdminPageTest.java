package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The admin page as an admin's browser gets it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminPageTest {

  TestServer t;
  String admin;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    t = new TestServer(dir);
    admin = t.token(Role.ADMIN);
  }

  @AfterAll
  void stop() {
    t.close();
  }

  private String page(String session) throws Exception {
    HttpResponse<String> r = t.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/admin"))
        .header("Cookie", Auth.COOKIE + "=" + session).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void theAdminPageShowsTimesReadablyInUtcWithTheExactValueInTheTimeElement() throws Exception {
    String carol = t.token("carol");
    assertThat(t.send("POST", "/v1/members/carol/objections", carol, "{\"purpose\":\"personalization\",\"reason\":\"times\"}")
        .status()).isEqualTo(201);
    assertThat(t.send("POST", "/v1/members/dan/erasure", t.token("dan"), null).status()).isEqualTo(202);
    String page = page(admin);
    // The policy in force: effective and published, to the minute.
    assertThat(page).contains("<td><time datetime=\"2025-01-01T00:00:00Z\">1 Jan 2025 00:00 UTC</time></td>"
        + "<td><time datetime=\"2024-12-01T00:00:00Z\">1 Dec 2024 00:00 UTC</time></td>");
    // The objection: filed now, due a month later.
    assertThat(page).contains("<td><time datetime=\"2025-03-03T10:00:00Z\">3 Mar 2025 10:00 UTC</time></td>"
        + "<td><time datetime=\"2025-04-03T10:00:00Z\">3 Apr 2025 10:00 UTC</time><br>");
    // The forget queue: dan's erasure, received now and due a month later.
    String forget = page.substring(page.indexOf("<section id=\"forget\""));
    assertThat(forget).contains("<td>dan</td><td>erasure</td><td><time datetime=\"2025-03-03T10:00:00Z\">3 Mar 2025 10:00 UTC</time></td>"
        + "<td><time datetime=\"2025-04-03T10:00:00Z\">3 Apr 2025 10:00 UTC</time><br>");
    // No ISO value is left as text a person reads: each is only in a datetime attribute.
    assertThat(page.replaceAll("datetime=\"[^\"]*\"", "")).doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");
  }
}
