package dev.gryt.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.LocalAdmin;
import dev.gryt.cli.ServerProcess;
import dev.gryt.crds.ResourceCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless chromium through Selenium) against a real
 * {@code gryt server} process on SQLite with its in-process agent on the process runner: what a
 * person sees and does, from the one-time admin sign-in link to cancel and retry. Every wait is an
 * explicit condition on the page; nothing sleeps and nothing is timed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT {
  private static final String TENANT_PASSWORD = "tenant pass phrase 42";
  private static final Duration AGENT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Path dir;
  private ServerProcess server;
  private String base;
  private String commit;
  private WebDriver browser;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("gryt-dashboard-browser-");
    commit = makeRepository(dir.resolve("origin"));
    server =
        ServerProcess.start(
            dir.resolve("home"),
            "sqlite:" + dir.resolve("server.db"),
            "--runner",
            "process",
            "--agent-capacity",
            "4");
    base = "http://127.0.0.1:" + server.port();
    String applied = server.post("/api/v1/apply", "application/yaml", manifests());
    assertThat(applied).as(applied).contains("\"success\"");
    browser = HeadlessChromium.start(dir.resolve("chromedriver.log"));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      server.close();
    }
  }

  @BeforeEach
  void signInAsAdmin() throws Exception {
    browser.manage().deleteAllCookies();
    // The server printed a one-time link at start; a fresh one comes from a restart-free source:
    // the first test uses the printed one, the others sign in again through the same kind of link.
    browser.get(adminSignInLink());
    waitFor(AGENT).until(ExpectedConditions.textToBe(By.id("username"), "admin"));
  }

  @AfterEach
  void screenshot(TestInfo test) {
    HeadlessChromium.screenshot(browser, test.getTestMethod().orElseThrow().getName());
  }

  @Test
  void aWebhookRunAppearsLiveStreamsItsLogAndIsCancelledThenRetried() throws Exception {
    browser.get(base + "/runs");
    waitFor(Duration.ofSeconds(30))
        .until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
    markPage();

    String run = trigger("slow-hook", "push", "slow-1", push());
    // The runs page picks the run up by itself: the same page, never reloaded.
    waitFor(AGENT).until(ExpectedConditions.presenceOfElementLocated(By.id("run-row-" + run)));
    assertThat(pageIsUnreloaded()).isTrue();
    assertThat(browser.findElement(By.cssSelector("#run-row-" + run + " .trigger")).getText())
        .isNotBlank();
    HeadlessChromium.screenshot(browser, "runs-page");

    browser.findElement(By.cssSelector("#run-row-" + run + " a.run-link")).click();
    waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/runs/" + run));
    markPage();
    // Lines arrive one by one while the step sleeps between them: the page streams them in.
    waitFor(AGENT).until(d -> logLine("tick 1") != null);
    waitFor(AGENT).until(d -> logLine("tick 3") != null);
    assertThat(pageIsUnreloaded()).isTrue();
    assertThat(browser.findElement(By.id("log")).getAttribute("data-live")).isEqualTo("true");
    HeadlessChromium.screenshot(browser, "run-page-live");

    // A POST without the CSRF token is refused and changes nothing.
    assertThat(postFromPage("/runs/" + run + "/cancel", null)).isEqualTo(403);
    assertThat(apiRun(run).at("/spec/cancel_requested").asBoolean(false)).isFalse();

    browser.findElement(By.cssSelector("#cancel button")).click();
    waitFor(AGENT)
        .until(ExpectedConditions.attributeToBe(By.id("run-phase"), "data-phase", "Cancelled"));
    assertThat(apiRun(run).at("/status/phase").asText()).isEqualTo("Cancelled");

    // Without a reload, the ended run's page trades Cancel for Retry.
    waitFor(Duration.ofSeconds(30))
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#retry button")));
    assertThat(browser.findElements(By.id("cancel"))).isEmpty();
    browser.findElement(By.cssSelector("#retry button")).click();
    waitFor(Duration.ofSeconds(30))
        .until(
            d ->
                !d.getCurrentUrl().contains("/runs/" + run)
                    && d.getCurrentUrl().contains("/runs/run-"));
    String retry = browser.getCurrentUrl().replaceFirst(".*/runs/", "").replaceFirst("[?#].*", "");
    assertThat(browser.findElement(By.id("run-facts")).getText())
        .contains("Retry of")
        .contains(run);
    // The retry is a new attempt on the agent: its own log starts again.
    waitFor(AGENT).until(d -> logLine("tick 1") != null);
    assertThat(apiRun(retry).at("/spec/retry_of").asText()).isEqualTo(run);
    browser.findElement(By.cssSelector("#cancel button")).click();
    waitFor(AGENT)
        .until(ExpectedConditions.attributeToBe(By.id("run-phase"), "data-phase", "Cancelled"));
  }

  @Test
  void aFailedStepShowsItsExitCodeItsScriptAsTextAndALinkedLineOpensThere() throws Exception {
    String run = trigger("fails-hook", "push", "fails-1", push());
    browser.get(base + "/runs/" + run);
    // The stream's end marks the phase, then the page brings in each step's outcome.
    waitFor(AGENT)
        .until(ExpectedConditions.attributeToBe(By.id("run-phase"), "data-phase", "Failed"));
    // Without a reload, the steps table shows each step's outcome once the run ended.
    waitFor(Duration.ofSeconds(30))
        .until(
            ExpectedConditions.attributeToBe(
                By.cssSelector("tr.step[data-step='breaks']"), "data-state", "Failed"));
    WebElement breaks = browser.findElement(By.cssSelector("tr.step[data-step='breaks']"));
    assertThat(breaks.getAttribute("data-state")).isEqualTo("Failed");
    assertThat(breaks.findElement(By.cssSelector(".step-state")).getText()).isEqualTo("Failed");
    assertThat(breaks.findElement(By.cssSelector(".exit-code")).getText()).isEqualTo("3");
    assertThat(
            browser.findElement(By.cssSelector("tr.step[data-step='first'] .step-state")).getText())
        .isEqualTo("Succeeded");

    // A step that printed a script tag shows that text, and nothing ran it.
    WebElement script = logLine("<script>alert(1)</script>");
    assertThat(script).as("the script line is shown as text").isNotNull();
    assertThatNoAlertIsOpen();
    HeadlessChromium.screenshot(browser, "run-page");

    // A line's number is a link to it; opening that link shows the page at that line.
    WebElement failing = logLine("about to fail");
    String anchor = failing.getAttribute("id");
    assertThat(anchor).matches("L\\d+");
    WebElement number = failing.findElement(By.cssSelector("a.ln"));
    assertThat(number.getAttribute("href")).endsWith("/runs/" + run + "#" + anchor);
    browser.get(base + "/sign-in?next=/");
    browser.get(base + "/runs/" + run + "#" + anchor);
    waitFor(Duration.ofSeconds(30))
        .until(ExpectedConditions.attributeContains(By.id(anchor), "class", "target"));
    Boolean inView =
        (Boolean)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "var r = document.getElementById(arguments[0]).getBoundingClientRect();"
                        + " return r.top >= 0 && r.bottom <= window.innerHeight;",
                    anchor);
    assertThat(inView).as("line %s is in view", anchor).isTrue();
    assertThatNoAlertIsOpen();
  }

  @Test
  void aTenantSeesAnotherTenantsRunAsNotFoundAndCannotActOnIt() throws Exception {
    String run = trigger("fails-hook", "push", "fails-tenant", push());
    signUp("mallory");
    browser.manage().deleteAllCookies();
    browser.get(base + "/sign-in");
    browser.findElement(By.id("username")).sendKeys("mallory");
    browser.findElement(By.id("password")).sendKeys(TENANT_PASSWORD);
    browser.findElement(By.id("sign-in-button")).click();
    waitFor(Duration.ofSeconds(30))
        .until(ExpectedConditions.textToBe(By.cssSelector("#sign-out #username"), "mallory"));
    // Her own runs page does not list the admin's run.
    assertThat(browser.findElements(By.id("run-row-" + run))).isEmpty();

    browser.get(base + "/runs/" + run);
    WebElement error =
        waitFor(Duration.ofSeconds(30))
            .until(ExpectedConditions.presenceOfElementLocated(By.id("error")));
    assertThat(error.getAttribute("data-status")).isEqualTo("404");
    assertThat(browser.getPageSource()).doesNotContain("about to fail");
    String csrf = browser.findElement(By.cssSelector("input[name='csrf']")).getAttribute("value");
    assertThat(csrf).isNotBlank();
    assertThat(postFromPage("/runs/" + run + "/cancel", csrf)).isEqualTo(404);
    assertThat(postFromPage("/runs/" + run + "/retry", csrf)).isEqualTo(404);
    assertThat(apiRun(run).at("/spec/cancel_requested").asBoolean(false)).isFalse();
  }

  @Test
  void theDeliveryLogShowsADuplicateOnceAndASkippedDeliveryWithItsReason() throws Exception {
    String body = push();
    String run = trigger("fails-hook", "push", "dup-1", body);
    String again = trigger("fails-hook", "push", "dup-1", body);
    assertThat(again).as("a duplicate starts no second run").isEqualTo(run);
    JsonNode ping = deliver("fails-hook", "ping", "ping-1", "{\"zen\":\"Keep it simple.\"}");
    assertThat(ping.at("/data/skipped").asText()).isEqualTo("event ping does not start a run");

    browser.get(base + "/webhooks/fails-hook/deliveries");
    waitFor(Duration.ofSeconds(30))
        .until(ExpectedConditions.presenceOfElementLocated(By.id("deliveries")));
    List<WebElement> dup = deliveryRows("dup-1");
    assertThat(dup).hasSize(1);
    assertThat(dup.get(0).findElement(By.cssSelector("a.delivery-run")).getText()).isEqualTo(run);
    List<WebElement> skipped = deliveryRows("ping-1");
    assertThat(skipped).hasSize(1);
    assertThat(skipped.get(0).getAttribute("data-status")).isEqualTo("skipped");
    assertThat(skipped.get(0).findElement(By.cssSelector(".reason")).getText())
        .isEqualTo("event ping does not start a run");
    assertThat(skipped.get(0).findElement(By.cssSelector(".event")).getText()).isEqualTo("ping");

    // The delivery's run is one click away.
    dup.get(0).findElement(By.cssSelector("a.delivery-run")).click();
    waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/runs/" + run));
    assertThat(browser.findElement(By.id("run")).getAttribute("data-run")).isEqualTo(run);
  }

  // --- the browser ---------------------------------------------------------------------------

  private WebDriverWait waitFor(Duration limit) {
    WebDriverWait wait = new WebDriverWait(browser, limit, Duration.ofMillis(100));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  /** The log line whose text is exactly {@code text}, or null while there is none. */
  private WebElement logLine(String text) {
    for (WebElement line : browser.findElements(By.cssSelector("#log li.line"))) {
      if (line.findElement(By.cssSelector(".text")).getText().equals(text)) {
        return line;
      }
    }
    return null;
  }

  private List<WebElement> deliveryRows(String deliveryId) {
    return browser.findElements(By.cssSelector("#deliveries tr.delivery")).stream()
        .filter(r -> r.findElement(By.cssSelector(".delivery-id")).getText().equals(deliveryId))
        .toList();
  }

  /** Marks the loaded document; {@link #pageIsUnreloaded} is true only while it stays loaded. */
  private void markPage() {
    ((JavascriptExecutor) browser).executeScript("window.grytTestMark = true;");
  }

  private boolean pageIsUnreloaded() {
    return Boolean.TRUE.equals(
        ((JavascriptExecutor) browser).executeScript("return window.grytTestMark === true;"));
  }

  /** POSTs a form from the page, as a forged or scripted request would; returns the status. */
  private long postFromPage(String path, String csrf) {
    Object status =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                    + " var body = arguments[1] ? 'csrf=' + encodeURIComponent(arguments[1]) : '';"
                    + " fetch(arguments[0], {method: 'POST', credentials: 'same-origin',"
                    + " redirect: 'manual',"
                    + " headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: body})"
                    + " .then(function (r) { done(r.status); }, function (e) { done(-1); });",
                path,
                csrf);
    return ((Number) status).longValue();
  }

  private void assertThatNoAlertIsOpen() {
    try {
      browser.switchTo().alert();
      throw new AssertionError("an alert opened: a log line ran as script");
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
  }

  // --- the server ----------------------------------------------------------------------------

  /** The one-time admin link the server printed at start, or a fresh one after it was used. */
  private String adminSignInLink() throws Exception {
    if (!printedLinkUsed) {
      printedLinkUsed = true;
      Path log = dir.resolve("home").resolve("server-" + server.port() + ".log");
      Matcher m =
          Pattern.compile("sign in as admin, once: (\\S+)\\)").matcher(Files.readString(log));
      assertThat(m.find()).as("gryt server prints the admin's one-time sign-in link").isTrue();
      return m.group(1);
    }
    // What `gryt cloud dashboard` does for the admin logged in on this machine.
    JsonNode link = adminApi("POST", "/api/v1/dashboard/sign-in-links", "");
    return base + link.at("/data/path").asText();
  }

  private boolean printedLinkUsed;

  private void signUp(String username) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/accounts/create"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        ResourceCodec.toJson(
                            Map.of("username", username, "password", TENANT_PASSWORD))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isIn(201, 409);
  }

  private JsonNode apiRun(String id) throws Exception {
    return adminApi("GET", "/api/v1/runs/" + id, null).path("data");
  }

  private JsonNode adminApi(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header(
                "Authorization",
                LocalAdmin.authorization(
                    dir.resolve("home"), server.port(), method, path, body == null ? "" : body))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
    return ResourceCodec.json().readTree(r.body());
  }

  /** Delivers a GitHub event to the admin's webhook {@code hook}; returns the run it started. */
  private String trigger(String hook, String event, String deliveryId, String body)
      throws Exception {
    String run = deliver(hook, event, deliveryId, body).at("/data/run_id").asText();
    assertThat(run).startsWith("run-");
    return run;
  }

  private JsonNode deliver(String hook, String event, String deliveryId, String body)
      throws Exception {
    String key = adminApi("GET", "/api/v1/webhooks/" + hook, null).at("/data/webhook_key").asText();
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/webhooks/run/" + key))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", deliveryId)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
    return ResourceCodec.json().readTree(r.body());
  }

  private String push() {
    return "{\"ref\":\"refs/heads/main\",\"after\":\"" + commit + "\"}";
  }

  // --- the world -----------------------------------------------------------------------------

  private static String makeRepository(Path origin) throws Exception {
    try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call()) {
      PersonIdent me = new PersonIdent("gryt test", "test@gryt.dev");
      Files.writeString(origin.resolve("README"), "browser tests\n");
      git.add().addFilepattern("README").call();
      return git.commit()
          .setMessage("first")
          .setAuthor(me)
          .setCommitter(me)
          .setSign(false)
          .call()
          .name();
    }
  }

  private String manifests() {
    String url = dir.resolve("origin").toUri().toString().replaceFirst("^file:/+", "file:///");
    return """
        apiVersion: gryt.io/v1
        kind: GitHubRepo
        metadata: {name: app}
        spec: {git_url: "%s", branch: main}
        ---
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: slow}
        spec:
          steps:
            - name: work
              command: 'i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo "tick $i"; sleep 1; done'
              timeout_seconds: 900
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: slow}
        spec: {pipeline_name: slow, github_repo_name: app}
        ---
        apiVersion: gryt.io/v1
        kind: Webhook
        metadata: {name: slow-hook}
        spec: {job_name: slow}
        ---
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: fails}
        spec:
          steps:
            - {name: first, command: "echo one; echo two"}
            - name: breaks
              command: "echo about to fail; echo '<script>alert(1)</script>'; exit 3"
            - {name: never, command: "echo never"}
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: fails}
        spec: {pipeline_name: fails, github_repo_name: app}
        ---
        apiVersion: gryt.io/v1
        kind: Webhook
        metadata: {name: fails-hook}
        spec: {job_name: fails}
        """
        .formatted(url);
  }
}
