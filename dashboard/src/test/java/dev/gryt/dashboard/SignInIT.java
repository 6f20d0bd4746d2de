package dev.gryt.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing in to the dashboard over real HTTP: the password form, the session cookie's flags,
 * expiry, sign-out, CSRF, the security headers, one-time links, and the API refusing the cookie.
 */
class SignInIT {
  @TempDir Path dir;
  DashboardServer gryt;

  @BeforeEach
  void start() {
    gryt = new DashboardServer(dir);
    gryt.account("alice");
  }

  @AfterEach
  void stop() {
    gryt.close();
  }

  @Test
  void aPageWithoutASessionGoesToTheSignInForm() throws Exception {
    HttpResponse<String> runs = gryt.browser().get("/runs?phase=Failed");
    assertThat(runs.statusCode()).isEqualTo(303);
    assertThat(runs.headers().firstValue("Location"))
        .hasValue("/sign-in?next=%2Fruns%3Fphase%3DFailed");
  }

  @Test
  void signInSetsAStrictHttpOnlyCookieWithAnExpiryAndSignOutEndsIt() throws Exception {
    DashboardServer.Browser alice = gryt.browser();
    HttpResponse<String> signedIn = alice.signIn("alice", DashboardServer.PASSWORD);
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).hasValue("/runs");
    String setCookie =
        signedIn.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(Sessions.COOKIE + "="))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie)
        .contains("HttpOnly")
        .containsIgnoringCase("SameSite=Strict")
        .contains("Max-Age=43200")
        .contains("Path=/")
        // Plain HTTP here: a Secure cookie would never come back.
        .doesNotContain("Secure");
    HttpResponse<String> runs = alice.get("/runs");
    assertThat(runs.statusCode()).isEqualTo(200);
    assertThat(runs.body()).contains("id=\"username\">alice<");

    String csrf = DashboardServer.hidden(runs.body(), "csrf");
    HttpResponse<String> out = alice.post("/sign-out", Map.of("csrf", csrf));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(alice.get("/runs").statusCode()).as("signed out").isEqualTo(303);
  }

  /** The session cookie a password sign-in sets when the request carries {@code headers}. */
  static String sessionCookie(DashboardServer server, String... headers) throws Exception {
    DashboardServer.Browser b = server.browser();
    String csrf = DashboardServer.hidden(b.get("/sign-in").body(), "csrf");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri("/sign-in"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "csrf=" + csrf + "&username=alice&password=correct+horse+battery+staple"));
    if (headers.length > 0) {
      request.headers(headers);
    }
    HttpResponse<String> r = b.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(Sessions.COOKIE + "="))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theCookieIsSecureBehindATrustedTlsProxyOnly() throws Exception {
    // Anyone may send X-Forwarded-Proto: without a trusted proxy it is not believed.
    assertThat(sessionCookie(gryt, "X-Forwarded-Proto", "https")).doesNotContain("Secure");
    try (DashboardServer proxied =
        new DashboardServer(
            dir.resolve("proxied"),
            dev.gryt.server.auth.AccountSettings.of(
                true,
                java.util.List.of(dev.gryt.server.auth.AddressRange.parse("127.0.0.1/32"))))) {
      proxied.account("alice");
      assertThat(sessionCookie(proxied, "X-Forwarded-Proto", "https")).contains("Secure");
      assertThat(sessionCookie(proxied, "X-Forwarded-Proto", "http")).doesNotContain("Secure");
      assertThat(sessionCookie(proxied)).doesNotContain("Secure");
    }
  }

  @Test
  void theSessionIsStoredAsAHashAndSurvivesARestartUntilItExpires() throws Exception {
    DashboardServer.Browser alice = gryt.browser();
    alice.signIn("alice", DashboardServer.PASSWORD);
    String token = alice.cookie(Sessions.COOKIE);
    assertThat(token).isNotBlank();
    assertThat(gryt.store.accounts().sessions().session(token)).isEmpty();
    assertThat(gryt.store.accounts().sessions().session(Sessions.hash(token))).isPresent();

    gryt.clock.advance(Duration.ofHours(11));
    assertThat(alice.get("/runs").statusCode()).isEqualTo(200);
    gryt.clock.advance(Duration.ofHours(1));
    assertThat(alice.get("/runs").statusCode()).as("expired after 12 h").isEqualTo(303);
    assertThat(gryt.store.accounts().sessions().session(Sessions.hash(token))).isEmpty();
  }

  @Test
  void aDisabledAccountsSessionEndsAndItCannotSignInAgain() throws Exception {
    DashboardServer.Browser alice = gryt.browser();
    alice.signIn("alice", DashboardServer.PASSWORD);
    assertThat(alice.get("/runs").statusCode()).isEqualTo(200);
    gryt.security.accounts().disable("alice");
    assertThat(alice.get("/runs").statusCode()).isEqualTo(303);
    HttpResponse<String> again = gryt.browser().signIn("alice", DashboardServer.PASSWORD);
    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(again.body()).contains("disabled");
  }

  @Test
  void expiredSessionsAndUnusedLinksAreSweptAtTheNextSignIn() throws Exception {
    gryt.dashboard.signInLinkPath(dev.gryt.server.http.Principal.ADMIN_ID);
    gryt.browser().signIn("alice", DashboardServer.PASSWORD);
    gryt.clock.advance(Duration.ofHours(13));
    gryt.browser().signIn("alice", DashboardServer.PASSWORD);
    // The two expired rows are gone; only the new session is left.
    assertThat(
            gryt.store
                .accounts()
                .sessions()
                .deleteExpired(gryt.clock.instant().plus(Duration.ofDays(1))))
        .isEqualTo(1);
  }

  @Test
  void aWrongPasswordOrBadFormShowsTheFormAgainWithTheProblem() throws Exception {
    DashboardServer.Browser b = gryt.browser();
    HttpResponse<String> wrong = b.signIn("alice", "not the password");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("invalid username or password").contains("id=\"sign-in\"");
    assertThat(b.cookie(Sessions.COOKIE)).isNull();

    String form = b.get("/sign-in").body();
    String csrf = DashboardServer.hidden(form, "csrf");
    HttpResponse<String> empty = b.post("/sign-in", Map.of("csrf", csrf));
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("username: required").contains("password: required");

    HttpResponse<String> tooLong =
        b.post(
            "/sign-in",
            Map.of("csrf", csrf, "username", "a".repeat(65), "password", "p".repeat(1025)));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.body()).contains("username: at most 64").contains("password: at most 1024");

    // Without the form's token (a cross-site post): refused before any password is checked.
    HttpResponse<String> forged =
        gryt.browser()
            .post("/sign-in", Map.of("username", "alice", "password", DashboardServer.PASSWORD));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.headers().allValues("Set-Cookie"))
        .noneMatch(
            c -> c.startsWith(Sessions.COOKIE + "=") && !c.startsWith(Sessions.COOKIE + "=;"));
  }

  @Test
  void anOpenRedirectThroughNextIsRefused() throws Exception {
    DashboardServer.Browser b = gryt.browser();
    String csrf = DashboardServer.hidden(b.get("/sign-in").body(), "csrf");
    HttpResponse<String> r =
        b.post(
            "/sign-in",
            Map.of(
                "csrf",
                csrf,
                "next",
                "//evil.example/x",
                "username",
                "alice",
                "password",
                DashboardServer.PASSWORD));
    assertThat(r.headers().firstValue("Location")).hasValue("/runs");
  }

  @Test
  void aStateChangingRequestWithoutTheCsrfTokenIsRefused() throws Exception {
    DashboardServer.Browser alice = gryt.browser();
    alice.signIn("alice", DashboardServer.PASSWORD);
    HttpResponse<String> none = alice.post("/sign-out", Map.of());
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.body()).contains("CSRF");
    HttpResponse<String> wrong = alice.post("/sign-out", Map.of("csrf", "0".repeat(64)));
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(alice.get("/runs").statusCode()).as("still signed in").isEqualTo(200);
  }

  @Test
  void everyPageCarriesAContentSecurityPolicyWithoutInlineScript() throws Exception {
    DashboardServer.Browser alice = gryt.browser();
    for (HttpResponse<String> r :
        new HttpResponse[] {
          alice.get("/sign-in"), alice.signIn("alice", DashboardServer.PASSWORD), alice.get("/runs")
        }) {
      String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline");
      assertThat(csp).contains("frame-ancestors 'none'");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }
    assertThat(alice.get("/runs").body())
        .doesNotContainPattern("<script>|<script [^>]*>[^<]")
        .doesNotContain("onclick=");
  }

  @Test
  void theApiRefusesTheSessionCookie() throws Exception {
    DashboardServer.Browser alice = gryt.browser();
    alice.signIn("alice", DashboardServer.PASSWORD);
    HttpResponse<String> me =
        alice.http.send(
            HttpRequest.newBuilder(gryt.uri("/api/v1/accounts/me")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(me.statusCode()).isEqualTo(401);
    assertThat(me.body()).doesNotContain("alice");
  }

  @Test
  void aOneTimeLinkSignsInOnceAndTheApiMintsOneForItsCaller() throws Exception {
    HttpResponse<String> minted = gryt.api("POST", Dashboard.LINK_PATH, null, "alice");
    assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
    JsonNode data = new ObjectMapper().readTree(minted.body()).get("data");
    String path = data.get("path").asText();
    assertThat(path).startsWith(Dashboard.LINK_PAGE);

    DashboardServer.Browser first = gryt.browser();
    HttpResponse<String> used = first.get(path);
    assertThat(used.statusCode()).isEqualTo(303);
    assertThat(first.get("/runs").body()).contains("id=\"username\">alice<");

    DashboardServer.Browser second = gryt.browser();
    HttpResponse<String> again = second.get(path);
    assertThat(again.statusCode()).isEqualTo(410);
    assertThat(again.body()).contains("used already or has expired");
    assertThat(second.get("/runs").statusCode()).isEqualTo(303);

    assertThat(gryt.api("POST", Dashboard.LINK_PATH, null, null).statusCode())
        .as("the API wants credentials")
        .isEqualTo(401);
    assertThat(gryt.browser().get(Dashboard.LINK_PAGE + "garbage").statusCode()).isEqualTo(410);
    assertThat(gryt.browser().get(Dashboard.LINK_PAGE + "x".repeat(500)).statusCode())
        .isEqualTo(410);
  }

  @Test
  void aOneTimeLinkExpires() throws Exception {
    String path = gryt.dashboard.signInLinkPath(dev.gryt.server.http.Principal.ADMIN_ID);
    gryt.clock.advance(Duration.ofMinutes(11));
    assertThat(gryt.browser().get(path).statusCode()).isEqualTo(410);
  }

  @Test
  void theBootstrapAdminSignsInByLink() throws Exception {
    String path = gryt.dashboard.signInLinkPath(dev.gryt.server.http.Principal.ADMIN_ID);
    DashboardServer.Browser admin = gryt.browser();
    assertThat(admin.get(path).statusCode()).isEqualTo(303);
    assertThat(admin.get("/runs").body()).contains("id=\"username\">admin<");
  }

  @Test
  void theTeamSwitcherActsOnlyForTheAccountsTeams() throws Exception {
    gryt.account("bob");
    assertThat(gryt.api("POST", "/api/v1/teams", "{\"name\":\"ops\"}", "bob").statusCode())
        .isEqualTo(201);
    assertThat(gryt.api("POST", "/api/v1/teams", "{\"name\":\"devs\"}", "alice").statusCode())
        .isEqualTo(201);
    DashboardServer.Browser alice = gryt.browser();
    alice.signIn("alice", DashboardServer.PASSWORD);
    String page = alice.get("/runs").body();
    assertThat(page).contains("value=\"devs\"").doesNotContain("value=\"ops\"");
    String csrf = DashboardServer.hidden(page, "csrf");
    assertThat(alice.post("/team", Map.of("csrf", csrf, "team", "devs")).statusCode())
        .isEqualTo(303);
    assertThat(alice.get("/runs").body()).containsPattern("value=\"devs\" selected");
    HttpResponse<String> notMine = alice.post("/team", Map.of("csrf", csrf, "team", "ops"));
    assertThat(notMine.statusCode()).isEqualTo(404);
    HttpResponse<String> tooLong =
        alice.post("/team", Map.of("csrf", csrf, "team", "x".repeat(64)));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(alice.post("/team", Map.of("csrf", csrf, "team", "")).statusCode()).isEqualTo(303);
    assertThat(alice.get("/runs").body()).containsPattern("\\(personal\\)");
  }
}
