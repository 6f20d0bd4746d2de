package dev.gryt.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.agent.run.ReportClient;
import dev.gryt.agent.run.RunExecutor;
import dev.gryt.agent.runner.ProcessRunner;
import dev.gryt.agent.testing.ReportReceiver;
import dev.gryt.agent.testing.TestRepos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent on plain HTTP with a token, as {@code gryt server} runs its in-process agents. */
class AgentTokenIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private final AgentToken token = AgentToken.random();

  @TempDir Path tmp;
  private AgentServer agent;
  private ReportReceiver receiver;
  private Git origin;

  @BeforeEach
  void setUp() throws Exception {
    receiver = new ReportReceiver();
    origin = TestRepos.create(tmp.resolve("origin"));
    RunExecutor executor =
        new RunExecutor(
            new ProcessRunner(),
            ReportClient.plain(),
            Files.createDirectories(tmp.resolve("work")),
            1,
            Clock.systemUTC(),
            RunExecutor.Options.defaults().withHeartbeat(Duration.ofSeconds(1)));
    agent = AgentServer.start("127.0.0.1", 0, null, token, executor, "local");
  }

  @AfterEach
  void tearDown() {
    agent.close();
    receiver.close();
    origin.close();
  }

  @Test
  void withoutTheTokenEveryEndpointIs401AndNothingRuns() throws Exception {
    Path pwned = tmp.resolve("pwned");
    for (String authorization : new String[] {null, "Bearer nope", "Bearer ", token.value()}) {
      HttpResponse<String> run = send("POST", "/runs", run("touch " + pwned), authorization);
      assertThat(run.statusCode()).isEqualTo(401);
      assertThat(run.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(send("POST", "/runs/run-1/cancel", "", authorization).statusCode()).isEqualTo(401);
      assertThat(send("GET", "/health", "", authorization).statusCode()).isEqualTo(401);
    }

    HttpResponse<String> own =
        send("POST", "/runs", run("echo from the server"), "Bearer " + token.value());
    assertThat(own.statusCode()).as(own.body()).isEqualTo(202);
    JsonNode last = receiver.awaitFinal(Duration.ofSeconds(30));
    assertThat(last.path("phase").asText()).isEqualTo("Succeeded");
    assertThat(pwned).doesNotExist();
    assertThat(send("GET", "/health", "", "Bearer " + token.value()).statusCode()).isEqualTo(200);
  }

  private String run(String command) {
    return """
        {"run_id":"run-1","namespace":"default","attempt":1,"report_url":"%s",
         "report_token":"tok-1","repo":{"git_url":"%s","ref":"main"},
         "pipeline":{"steps":[{"name":"only","command":"%s"}]}}
        """
        .formatted(receiver.url(), TestRepos.url(origin), command);
  }

  private HttpResponse<String> send(String method, String path, String body, String authorization)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
