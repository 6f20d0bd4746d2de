package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /readyz} follows the store, {@code /healthz} does not: a database outage takes a server
 * out of rotation without having it restarted. Both answer without credentials.
 */
class ProbesIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void readyWhileTheStoreAnswersAndStillHealthyWhenItDoesNot() throws Exception {
    ResourceStore store = StoreFactory.open("sqlite:" + dir.resolve("probes.db"));
    try (ApiServer server = ApiServer.start(store, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> ready = get(base + "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"status\":\"ready\"");

      store.close(); // the database goes away under the running server
      HttpResponse<String> notReady = get(base + "/readyz");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("the store does not answer").doesNotContain("probes.db");
      HttpResponse<String> healthy = get(base + "/healthz");
      assertThat(healthy.statusCode()).isEqualTo(200);
      assertThat(healthy.body()).contains("\"store\":\"unreachable\"");
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
