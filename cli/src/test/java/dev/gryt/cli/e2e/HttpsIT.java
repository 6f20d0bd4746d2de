package dev.gryt.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gryt.agent.tls.CertificateSet;
import dev.gryt.tls.PemTls;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gryt server} serving HTTPS from PEM files, and refusing passwords over plain HTTP from
 * other machines when it listens beyond loopback without TLS: a real server process, real TLS
 * handshakes, the real {@code gryt} client.
 */
class HttpsIT {
  @TempDir Path dir;

  @Test
  void servesHttpsFromPemFilesAndServesARenewedCertificateWithoutARestart() throws Exception {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    CertificateSet.write(first, List.of("127.0.0.1", "localhost"), false);
    CertificateSet.write(second, List.of("127.0.0.1", "localhost"), false);
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    Files.copy(first.resolve(CertificateSet.AGENT_CERT), cert);
    Files.copy(first.resolve(CertificateSet.AGENT_KEY), key);

    int port = Gryt.freePort();
    Gryt gryt = new Gryt(dir.resolve("home"), dir);
    Process server =
        gryt.start(
            dir.resolve("server.log"),
            "server",
            "--port",
            "" + port,
            "--db",
            "sqlite:" + dir.resolve("gryt.db"),
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            key.toString(),
            "--apply",
            Gryt.ROOT.resolve("examples/hello.yaml").toString());
    try {
      URI health = URI.create("https://127.0.0.1:" + port + "/healthz");
      HttpClient trustsFirst = client(first.resolve(CertificateSet.CA_CERT));
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> get(trustsFirst, health).statusCode() == 200);
      // --apply goes through HTTPS too, after the banner.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> Files.readString(dir.resolve("server.log")).contains("job/hello-ci created"));
      assertThat(Files.readString(dir.resolve("server.log")))
          .contains("listening on https://127.0.0.1:" + port);

      assertThatThrownBy(
              () -> get(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port + "/")))
          .as("no plain HTTP on the TLS port")
          .isInstanceOf(java.io.IOException.class);
      assertThatThrownBy(() -> get(client(second.resolve(CertificateSet.CA_CERT)), health))
          .as("a client that does not trust the certificate")
          .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);

      // The CLI trusts a private CA named by GRYT_CA_FILE.
      gryt.env("GRYT_CA_FILE", first.resolve(CertificateSet.CA_CERT).toString());
      Gryt.Result listed =
          gryt.run("cloud", "get", "jobs", "--server", "https://127.0.0.1:" + port);
      assertThat(listed.exitCode()).as(listed.err()).isZero();
      assertThat(listed.out()).contains("hello-ci");

      // Renewal: new files in place (moved, as certbot and cert-manager do); the server serves
      // them within seconds, without a restart.
      Files.copy(
          second.resolve(CertificateSet.AGENT_KEY),
          dir.resolve("new.key"),
          StandardCopyOption.REPLACE_EXISTING);
      Files.copy(
          second.resolve(CertificateSet.AGENT_CERT),
          dir.resolve("new.crt"),
          StandardCopyOption.REPLACE_EXISTING);
      Files.move(dir.resolve("new.key"), key, StandardCopyOption.REPLACE_EXISTING);
      Files.move(dir.resolve("new.crt"), cert, StandardCopyOption.REPLACE_EXISTING);
      HttpClient trustsSecond = client(second.resolve(CertificateSet.CA_CERT));
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> get(trustsSecond, health).statusCode() == 200);
      X509Certificate renewed = PemTls.certificates(cert).get(0);
      assertThat(get(trustsSecond, health).sslSession().orElseThrow().getPeerCertificates()[0])
          .isEqualTo(renewed);

      // The in-process agent reports over HTTPS to the renewed certificate: a run still ends.
      gryt.env("GRYT_CA_FILE", second.resolve(CertificateSet.CA_CERT).toString());
      String server2 = "https://127.0.0.1:" + port;
      Gryt.Result started = gryt.run("cloud", "jobs", "run", "hello-ci", "--server", server2);
      assertThat(started.exitCode()).as(started.err()).isZero();
      java.util.regex.Matcher id =
          java.util.regex.Pattern.compile("(run-[0-9a-f]+) started").matcher(started.out());
      assertThat(id.find()).as(started.out()).isTrue();
      Gryt.Result logs =
          gryt.run(
              Duration.ofSeconds(90),
              "cloud",
              "runs",
              "logs",
              id.group(1),
              "-f",
              "--server",
              server2);
      assertThat(logs.exitCode()).as(logs.out() + logs.err()).isZero();
      assertThat(logs.out()).contains("==> run " + id.group(1) + " Succeeded");
    } finally {
      Gryt.stop(server);
    }
  }

  @Test
  void badTlsFilesStopTheStartWithTheirCause() throws Exception {
    Gryt gryt = new Gryt(dir.resolve("home"), dir);
    Files.writeString(dir.resolve("not-a.crt"), "hello\n");
    Gryt.Result half =
        gryt.run(
            "server", "--port", "" + Gryt.freePort(), "--tls-cert", "x.crt", "--db", "sqlite:a.db");
    assertThat(half.exitCode()).isNotZero();
    assertThat(half.err()).contains("--tls-cert and --tls-key go together").doesNotContain("\tat ");
    Gryt.Result bad =
        gryt.run(
            "server",
            "--port",
            "" + Gryt.freePort(),
            "--tls-cert",
            "not-a.crt",
            "--tls-key",
            "missing.key",
            "--db",
            "sqlite:b.db");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err())
        .contains("cannot serve HTTPS with --tls-cert")
        .contains("not-a.crt")
        .doesNotContain("\tat ");
  }

  @Test
  void beyondLoopbackOverPlainHttpAPasswordFromAnotherMachineIsRefused() throws Exception {
    Optional<InetAddress> lan = nonLoopbackAddress();
    Assumptions.assumeTrue(lan.isPresent(), "this machine has no address but loopback");
    int port = Gryt.freePort();
    Gryt gryt = new Gryt(dir.resolve("home"), dir);
    Process server =
        gryt.start(
            dir.resolve("server.log"),
            "server",
            "--host",
            "0.0.0.0",
            "--port",
            "" + port,
            "--signup",
            "open",
            "--agents",
            "0",
            "--db",
            "sqlite:" + dir.resolve("gryt.db"));
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI local = URI.create("http://127.0.0.1:" + port);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> get(http, local.resolve("/healthz")).statusCode() == 200);
      assertThat(Files.readString(dir.resolve("server.log")))
          .contains("warning: listening on 0.0.0.0 over plain HTTP: passwords");
      HttpResponse<String> signup =
          http.send(
              HttpRequest.newBuilder(local.resolve("/api/v1/accounts/create"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"username\":\"ann\",\"password\":\"correct horse battery\"}"))
                  .header("Content-Type", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(signup.statusCode()).as(signup.body()).isIn(200, 201);
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString("ann:correct horse battery".getBytes(StandardCharsets.UTF_8));

      HttpResponse<String> fromHere = whoami(http, local, basic);
      assertThat(fromHere.statusCode()).as("loopback keeps working").isEqualTo(200);

      URI remote = URI.create("http://" + lan.get().getHostAddress() + ":" + port);
      HttpResponse<String> fromAfar = whoami(http, remote, basic);
      assertThat(fromAfar.statusCode()).isEqualTo(403);
      assertThat(fromAfar.body())
          .contains("a password over plain HTTP is refused")
          .contains("--tls-cert");
      assertThat(whoami(http, remote, null).statusCode())
          .as("still authenticated everywhere")
          .isEqualTo(401);
    } finally {
      Gryt.stop(server);
    }
  }

  private static HttpResponse<String> whoami(HttpClient http, URI base, String authorization)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/api/v1/whoami")).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  private static HttpClient client(Path ca) throws Exception {
    SSLContext context = PemTls.clientContext(ca, null, null);
    return HttpClient.newBuilder()
        .sslContext(context)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
