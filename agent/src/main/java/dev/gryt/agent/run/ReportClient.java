package dev.gryt.agent.run;

import dev.gryt.crds.agent.AgentProtocol;
import dev.gryt.crds.agent.RunReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** Posts {@link RunReport}s to the server over HTTP or HTTPS; answers the HTTP status. */
public final class ReportClient {
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param ssl trusts the server's certificate (and may carry a client certificate); null means the
   *     JVM's default trust store
   */
  public ReportClient(SSLContext ssl, Duration timeout) {
    HttpClient.Builder builder =
        HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
    this.timeout = timeout;
  }

  public static ReportClient plain() {
    return new ReportClient(null, Duration.ofSeconds(10));
  }

  /** The HTTP status the server answered. */
  public int post(String url, String token, RunReport report)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    AgentProtocol.json().writeValueAsBytes(report)))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
