package dev.gryt.dashboard;

import dev.gryt.server.ApiServer;
import dev.gryt.server.auth.AccountSettings;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real API server with the dashboard on a free port over a SQLite store, accounts on, and a
 * browser-like HTTP client per person (its own cookie jar, no redirects followed).
 */
final class DashboardServer implements AutoCloseable {
  static final String PASSWORD = "correct horse battery staple";

  final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  final ResourceStore store;
  final ServerSecurity security;
  final Dashboard dashboard = new Dashboard(DashboardSettings.DEFAULT);
  final ApiServer server;

  DashboardServer(Path dir) {
    this(dir, AccountSettings.DEFAULT);
  }

  DashboardServer(Path dir, AccountSettings settings) {
    store = StoreFactory.open("sqlite:" + dir.resolve("gryt.db"), clock);
    byte[] masterKey = new byte[32];
    new SecureRandom().nextBytes(masterKey);
    security = ServerSecurity.accounts(store, masterKey, clock, settings);
    server =
        ApiServer.start(
            store,
            "127.0.0.1",
            0,
            security,
            new ApiServer.RunSettings(clock, 1_000_000),
            List.of(dashboard));
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  void account(String username) {
    security.accounts().create(username, PASSWORD);
  }

  Browser browser() {
    return new Browser();
  }

  /** The API with HTTP Basic. */
  HttpResponse<String> api(String method, String path, String body, String user) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Applies a manifest as {@code user}. */
  void apply(String user, String yaml) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri("/api/v1/apply"))
            .header("Content-Type", "application/yaml")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofString(yaml))
            .build();
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("apply failed: " + r.statusCode() + " " + r.body());
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      store.close();
    }
  }

  /** One person's browser: a cookie jar, redirects not followed, forms posted as a form does. */
  final class Browser {
    final CookieManager cookies = new CookieManager();
    final HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    HttpResponse<String> get(String path) throws Exception {
      return http.send(
          HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
      String body =
          form.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return http.send(
          HttpRequest.newBuilder(uri(path))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in with the password form, as a person would: the form first, then the post. */
    HttpResponse<String> signIn(String username, String password) throws Exception {
      String form = get("/sign-in").body();
      return post(
          "/sign-in",
          Map.of(
              "csrf",
              hidden(form, "csrf"),
              "next",
              "/runs",
              "username",
              username,
              "password",
              password));
    }

    /** The CSRF token of the signed-in page at {@code path}. */
    String csrf(String path) throws Exception {
      return hidden(get(path).body(), "csrf");
    }

    String cookie(String name) {
      return cookies.getCookieStore().getCookies().stream()
          .filter(c -> c.getName().equals(name))
          .map(java.net.HttpCookie::getValue)
          .findFirst()
          .orElse(null);
    }
  }

  static String hidden(String html, String name) {
    Matcher m =
        Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(html);
    if (!m.find()) {
      throw new AssertionError("no hidden field " + name + " in " + html);
    }
    return m.group(1);
  }
}
