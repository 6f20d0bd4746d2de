package dev.gryt.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.ApiServer;
import dev.gryt.store.ResourceStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;

/**
 * A real {@link ApiServer} with accounts over {@code store}, and a client that signs up, makes keys
 * and sends requests as an account (Basic or a signed key), as the API's users do.
 */
final class AccountsApi implements AutoCloseable {
  final AuthIT.MutableClock clock = new AuthIT.MutableClock(Instant.now());
  final ApiServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private long counter;

  AccountsApi(ResourceStore store) {
    this(store, ApiServer.RunSettings.DEFAULT);
  }

  AccountsApi(ResourceStore store, ApiServer.RunSettings settings) {
    byte[] masterKey = new byte[32];
    new java.security.SecureRandom().nextBytes(masterKey);
    ServerSecurity security =
        ServerSecurity.accounts(store, masterKey, clock, new PasswordHasher(1_000));
    server =
        ApiServer.start(
            store,
            "127.0.0.1",
            0,
            security,
            new ApiServer.RunSettings(clock, settings.maxLogCharsPerStep(), settings.quotas()));
  }

  /** Signs {@code username} up and returns its Basic credential. */
  String signUp(String username, String password) throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            "/api/v1/accounts/create",
            ResourceCodec.toJson(Map.of("username", username, "password", password)),
            null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return AuthIT.basic(username, password);
  }

  AuthIT.Signer key(String basic) throws Exception {
    HttpResponse<String> created =
        send("POST", "/api/v1/api-keys", ResourceCodec.toJson(Map.of("name", "k")), basic);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode data = json(created).get("data");
    return new AuthIT.Key(data.get("key_id").asText(), data.get("secret").asText()).signer(clock);
  }

  void apply(String yaml, Object auth) throws Exception {
    HttpResponse<String> r = send("POST", "/api/v1/apply", AuthIT.applyBody(yaml), auth);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Sends a request as {@code auth}: a Basic header, a {@link AuthIT.Signer}, or null. */
  HttpResponse<String> send(String method, String path, String body, Object auth) throws Exception {
    return http.send(request(method, path, body, auth), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest request(String method, String path, String body, Object auth) {
    String header =
        auth instanceof AuthIT.Signer s
            ? s.key().sign(method, path, body, s.clock().instant().plusMillis(counter++))
            : (String) auth;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (!body.isEmpty()) {
      b.header("Content-Type", "application/json");
    }
    if (header != null) {
      b.header("Authorization", header);
    }
    return b.build();
  }

  HttpClient http() {
    return http;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  static JsonNode json(HttpResponse<String> reply) throws Exception {
    return ResourceCodec.json().readTree(reply.body());
  }

  @Override
  public void close() {
    server.close();
  }
}
