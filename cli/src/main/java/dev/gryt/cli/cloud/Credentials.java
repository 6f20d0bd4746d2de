package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.auth.RequestSignature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Base64;

/**
 * Which credentials the cloud commands send, first found wins:
 *
 * <ol>
 *   <li>{@code $GRYT_API_KEY_ID} and {@code $GRYT_API_KEY_SECRET};
 *   <li>the API key {@code gryt cloud login} stored in {@code $GRYT_HOME/config.json}, when it was
 *       stored for this server (or for no particular server);
 *   <li>the admin key a {@code gryt server} on this machine wrote into {@code
 *       $GRYT_HOME/servers/HOST-PORT.json} on start, as k3s writes a kubeconfig;
 *   <li>none: the server answers 401 and the command says to log in.
 * </ol>
 *
 * @param username null for environment and bootstrap keys
 * @param source where the credentials came from, for {@code whoami} and errors
 */
public record Credentials(String keyId, String secret, String username, String source) {
  public static final String CONFIG = "config.json";

  /**
   * Signs each request with the key (HMAC, as DESIGN.md's wire protocol says), stamped with {@code
   * clock}'s time: the server refuses a stamp far from its own clock, and a test can say when.
   */
  public RequestDecorator decorator(Clock clock) {
    return (builder, method, pathAndQuery, body) ->
        builder.header(
            "Authorization",
            RequestSignature.header(
                keyId, secret, method, pathAndQuery, clock.instant().toString(), body));
  }

  /** HTTP Basic for one request (login, sign-up checks); the password is never stored. */
  public static RequestDecorator basic(String username, String password) {
    String token =
        Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    return (builder, method, pathAndQuery, body) ->
        builder.header("Authorization", "Basic " + token);
  }

  @Override
  public String toString() {
    return "Credentials[" + keyId + " from " + source + "]";
  }

  /** The credentials for {@code server}, or null when there are none. */
  public static Credentials find(URI server, CliEnvironment environment) {
    String id = environment.variable("GRYT_API_KEY_ID");
    String secret = environment.variable("GRYT_API_KEY_SECRET");
    if (id != null && secret != null) {
      return new Credentials(id, secret, null, "GRYT_API_KEY_ID/GRYT_API_KEY_SECRET");
    }
    Path config = environment.grytHome().resolve(CONFIG);
    JsonNode stored = read(config);
    if (stored != null && stored.path("api_key_id").isTextual()) {
      String forServer = stored.path("server_url").asText("");
      if (forServer.isEmpty() || sameServer(URI.create(forServer), server)) {
        return new Credentials(
            stored.path("api_key_id").asText(),
            stored.path("api_key_secret").asText(),
            stored.path("username").isTextual() ? stored.path("username").asText() : null,
            config.toString());
      }
    }
    Path local = localServerFile(environment.grytHome(), server.getHost(), server.getPort());
    JsonNode bootstrap = read(local);
    if (bootstrap != null && bootstrap.path("api_key_id").isTextual()) {
      return new Credentials(
          bootstrap.path("api_key_id").asText(),
          bootstrap.path("api_key_secret").asText(),
          "admin",
          local.toString());
    }
    return null;
  }

  /** Where a local {@code gryt server} on {@code host:port} writes its admin key. */
  public static Path localServerFile(Path grytHome, String host, int port) {
    return grytHome.resolve("servers").resolve(loopbackName(host) + "-" + port + ".json");
  }

  private static String loopbackName(String host) {
    return switch (host) {
      case "localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "::" -> "127.0.0.1";
      default -> host;
    };
  }

  private static boolean sameServer(URI a, URI b) {
    return a.getScheme().equals(b.getScheme())
        && loopbackName(a.getHost()).equals(loopbackName(b.getHost()))
        && a.getPort() == b.getPort();
  }

  private static JsonNode read(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return ResourceCodec.json().readTree(file.toFile());
    } catch (IOException e) {
      throw new CliException(
          "cannot read "
              + file
              + ": "
              + e.getMessage().lines().findFirst().orElse("")
              + " (fix or remove the file)",
          e);
    }
  }

  /**
   * Writes {@code content} to {@code file} readable by its owner only (0600), atomically: a reader
   * never sees half a file, and the secret is never world-readable, not even for a moment.
   */
  public static void writePrivate(Path file, ObjectNode content) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.write(
        tmp, ResourceCodec.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
