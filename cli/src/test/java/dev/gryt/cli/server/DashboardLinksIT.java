package dev.gryt.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.cli.CliRun;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's one-time sign-in links from the command line: {@code gryt server} prints one for
 * the bootstrap admin at start, {@code gryt cloud dashboard} a fresh one for whoever is logged in;
 * each signs in once.
 */
class DashboardLinksIT {
  private static final Pattern LINK =
      Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/sign-in/link/[A-Za-z0-9_-]+)");

  @TempDir Path home;

  @Test
  void theServerPrintsAnAdminLinkAndTheCliMintsFreshOnes() throws Exception {
    CliRun gryt = new CliRun(home).clock(Clock.systemUTC());
    try (CliRun.Background server =
        gryt.start(
            "server",
            "--port",
            "0",
            "--agents",
            "0",
            "--no-controller",
            "--db",
            "sqlite:" + home.resolve("s.db"))) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> server.outLines().stream().anyMatch(l -> l.startsWith("dashboard: ")));
      String line =
          server.outLines().stream()
              .filter(l -> l.startsWith("dashboard: "))
              .findFirst()
              .orElseThrow();
      Matcher m = LINK.matcher(line);
      assertThat(m.find()).as(line).isTrue();
      URI adminLink = URI.create(m.group(1));
      String base = adminLink.resolve("/").toString();
      assertThat(line).startsWith("dashboard: " + base + " ");

      HttpClient admin = browser();
      assertThat(
              admin
                  .send(
                      HttpRequest.newBuilder(adminLink).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(303);
      HttpResponse<String> runs =
          admin.send(
              HttpRequest.newBuilder(adminLink.resolve("/runs")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(runs.statusCode()).isEqualTo(200);
      assertThat(runs.body()).contains("id=\"username\">admin<");
      assertThat(
              browser()
                  .send(
                      HttpRequest.newBuilder(adminLink).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .as("used once")
          .isEqualTo(410);

      // The admin's key for this machine is what gryt commands here use.
      CliRun.Result printed = gryt.env("GRYT_URL", base).run("cloud", "dashboard");
      assertThat(printed.exitCode()).as(printed.err()).isZero();
      Matcher fresh = LINK.matcher(printed.out());
      assertThat(fresh.find()).as(printed.out()).isTrue();
      assertThat(fresh.group(1)).isNotEqualTo(adminLink.toString());
      HttpClient second = browser();
      assertThat(
              second
                  .send(
                      HttpRequest.newBuilder(URI.create(fresh.group(1))).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(303);
      assertThat(
              second
                  .send(
                      HttpRequest.newBuilder(adminLink.resolve("/runs")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body())
          .contains("id=\"username\">admin<");
    }
  }

  @Test
  void withoutCredentialsTheCliSaysHowToLogIn() {
    CliRun.Result r =
        new CliRun(home).env("GRYT_URL", "http://127.0.0.1:9").run("cloud", "dashboard");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("not logged in").contains("gryt cloud login");
  }

  private static HttpClient browser() {
    return HttpClient.newBuilder()
        .cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }
}
