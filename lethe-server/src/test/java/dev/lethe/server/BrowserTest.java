package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.store.audit.AuditKey;
import dev.lethe.store.audit.KeyRotation;
import dev.lethe.store.audit.Merkle;
import dev.lethe.store.audit.SignedCheckpoint;
import dev.lethe.testkit.Trees;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real Chromium (Debian's chromium and chromium-driver). Without them the tests
 * are skipped, unless LETHE_REQUIRE_BROWSER=1 (as in CI), where a missing browser fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  TestServer t;
  WebDriver driver;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "1".equals(System.getenv("LETHE_REQUIRE_BROWSER"))) {
      fail("LETHE_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: apt-get install chromium chromium-driver");
    }
    assumeTrue(present, "Chromium is not installed (apt-get install chromium chromium-driver): browser tests skipped");
    t = new TestServer(dir.resolve("server"));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (t != null) {
      t.close();
    }
  }

  @BeforeEach
  void signedOut() {
    driver.manage().deleteAllCookies();
  }

  void signIn(String token, String expectedPath) {
    signIn(t, token, expectedPath);
  }

  void signIn(TestServer server, String token, String expectedPath) {
    driver.get(server.base() + "/login");
    driver.findElement(By.id("token")).sendKeys(token);
    driver.findElement(By.cssSelector("form[action='/login'] button[type=submit]")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains(expectedPath));
  }

  @Test
  void switchingTheToggleOffRecordsAWithdrawal() {
    signIn(t.token("bob"), "/privacy");
    WebElement toggle = driver.findElement(By.id("toggle-genai-training"));
    assertThat(driver.findElement(By.cssSelector("label[for='toggle-genai-training']")).getText())
        .isEqualTo("Data for Generative AI Improvement");
    assertThat(toggle.isSelected()).isTrue();
    toggle.click(); // the page script saves on change; the page then reloads
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.stalenessOf(toggle));
    // The form posts and the server redirects back to the page: until that page has loaded, an
    // element found may belong to a document about to be replaced, so it is looked up again.
    new WebDriverWait(driver, Duration.ofSeconds(10))
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .until(d -> d.findElement(By.id("history")).getText().contains("Switched off Data for Generative AI Improvement in your settings"));
    assertThat(driver.findElement(By.id("toggle-genai-training")).isSelected()).isFalse();
    // A status message says what was saved, and keyboard focus is back on the switch.
    assertThat(driver.findElement(By.id("settings-status")).getText()).isEqualTo("Saved: Data for Generative AI Improvement is now off.");
    assertThat(driver.findElement(By.id("settings-status")).getAttribute("role")).isEqualTo("status");
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("toggle-genai-training");
    assertThat(t.events("bob", "consent.set")).singleElement().satisfies(e -> {
      assertThat(e.get("choice").asText()).isEqualTo("withdraw");
      assertThat(e.get("purpose").asText()).isEqualTo("genai-training");
      assertThat(e.get("source").asText()).isEqualTo("settings");
    });
    assertThat(driver.findElement(By.id("history")).getText()).doesNotContain("genai-training");
  }

  @Test
  void aMemberOnAnAdminPageGetsAPageSayingSoWithAWayBack() {
    signIn(t.token("bob"), "/privacy");
    driver.get(t.base() + "/admin");
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Not allowed");
    assertThat(driver.findElement(By.id("error-detail")).getText())
        .isEqualTo("This page is for the admin role, and you are signed in with the member role.");
    assertThat(driver.getPageSource()).doesNotContain("\"type\"").doesNotContain("problem");
    driver.findElement(By.id("error-back")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/privacy"));
    assertThat(driver.findElement(By.id("settings")).isDisplayed()).isTrue();
  }

  @Test
  void aUkMemberSeesAnExplanationInsteadOfTheToggle() throws Exception {
    String v2 = AdminAuditApiTest.v2BlockingGb("2025-03-03T10:00:00Z", 0).replace("\"version\":\"v2\"", "\"version\":\"v2-browser\"");
    String admin = t.token(Role.ADMIN);
    assertThat(t.send("POST", "/v1/admin/policies", admin, v2).status()).isEqualTo(201);
    assertThat(t.send("POST", "/v1/admin/outbox/send", admin, null).status()).isEqualTo(200);

    signIn(t.token("carol"), "/privacy");
    assertThat(driver.findElements(By.id("toggle-genai-training"))).isEmpty();
    assertThat(driver.findElement(By.id("toggle-genai-training-why")).getText())
        .contains("not permitted where you live (United Kingdom)");
    assertThat(driver.findElements(By.id("toggle-personalization"))).hasSize(1);
  }

  @Test
  void anObjectionAppearsForTheAdminWithItsTextEscaped() {
    String text = "<img src=x onerror=alert(1)> & <b>bold</b> \"quoted\"";
    signIn(t.token("alice"), "/privacy");
    new Select(driver.findElement(By.id("objection-purpose"))).selectByValue("personalization");
    driver.findElement(By.id("objection-reason")).sendKeys(text);
    driver.findElement(By.cssSelector("form[action='/privacy/objections'] button[type=submit]")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("#objections"));
    assertThat(driver.findElement(By.id("objections")).getText()).contains("Awaiting an answer, due by 3 April 2025");

    driver.findElement(By.cssSelector("form[action='/logout'] button")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/login"));
    signIn(t.token(Role.ADMIN), "/admin");
    WebElement cell = driver.findElement(By.cssSelector("td.objection-reason"));
    assertThat(cell.getText()).isEqualTo(text);
    assertThat(cell.findElements(By.xpath(".//*"))).as("no markup from the objection is rendered").isEmpty();
    assertThat(driver.findElement(By.id("objections")).getText()).contains("31 days left");
  }

  @Test
  void theAuditorReadsTheComplianceReportAndAMemberSeesTheModelTrainedOnTheirData() throws Exception {
    TestServer.Trained trained = t.publishSnapshotAndModel(Instant.parse("2025-03-01T00:00:00Z"));
    signIn(t.token(Role.AUDITOR), "/audit");
    driver.findElement(By.id("report-link")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/audit/report"));
    assertThat(driver.findElements(By.tagName("svg"))).as("the report's charts").isNotEmpty();
    WebElement blocked = driver.findElement(By.xpath("//div[@class='card'][contains(., 'Records from blocked regions')]"));
    assertThat(blocked.findElement(By.tagName("b")).getText()).isEqualTo("0");
    assertThat(driver.findElement(By.className("cards")).getCssValue("display"))
        .as("the report's inline style is allowed on this page").isEqualTo("flex");
    assertThat(driver.getPageSource()).contains(trained.snapshot().metadata().snapshot()).contains("lethe-verify");

    driver.manage().deleteAllCookies();
    signIn(t.token("carol"), "/privacy");
    assertThat(driver.findElement(By.id("models")).getText()).contains(trained.model().model().id()).contains("in use");
  }

  @Test
  void theMemberAndTheAuditorAreToldWhenASnapshotDirectoryCouldNotBeRead() throws Exception {
    Path elsewhere = t.dir.resolve("published-elsewhere").toAbsolutePath().normalize();
    Path gone = t.dir.resolve("unmounted").toAbsolutePath().normalize();
    String id = t.publishSnapshotAndModel(Instant.parse("2025-03-02T00:00:00Z"), elsewhere).snapshot().metadata().snapshot();
    t.store.registerSnapshotRoot(elsewhere);
    t.store.registerSnapshotRoot(gone);
    try {
      signIn(t.token("alice"), "/privacy");
      WebElement where = driver.findElement(By.id("where"));
      assertThat(where.getText()).contains(id).doesNotContain("None of your content");
      WebElement incomplete = driver.findElement(By.id("where-incomplete"));
      assertThat(incomplete.isDisplayed()).isTrue();
      assertThat(incomplete.getText()).contains("incomplete").doesNotContain(gone.toString());

      driver.manage().deleteAllCookies();
      signIn(t.token(Role.AUDITOR), "/audit");
      assertThat(driver.findElement(By.id("all-checks")).getText()).isEqualTo("NO");
      assertThat(driver.findElement(By.id("report-incomplete")).getText()).contains(gone.toString());
      assertThat(driver.findElement(By.id("snapshots-incomplete")).getText()).contains(gone.toString());
      assertThat(driver.findElement(By.id("snapshots")).getText()).contains(id).contains(elsewhere.toString());
      driver.findElement(By.id("report-link")).click();
      new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/audit/report"));
      assertThat(driver.findElement(By.id("unreachable-roots")).getText()).contains("Incomplete").contains(gone.toString());
    } finally {
      t.store.unregisterSnapshotRoot(gone); // the other tests share this server
    }
  }

  @Test
  void theMemberAndTheAuditorAreToldWhenARecordedSnapshotIsMissing() throws Exception {
    Path volume = t.dir.resolve("volume").toAbsolutePath().normalize();
    TestServer.Trained trained = t.publishSnapshotAndModel(Instant.parse("2025-03-03T00:00:00Z"), volume);
    String id = trained.snapshot().metadata().snapshot();
    dev.lethe.pipeline.SnapshotRoots.record(t.store, volume, trained.snapshot());
    Path root = dev.lethe.pipeline.SnapshotRoots.canonical(volume);
    Path aside = t.dir.resolve("volume-aside");
    Files.move(root.resolve(id), aside);
    try {
      signIn(t.token("alice"), "/privacy");
      WebElement incomplete = driver.findElement(By.id("where-incomplete"));
      assertThat(incomplete.isDisplayed()).isTrue();
      assertThat(incomplete.getText()).contains("one training data snapshot").doesNotContain(root.toString());

      driver.manage().deleteAllCookies();
      signIn(t.token(Role.AUDITOR), "/audit");
      assertThat(driver.findElement(By.id("all-checks")).getText()).isEqualTo("NO");
      assertThat(driver.findElement(By.id("snapshots-incomplete")).getText()).contains(id).contains(root.toString()).contains("is missing");
      driver.findElement(By.id("report-link")).click();
      new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/audit/report"));
      assertThat(driver.findElement(By.id("unreachable-roots")).getText()).contains("Incomplete").contains(id);
    } finally {
      Files.move(aside, root.resolve(id));
      t.store.unregisterSnapshotRoot(root); // the other tests share this server; its record goes with it
    }
  }

  @Test
  void afterAKeyRotationTheAuditorSeesEveryKeyAndWhichKeySignedEachCheckpoint() throws Exception {
    // The other tests share this server, so what happened before is read from the store, not assumed.
    int before = t.store.auditKeys().size();
    t.store.checkpoint();
    String reason = "<b>drill</b> & \"yearly\"";
    KeyRotation rotation = t.store.rotateAuditKey(false, reason);
    t.store.appendAuditRecord("browser.test", Json.object().put("note", "a leaf for the new key alone to sign"));
    List<AuditKey> keys = t.store.auditKeys();
    AuditKey retired = rotation.retired();
    AuditKey current = rotation.current();
    assertThat(keys).hasSize(before + 1);

    signIn(t.token(Role.AUDITOR), "/audit");
    WebElement section = driver.findElement(By.id("signing-keys"));
    assertThat(section.findElement(By.tagName("h2")).getText()).isEqualTo("Signing keys");
    assertThat(section.findElements(By.cssSelector("tbody tr"))).hasSize(keys.size());
    WebElement active = driver.findElement(By.id("key-" + current.number()));
    assertThat(active.getAttribute("class")).isEqualTo("active-key");
    assertThat(active.getText()).contains("(active)").contains(Merkle.hex(current.key().keyId())).contains(current.key().verifierKey())
        .contains(current.fromSize() + " and up").contains("leaf " + rotation.leafIndex())
        .contains("checkpoint " + rotation.checkpoint().number() + " signed by both keys")
        .contains("reason: " + reason);
    assertThat(active.findElements(By.tagName("b"))).as("the rotation reason is text, not markup").isEmpty();
    WebElement old = driver.findElement(By.id("key-" + retired.number()));
    assertThat(old.getText()).contains("(retired)").doesNotContain("(active)").contains(Merkle.hex(retired.key().keyId()))
        .contains(retired.fromSize() + "–" + current.fromSize());

    // Each checkpoint says which key signed it: the rotation's by both, the next by the new key only.
    List<SignedCheckpoint> cps = t.store.checkpoints();
    SignedCheckpoint latest = cps.get(cps.size() - 1);
    assertThat(latest.checkpoint().size()).as("the audit page signed the new leaf").isGreaterThan(current.fromSize());
    assertThat(driver.findElement(By.id("checkpoint-" + rotation.checkpoint().number() + "-signers")).getText())
        .isEqualTo("Signed by key " + retired.number() + " (key id " + Merkle.hex(retired.key().keyId()) + ") and key "
            + current.number() + " (key id " + Merkle.hex(current.key().keyId()) + ").");
    WebElement latestSigners = driver.findElement(By.id("checkpoint-" + latest.number() + "-signers"));
    assertThat(latestSigners.getText()).isEqualTo("Signed by key " + current.number() + " (key id " + Merkle.hex(current.key().keyId()) + ").");
    if (before == 1) {
      assertThat(driver.findElement(By.id("checkpoint-1-signers")).getText()).startsWith("Signed by key 0 (");
    }
    latestSigners.findElement(By.tagName("a")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("#key-" + current.number()));

    driver.findElement(By.id("report-link")).click();
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/audit/report"));
    assertThat(driver.findElement(By.id("checkpoint-signers")).getText())
        .startsWith("Signed by key " + current.number() + " (key id " + Merkle.hex(current.key().keyId()) + ").");
  }

  @Test
  void theAuditorSeesWhichSnapshotsAndModelsForgettingReplacedAndThatTheirFilesWereDeleted(@TempDir Path dir) throws Exception {
    // A server of its own: forgetting alice here must not change what the other tests see.
    try (TestServer own = new TestServer(dir.resolve("server"), b -> b.forgetEvery(Duration.ZERO))) {
      TestServer.Trained trained = own.publishSnapshotAndModel(Instant.parse("2025-03-01T00:00:00Z"));
      String snapshot = trained.snapshot().metadata().snapshot();
      String model = trained.model().model().id();
      assertThat(own.send("POST", "/v1/members/alice/erasure", own.token("alice"), null).status()).isEqualTo(202);
      JsonNode run = own.send("POST", "/v1/admin/forget/run", own.token(Role.ADMIN), null).json();
      String rebuilt = run.get("replacements").get(0).get("new_snapshot").asText();
      String newModel = run.get("replacements").get(0).get("new_model").asText();

      signIn(own, own.token(Role.AUDITOR), "/audit");
      WebElement replaced = driver.findElement(By.cssSelector("#snapshots li[data-status='replaced']"));
      assertThat(replaced.getText()).startsWith(snapshot).contains("replaced by forgetting on ", "by " + rebuilt,
          "under 1 forget request", "its shard files were deleted");
      assertThat(driver.findElement(By.cssSelector("#snapshots li[data-status='in-use']")).getText()).startsWith(rebuilt).contains("in use");
      assertThat(driver.findElement(By.id("snapshots-in-use")).getText()).startsWith("1 in use, 1 replaced by forgetting");
      assertThat(driver.findElement(By.cssSelector("#models li[data-status='retired']")).getText())
          .startsWith(model).contains("trained from " + snapshot, "retired by forgetting on ", "replaced by " + newModel,
              "under 1 forget request", "its artefacts were deleted");
      assertThat(driver.findElement(By.cssSelector("#models li[data-status='in-use']")).getText()).startsWith(newModel).contains("in use");
      assertThat(driver.findElement(By.id("models-in-use")).getText()).isEqualTo("1 in use, 1 retired by forgetting.");

      replaced.findElement(By.linkText(snapshot)).click();
      new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/audit/snapshots/" + snapshot));
      WebElement status = driver.findElement(By.id("snapshot-status"));
      assertThat(status.getAttribute("data-status")).isEqualTo("replaced");
      assertThat(status.getText()).contains("Replaced by forgetting on ", "by " + rebuilt, "under forget request ",
          "Forgetting deleted the shard and member files this manifest lists", "In use now: " + rebuilt);
      status.findElement(By.linkText(rebuilt)).click();
      new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/audit/snapshots/" + rebuilt));
      assertThat(driver.findElement(By.id("snapshot-status")).getText()).startsWith("In use");
      driver.manage().deleteAllCookies();
    }
  }

  @Test
  void aMemberSeesTheirCompletedRequestFoundUndoneAndBeingRemovedAgain(@TempDir Path dir) throws Exception {
    // A server of its own: forgetting alice here must not change what the other tests see.
    try (TestServer own = new TestServer(dir.resolve("server"), b -> b.forgetEvery(Duration.ZERO))) {
      TestServer.Trained trained = own.publishSnapshotAndModel(Instant.parse("2025-03-01T00:00:00Z"));
      String snapshot = trained.snapshot().metadata().snapshot();
      String model = trained.model().model().id();
      Path modelDir = own.dir.resolve("data").resolve("models").resolve(model);
      Path backup = dir.resolve("backup");
      Trees.copy(trained.snapshot().directory(), backup.resolve("snapshot"));
      Trees.copy(modelDir, backup.resolve("model"));
      assertThat(own.send("POST", "/v1/members/alice/erasure", own.token("alice"), null).status()).isEqualTo(202);
      String admin = own.token(Role.ADMIN);
      assertThat(own.send("POST", "/v1/admin/forget/run", admin, null).json().get("completed").asInt()).isEqualTo(1);
      Trees.restoreMissing(backup.resolve("snapshot"), trained.snapshot().directory());
      Trees.restoreMissing(backup.resolve("model"), modelDir);
      own.clock.advance(Duration.ofDays(40));
      admin = own.token(Role.ADMIN);
      assertThat(own.send("POST", "/v1/admin/forget/run", admin, null).json().get("recheck").get("reopened").asInt()).isEqualTo(1);
      String id = own.get("/v1/members/alice/data-usage", own.token("alice")).json().get("forget_requests").get(0).get("id").asText();

      signIn(own, own.token("alice"), "/privacy");
      WebElement row = driver.findElement(By.id("forget-" + id));
      assertThat(row.getText()).contains("found undone on a re-check; being removed again, overdue by")
          .doesNotContain(own.dir.toString());
      WebElement why = driver.findElement(By.id("forget-" + id + "-reopening-1"));
      assertThat(why.isDisplayed()).isTrue();
      assertThat(why.getText()).startsWith("Completed on ").contains(" and verified. A check on ")
          .contains("found your data again", "genai-training training data (snapshot " + snapshot + ", data as of 2025-03-01)",
              "restored, for example from a backup", "model " + model, "We are removing it again",
              "due by 2025-04-03, the deadline of your original request")
          .doesNotContain(dir.toString());

      // Forgotten again: the member sees it done, with what happened before.
      assertThat(own.send("POST", "/v1/admin/forget/run", admin, null).json().get("completed").asInt()).isEqualTo(1);
      driver.navigate().refresh();
      WebElement done = driver.findElement(By.id("forget-" + id));
      assertThat(done.getText()).contains("You asked for your data to be erased", "Done on ",
          "removed from 1 training data snapshot; the model trained on it was retrained without your data and checked")
          .doesNotContain("retrained-shards").doesNotContain("nothing needed removing");
      // Instants read to the minute; the exact second stays in the time element for machines.
      WebElement received = done.findElement(By.cssSelector("td:nth-child(2) time"));
      assertThat(received.getText()).isEqualTo("3 March 2025, 10:00 UTC");
      assertThat(received.getAttribute("datetime")).isEqualTo("2025-03-03T10:00:00Z");
      assertThat(driver.findElement(By.id("forget-" + id + "-reopening-1")).getText()).contains("It was removed again on ");
      driver.manage().deleteAllCookies();
    }
  }
}
