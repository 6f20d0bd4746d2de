package dev.gryt.operator.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.agent.RunReports;
import dev.gryt.crds.manifest.Manifest;
import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.crds.manifest.ParseResult;
import dev.gryt.operator.Placement;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.loop.StandaloneOperator;
import dev.gryt.store.ConflictException;
import dev.gryt.store.Mutation;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two dispatchers on one store, as two servers are for a moment when leadership changes hands, race
 * to place the same run: over SQLite ({@link DispatcherRacePostgresIT}: PostgreSQL), each
 * dispatcher with a store of its own, and one agent over real HTTP. Each dispatcher's store holds
 * its claim (the status write that places the run) until the other has made its claim too, so both
 * claims are decided from what they read before either was written: the race happens every time.
 */
class DispatcherRaceIT {
  static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;
  final List<AutoCloseable> open = new ArrayList<>();
  ResourceStore store;
  Agent agent;

  /** Every claim either dispatcher made, as it ended: "placed" or "refused". */
  final List<String> claims = new CopyOnWriteArrayList<>();

  final CountDownLatch bothClaiming = new CountDownLatch(2);

  String storeUrl() {
    return "sqlite:" + dir.resolve("gryt.db");
  }

  @BeforeEach
  void start() throws IOException {
    String url = storeUrl();
    store = keep(StoreFactory.open(url));
    agent = keep(new Agent());
    // The loop brings the run to Pending (waiting for an agent); it places nothing itself.
    keep(StandaloneOperator.create(store, Clock.systemUTC())).start();
    for (int i = 0; i < 2; i++) {
      ResourceStore own = keep(StoreFactory.open(url));
      AgentRegistry agents =
          new AgentRegistry(
              List.of(agent.url()),
              new AgentClient(null, Duration.ofSeconds(5)),
              Duration.ofMillis(100));
      JobRunDispatcher dispatcher =
          new JobRunDispatcher(
              holdingClaims(own),
              Clock.systemUTC(),
              agents,
              RepoTokens.standalone(),
              new Placement.Settings(Duration.ofMinutes(5), 2),
              "http://127.0.0.1:9");
      keep(dispatcher).start();
    }
  }

  @AfterEach
  void stop() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }

  @Test
  void ofTwoDispatchersClaimingOneRunOnlyOneWinsAndOnlyItSendsTheRun() {
    apply(
        """
        apiVersion: gryt.io/v1
        kind: Pipeline
        metadata: {name: p}
        spec:
          steps: [{name: s, command: make}]
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: ci}
        spec: {pipeline_name: p}
        """);
    JobRun run = store.create(run("ci-race"));

    await().atMost(PATIENCE).until(() -> claims.size() == 2 && !agent.starts.isEmpty());

    assertThat(claims)
        .as("one claim placed the run, the fence refused the other")
        .containsExactlyInAnyOrder("placed", "refused");
    assertThat(agent.starts).as("the agent was sent the run once").hasSize(1);
    JsonNode assignment = agent.starts.get(0);
    assertThat(assignment.path("run_id").asText()).isEqualTo(run.id());
    assertThat(assignment.path("attempt").asInt()).isEqualTo(1);
    JobRun placed = store.get(JobRun.class, "default", "ci-race").orElseThrow();
    assertThat(placed.getStatus().phase).isEqualTo(JobRunPhase.SCHEDULED.value());
    assertThat(placed.getStatus().attempt).isEqualTo(1);
    assertThat(placed.getStatus().agent).isEqualTo(AgentRegistry.nameOf(agent.url()));
    assertThat(placed.getStatus().reportTokenSha256)
        .as("the stored claim is the one whose assignment the agent holds")
        .isEqualTo(RunReports.sha256Hex(assignment.path("report_token").asText()));
    assertThat(claims).as("the loser did not claim again").hasSize(2);
  }

  /**
   * The store as a dispatcher sees it, except that a claim (a status write to Scheduled) waits
   * until both dispatchers have made theirs, then goes through; its outcome is kept in {@link
   * #claims}.
   */
  private ResourceStore holdingClaims(ResourceStore store) {
    return (ResourceStore)
        Proxy.newProxyInstance(
            ResourceStore.class.getClassLoader(),
            new Class<?>[] {ResourceStore.class},
            (proxy, method, args) -> {
              boolean claim =
                  method.getName().equals("updateStatus")
                      && args[0] instanceof JobRun r
                      && r.getStatus() != null
                      && JobRunPhase.SCHEDULED.value().equals(r.getStatus().phase);
              if (claim) {
                bothClaiming.countDown();
                bothClaiming.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
              }
              try {
                Object result = method.invoke(store, args);
                if (claim) {
                  claims.add("placed");
                }
                return result;
              } catch (InvocationTargetException e) {
                if (claim && e.getCause() instanceof ConflictException) {
                  claims.add("refused");
                }
                throw e.getCause();
              }
            });
  }

  <C extends AutoCloseable> C keep(C c) {
    open.add(c);
    return c;
  }

  private void apply(String yaml) {
    ParseResult parsed = ManifestParser.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.problems()).isEmpty();
    List<Mutation> creates = new ArrayList<>();
    for (Manifest m : parsed.manifests()) {
      creates.add(new Mutation.Create(m.resource()));
    }
    store.commit(creates);
  }

  private static JobRun run(String name) {
    JobRun r = new JobRun();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    r.setSpec(new JobRunSpec());
    r.getSpec().jobName = "ci";
    r.getSpec().timeoutSeconds = 600;
    return r;
  }

  /** An agent with room for everything, over real HTTP, that keeps every run it is sent. */
  static final class Agent implements AutoCloseable {
    private final HttpServer server;
    final List<JsonNode> starts = new CopyOnWriteArrayList<>();

    Agent() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/health",
          ex ->
              reply(
                  ex,
                  "{\"status\":\"ok\",\"version\":\"test\",\"runtime\":\"fake\","
                      + "\"capacity\":8,\"running\":0,\"isolates\":true}"));
      server.createContext(
          "/runs",
          ex -> {
            // Cancels (POST /runs/{id}/cancel) are answered but are not runs sent.
            if (ex.getRequestURI().getPath().equals("/runs")) {
              starts.add(ResourceCodec.json().readTree(ex.getRequestBody()));
            }
            reply(ex, "{}");
          });
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void reply(HttpExchange ex, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(
          ex.getRequestURI().getPath().equals("/health") ? 200 : 202, bytes.length);
      ex.getResponseBody().write(bytes);
      ex.close();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
