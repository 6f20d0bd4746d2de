package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides which server the cloud commands talk to: {@code --server}, then {@code $GRYT_URL}, then
 * {@code server_url} in {@code $GRYT_HOME/config.json}, else {@value #DEFAULT}.
 */
public final class ServerUrl {
  public static final String DEFAULT = "http://127.0.0.1:8080";

  private ServerUrl() {}

  /**
   * @param option the {@code --server} value, or null
   * @throws CliException when the chosen URL is not an http(s) URL or the config file is unreadable
   */
  public static URI resolve(String option, CliEnvironment environment) {
    if (option != null && !option.isBlank()) {
      return parse(option, "--server");
    }
    String variable = environment.variable("GRYT_URL");
    if (variable != null) {
      return parse(variable, "GRYT_URL");
    }
    Path config = environment.grytHome().resolve("config.json");
    String configured = fromConfig(config);
    if (configured != null) {
      return parse(configured, "server_url in " + config);
    }
    return URI.create(DEFAULT);
  }

  private static String fromConfig(Path config) {
    if (!Files.isRegularFile(config)) {
      return null;
    }
    try {
      JsonNode url = ResourceCodec.json().readTree(config.toFile()).path("server_url");
      return url.isTextual() && !url.asText().isBlank() ? url.asText() : null;
    } catch (IOException e) {
      throw new CliException(
          "cannot read " + config + ": " + firstLine(e.getMessage()) + " (fix or remove the file)",
          e);
    }
  }

  private static URI parse(String value, String origin) {
    String trimmed = value.strip().replaceAll("/+$", "");
    try {
      URI uri = new URI(trimmed);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below, with the origin of the value
    }
    throw new CliException(
        "invalid server URL '" + value + "' from " + origin + " (expected http://HOST:PORT)");
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
