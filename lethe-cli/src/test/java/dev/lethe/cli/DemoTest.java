package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * {@code lethe demo} end to end on a small platform, and its compliance report looked at in real
 * Chromium. Without Chromium the rendering part is skipped, unless LETHE_REQUIRE_BROWSER=1 (CI),
 * where a missing browser fails.
 */
class DemoTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Test
  void theDemoTellsTheStoryAndItsReportRenders(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("demo");
    CliRun run = CliRun.run("demo", "--out", out.toString(), "--members", "400", "--threads", "2");
    assertThat(run.status()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("every check passed", "lethe-verify.jar", "./lethe serve --data");

    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.get("snapshots")).hasSize(3);
    for (JsonNode s : report.get("snapshots")) {
      assertThat(s.get("minors_included").asLong()).isZero();
      assertThat(s.get("blocked_regions_included").asLong()).isZero();
      assertThat(s.get("included_without_notice").asLong()).isZero();
    }
    assertThat(report.get("snapshots").get(0).get("policy_version").asText()).isEqualTo("2024-08-01");
    assertThat(report.get("snapshots").get(0).get("excluded").get("notice-pending").asLong())
        .as("before members were told, opt-out members are excluded").isPositive();
    assertThat(report.get("snapshots").get(1).get("blocked_regions").toString()).contains("UK");
    assertThat(report.get("forget_requests")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.get("verification").asText()).isEqualTo("passed"));
    assertThat(report.get("audit").get("verify_command").asText()).contains("lethe-verify.jar");
    assertThat(out.resolve("audit-bundle").resolve("leaves.jsonl")).isRegularFile();

    CliRun again = CliRun.run("demo", "--out", out.toString(), "--members", "100", "--threads", "1");
    assertThat(again.status()).as("a demo directory may be replaced").isZero();
    Files.writeString(dir.resolve("precious.txt"), "keep me");
    CliRun refused = CliRun.run("demo", "--out", dir.toString(), "--members", "100");
    assertThat(refused.status()).isEqualTo(2);
    assertThat(dir.resolve("precious.txt")).exists();

    renderInChromium(out.resolve("report.html"), dir);
  }

  private static void renderInChromium(Path report, Path dir) throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "1".equals(System.getenv("LETHE_REQUIRE_BROWSER"))) {
      fail("LETHE_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
    }
    assumeTrue(present, "Chromium is not installed (apt-get install chromium chromium-driver): rendering not checked");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,1800",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    WebDriver driver = new ChromeDriver(service, options);
    try {
      driver.get(report.toUri().toString());
      assertThat(driver.getTitle()).startsWith("Lethe compliance report");
      List<WebElement> charts = driver.findElements(By.tagName("svg"));
      assertThat(charts).hasSizeGreaterThanOrEqualTo(4);
      assertThat(charts.get(0).getSize().getWidth()).as("the chart is laid out, not collapsed").isGreaterThan(600);
      WebElement blocked = driver.findElement(By.xpath("//div[@class='card'][contains(., 'Records from blocked regions')]/b"));
      assertThat(blocked.getText()).isEqualTo("0");
      assertThat(blocked.getCssValue("color")).as("a passed check is green").contains("21, 128, 61");
      assertThat(driver.findElement(By.id("audit")).isDisplayed()).isTrue();
      byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      assertThat(png.length).isGreaterThan(20_000);
      Path target = Path.of("target", "demo-report.png");
      Files.createDirectories(target.getParent());
      Files.write(target, png);
    } finally {
      driver.quit();
    }
  }
}
