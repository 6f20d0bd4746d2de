package dev.gryt.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.cli.CliRun;
import dev.gryt.tls.PemTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandIT {
  private static final Pattern LISTENING = Pattern.compile("listening on (https?)://[^:]+:(\\d+)");

  @TempDir Path home;

  @Test
  void refusesToStartWithoutTlsUnlessInsecure() {
    CliRun.Result result = new CliRun(home).run("agent", "--port", "0", "--runner", "process");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("error: the agent needs --tls-cert, --tls-key and --ca")
        .contains("--insecure");
  }

  @Test
  void refusesMissingTlsFiles() {
    CliRun.Result result =
        new CliRun(home)
            .run(
                "agent",
                "--port",
                "0",
                "--tls-cert",
                "a.crt",
                "--tls-key",
                "a.key",
                "--ca",
                "ca.crt");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("cannot read " + home.resolve("a.crt"));
  }

  @Test
  void servesMutualTlsWithCertificatesFromCertsInit() throws Exception {
    CliRun cli = new CliRun(home);
    assertThat(cli.run("certs", "init", "--out", "tls").exitCode()).isZero();
    try (CliRun.Background agent =
        cli.start(
            "agent",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--runner",
            "process",
            "--capacity",
            "2",
            "--work-dir",
            "work",
            "--tls-cert",
            "tls/agent.crt",
            "--tls-key",
            "tls/agent.key",
            "--ca",
            "tls/ca.crt")) {
      Matcher listening = awaitListening(agent);
      assertThat(listening.group(1)).isEqualTo("https");
      URI health = URI.create("https://127.0.0.1:" + listening.group(2) + "/health");
      HttpClient mtls =
          HttpClient.newBuilder()
              .sslContext(
                  PemTls.clientContext(
                      home.resolve("tls/ca.crt"),
                      home.resolve("tls/client.crt"),
                      home.resolve("tls/client.key")))
              .build();
      HttpResponse<String> response =
          mtls.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"runtime\":\"process\"").contains("\"capacity\":2");
      HttpClient noCert =
          HttpClient.newBuilder()
              .sslContext(PemTls.clientContext(home.resolve("tls/ca.crt"), null, null))
              .build();
      assertThatThrownBy(
              () ->
                  noCert.send(
                      HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void insecureServesPlainHttp() throws Exception {
    try (CliRun.Background agent =
        new CliRun(home)
            .start(
                "agent",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--runner",
                "process",
                "--insecure")) {
      Matcher listening = awaitListening(agent);
      assertThat(listening.group(1)).isEqualTo("http");
      assertThat(agent.out().toString()).contains("INSECURE");
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + listening.group(2) + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  private static Matcher awaitListening(CliRun.Background agent) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(agent.out().toString());
      if (m.find()) {
        return m;
      }
      if (!agent.thread().isAlive()) {
        throw new AssertionError("gryt agent ended: " + agent.err());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("gryt agent did not start: " + agent.out() + agent.err());
  }
}
