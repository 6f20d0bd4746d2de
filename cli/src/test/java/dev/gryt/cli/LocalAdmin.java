package dev.gryt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.cloud.Credentials;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.auth.RequestSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/** Signs test requests with the admin key a {@code gryt server} process wrote into GRYT_HOME. */
public final class LocalAdmin {
  private LocalAdmin() {}

  /** The {@code Authorization} header for one request to the server on {@code port}. */
  public static String authorization(
      Path grytHome, int port, String method, String pathAndQuery, String body) throws Exception {
    JsonNode stored =
        ResourceCodec.json()
            .readTree(Credentials.localServerFile(grytHome, "127.0.0.1", port).toFile());
    return RequestSignature.header(
        stored.get("api_key_id").asText(),
        stored.get("api_key_secret").asText(),
        method,
        pathAndQuery,
        Instant.now().toString(),
        body.getBytes(StandardCharsets.UTF_8));
  }
}
