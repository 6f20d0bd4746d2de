package dev.gryt.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.operator.loop.LeaderElectedLoop;
import dev.gryt.operator.loop.StandaloneOperator;
import dev.gryt.server.ApiServer;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /healthz} of two servers on one SQLite file, wired as {@code gryt server} wires them: the
 * leader's status writer dies (as it did of OutOfMemoryError in issue 13, when {@code /healthz}
 * still said ok and no status was ever written again); the leader must answer 503 naming the
 * thread, the standby stays healthy.
 */
class ServerLivenessIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private final List<AutoCloseable> open = new java.util.ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  @SuppressWarnings({"deprecation", "removal"})
  void aDeadStatusWriterMakesTheLeaderUnhealthyAndTheStandbyStaysHealthy() throws Exception {
    ApiServer leader = server();
    await().atMost(Duration.ofSeconds(30)).until(() -> statusWriters().size() == 1);
    ApiServer standby = server();
    assertThat(health(leader).statusCode()).isEqualTo(200);
    assertThat(health(standby).statusCode()).isEqualTo(200);

    // What an OutOfMemoryError did: an Error the writer's loop does not catch ends the thread.
    // ThreadDeath landing inside a lock's release comes out as IllegalMonitorStateException,
    // which the loop survives; so until it has died.
    Thread writer = statusWriters().get(0);
    while (writer.isAlive()) {
      writer.stop();
      writer.join(100);
    }

    HttpResponse<String> dead = health(leader);
    assertThat(dead.statusCode()).isEqualTo(503);
    JsonNode body = ResourceCodec.json().readTree(dead.body());
    assertThat(body.at("/detail/status").asText()).isEqualTo("unhealthy");
    assertThat(body.at("/detail/dead_threads"))
        .extracting(JsonNode::asText)
        .containsExactly("gryt-status-writer");
    assertThat(body.path("message").asText()).contains("gryt-status-writer");
    assertThat(health(standby).statusCode()).isEqualTo(200);
  }

  /** An API server with its leader-elected control loop, as ServerCommand starts them. */
  private ApiServer server() {
    ResourceStore store = StoreFactory.open("sqlite:" + dir.resolve("gryt.db"));
    open.add(store);
    ApiServer server = ApiServer.start(store, "127.0.0.1", 0);
    open.add(server);
    LeaderElectedLoop controller =
        new LeaderElectedLoop(
                store.leaderLock("controller"),
                () -> StandaloneOperator.create(store, Clock.systemUTC()),
                Duration.ofMillis(200))
            .start();
    open.add(controller);
    server.liveness(controller::deadThreads);
    return server;
  }

  private static List<Thread> statusWriters() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("gryt-status-writer") && t.isAlive())
        .toList();
  }

  private static HttpResponse<String> health(ApiServer server) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
