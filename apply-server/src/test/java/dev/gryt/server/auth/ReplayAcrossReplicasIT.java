package dev.gryt.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.ApiServer;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import dev.gryt.store.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two API servers on one PostgreSQL database, as two replicas behind a load balancer: a signed
 * request captured on its way to one is refused by the other inside the time window too.
 */
class ReplayAcrossReplicasIT {
  private TestDatabases.TestDatabase database;
  private ResourceStore storeA;
  private ResourceStore storeB;
  private ApiServer a;
  private ApiServer b;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    database = TestDatabases.postgres();
    byte[] masterKey = new byte[32];
    new SecureRandom().nextBytes(masterKey);
    Clock clock = Clock.systemUTC();
    storeA = StoreFactory.open(database.url());
    storeB = StoreFactory.open(database.url());
    a =
        ApiServer.start(
            storeA,
            "127.0.0.1",
            0,
            ServerSecurity.accounts(storeA, masterKey, clock, new PasswordHasher(1_000)));
    b =
        ApiServer.start(
            storeB,
            "127.0.0.1",
            0,
            ServerSecurity.accounts(storeB, masterKey, clock, new PasswordHasher(1_000)));
  }

  @AfterEach
  void stop() throws Exception {
    a.close();
    b.close();
    storeA.close();
    storeB.close();
    database.close();
  }

  @Test
  void aSignedRequestReplayedToTheOtherReplicaIsRefused() throws Exception {
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    "mallory-victim:correct horse battery".getBytes(StandardCharsets.UTF_8));
    assertThat(
            send(
                    a,
                    "POST",
                    "/api/v1/accounts/create",
                    "{\"username\":\"mallory-victim\",\"password\":\"correct horse battery\"}",
                    null)
                .statusCode())
        .isEqualTo(201);
    HttpResponse<String> created =
        send(a, "POST", "/api/v1/api-keys", "{\"name\":\"laptop\"}", basic);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode data = ResourceCodec.json().readTree(created.body()).get("data");
    String keyId = data.get("key_id").asText();
    String secret = data.get("secret").asText();

    // The victim's request reaches replica A; the attacker sends a copy of it to replica B. A
    // request that changes something waits for its ledger entry: the copy, sent at once, is
    // refused, and only one key is made.
    String keyBody = "{\"name\":\"deploy\"}";
    String post = sign(keyId, secret, "POST", "/api/v1/api-keys", keyBody);
    assertThat(send(a, "POST", "/api/v1/api-keys", keyBody, post).statusCode()).isEqualTo(201);
    HttpResponse<String> replayedPost = send(b, "POST", "/api/v1/api-keys", keyBody, post);
    assertThat(replayedPost.statusCode()).isEqualTo(401);
    assertThat(replayedPost.body()).contains("already used");
    HttpResponse<String> keys =
        send(a, "GET", "/api/v1/api-keys", null, sign(keyId, secret, "GET", "/api/v1/api-keys"));
    assertThat(keys.body().split("\"deploy\"", -1)).hasSize(2);

    // A read does not wait for its entry: it is written within ReplayLedger.WRITE_DELAY, and
    // from then on replica B refuses the copy.
    String path = "/api/v1/accounts/me";
    String signed = sign(keyId, secret, "GET", path);
    assertThat(send(a, "GET", path, null, signed).statusCode()).isEqualTo(200);
    storeA.accounts().replayLedger().flush();
    HttpResponse<String> replayed = send(b, "GET", path, null, signed);
    assertThat(replayed.statusCode()).isEqualTo(401);
    assertThat(replayed.body()).contains("already used");

    // And the other way round, replica B first.
    String another = sign(keyId, secret, "GET", path + "?again");
    assertThat(send(b, "GET", path + "?again", null, another).statusCode()).isEqualTo(200);
    storeB.accounts().replayLedger().flush();
    assertThat(send(a, "GET", path + "?again", null, another).statusCode()).isEqualTo(401);

    // A fresh signature still works on either.
    assertThat(send(b, "GET", path, null, sign(keyId, secret, "GET", path)).statusCode())
        .isEqualTo(200);
  }

  private static String sign(String keyId, String secret, String method, String pathAndQuery)
      throws InterruptedException {
    return sign(keyId, secret, method, pathAndQuery, "");
  }

  private static String sign(
      String keyId, String secret, String method, String pathAndQuery, String body)
      throws InterruptedException {
    // Two signatures of one request in the same millisecond would be one and the same.
    Thread.sleep(2);
    return RequestSignature.header(
        keyId,
        secret,
        method,
        pathAndQuery,
        Instant.now().toString(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> send(
      ApiServer server, String method, String path, String body, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
