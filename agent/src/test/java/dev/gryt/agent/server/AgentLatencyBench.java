package dev.gryt.agent.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.agent.run.ReportClient;
import dev.gryt.agent.run.RunExecutor;
import dev.gryt.agent.runner.ContainerRunner;
import dev.gryt.agent.runner.Runners;
import dev.gryt.agent.runner.SandboxRunner;
import dev.gryt.agent.runner.StepRunner;
import dev.gryt.agent.testing.ReportReceiver;
import dev.gryt.agent.testing.TestRepos;
import dev.gryt.agent.tls.CertificateSet;
import dev.gryt.tls.PemTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: how long from {@code POST /runs} (over mTLS) to the first step's process running,
 * warm agent, checkout of a local repository included. Run it with {@code mvn -pl agent -am verify
 * -Dtest=AgentLatencyBench -Dgryt.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "gryt.bench", matches = "true")
class AgentLatencyBench {
  private static final int RUNS = Integer.getInteger("gryt.bench.runs", 100);

  @TempDir Path tmp;

  @Test
  void container() throws Exception {
    measure(new ContainerRunner("podman", Runners.DEFAULT_IMAGE));
  }

  @Test
  void sandbox() throws Exception {
    measure(new SandboxRunner());
  }

  /**
   * Seconds since boot, 10 ms resolution: the one clock a busybox container (whose date has no
   * nanoseconds) and the host read alike.
   */
  private static double uptime(String procUptime) {
    return Double.parseDouble(procUptime.strip().split("\\s+")[0]);
  }

  private void measure(StepRunner runner) throws Exception {
    Path certs = tmp.resolve("certs");
    CertificateSet.write(certs, List.of(), false);
    try (ReportReceiver receiver = new ReportReceiver();
        Git origin = TestRepos.create(tmp.resolve("origin"));
        AgentServer agent =
            AgentServer.start(
                "127.0.0.1",
                0,
                new AgentTls(
                    certs.resolve(CertificateSet.AGENT_CERT),
                    certs.resolve(CertificateSet.AGENT_KEY),
                    certs.resolve(CertificateSet.CA_CERT)),
                new RunExecutor(
                    runner,
                    ReportClient.plain(),
                    Files.createDirectories(tmp.resolve("work")),
                    4,
                    Clock.systemUTC(),
                    RunExecutor.Options.defaults()),
                "bench")) {
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(
                  PemTls.clientContext(
                      certs.resolve(CertificateSet.CA_CERT),
                      certs.resolve(CertificateSet.CLIENT_CERT),
                      certs.resolve(CertificateSet.CLIENT_KEY)))
              .build();
      List<Long> latencies = new ArrayList<>();
      for (int i = -5; i < RUNS; i++) { // 5 warm-up runs
        String runId = "bench-" + (i + 5);
        String body =
            """
            {"run_id":"%s","namespace":"default","attempt":1,"report_url":"%s","report_token":"t",
             "repo":{"git_url":"%s","ref":"main"},
             "pipeline":{"steps":[{"name":"s","command":"cat /proc/uptime"}]}}
            """
                .formatted(runId, receiver.url(), TestRepos.url(origin));
        double sent = uptime(Files.readString(Path.of("/proc/uptime")));
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + agent.port() + "/runs"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
          throw new AssertionError(response.body());
        }
        JsonNode last =
            receiver.await(
                r ->
                    r.path("run_id").asText().equals(runId)
                        && !r.path("phase").asText().equals("Running"),
                Duration.ofSeconds(60));
        if (!last.path("phase").asText().equals("Succeeded")) {
          throw new AssertionError(last.toString());
        }
        String out =
            receiver.reports().stream()
                .filter(r -> r.path("run_id").asText().equals(runId))
                .flatMap(
                    r -> java.util.stream.StreamSupport.stream(r.path("logs").spliterator(), false))
                .map(l -> l.path("text").asText())
                .reduce("", String::concat)
                .strip();
        if (i >= 0) {
          latencies.add(Math.round((uptime(out) - sent) * 1000));
        }
      }
      Collections.sort(latencies);
      System.out.printf(
          "%s: POST /runs -> first step running, %d runs: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
          runner.name(),
          latencies.size(),
          latencies.get(latencies.size() / 2),
          latencies.get((int) (latencies.size() * 0.9)),
          latencies.get(
              (int) Math.min(latencies.size() - 1, Math.ceil(latencies.size() * 0.99) - 1)),
          latencies.get(latencies.size() - 1));
    }
  }
}
