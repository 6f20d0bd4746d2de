package dev.gryt.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code .gryt/config.json}: a flat object of the settings in {@link Key}. Values are checked when
 * set and again when read, so a hand-edited file with a bad value fails with the allowed ones.
 */
public final class LocalConfig {
  /** The settings a project has, each with its allowed values (empty: free text) and default. */
  public enum Key {
    EXECUTION_MODE("execution_mode", List.of("local", "cloud", "hybrid"), "local"),
    SERVER_URL("server_url", List.of(), null),
    RUNNER("runner", List.of("process", "container", "sandbox"), "process"),
    DEFAULT_PIPELINE("default_pipeline", List.of(), null),
    USER("user", List.of(), null);

    final String name;
    final List<String> allowed;
    final String defaultValue;

    Key(String name, List<String> allowed, String defaultValue) {
      this.name = name;
      this.allowed = allowed;
      this.defaultValue = defaultValue;
    }

    public String key() {
      return name;
    }

    public static Key named(String name) {
      for (Key key : values()) {
        if (key.name.equals(name)) {
          return key;
        }
      }
      throw new CliException(
          "unknown setting '" + name + "' (known: " + String.join(", ", names()) + ")");
    }

    static List<String> names() {
      return java.util.Arrays.stream(values()).map(Key::key).toList();
    }

    /** The value, normalised; throws naming the allowed values when it is not one. */
    String check(String value) {
      String v = value.strip();
      if (!allowed.isEmpty() && !allowed.contains(v)) {
        throw new CliException(
            "invalid " + name + " '" + value + "' (allowed: " + String.join(", ", allowed) + ")");
      }
      if (this == SERVER_URL) {
        try {
          URI uri = new URI(v);
          if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
              || uri.getHost() == null) {
            throw new URISyntaxException(v, "not http(s)");
          }
        } catch (URISyntaxException e) {
          throw new CliException(
              "invalid server_url '" + value + "' (expected http://HOST:PORT or https://...)");
        }
      }
      if (v.isEmpty()) {
        throw new CliException(
            name + " must not be empty; to use the default: gryt config unset " + name);
      }
      return v;
    }
  }

  private final Path file;
  private final Map<String, String> values;

  private LocalConfig(Path file, Map<String, String> values) {
    this.file = file;
    this.values = values;
  }

  /** A config with nothing set, written to {@code file} by {@link #write()}. */
  public static LocalConfig empty(Path file) {
    return new LocalConfig(file, new LinkedHashMap<>());
  }

  /** Reads the file; a missing file is an empty config. */
  public static LocalConfig read(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    if (Files.isRegularFile(file)) {
      JsonNode tree;
      try {
        tree = ResourceCodec.json().readTree(file.toFile());
      } catch (IOException e) {
        throw new CliException(
            "cannot read "
                + file
                + ": "
                + e.getMessage().lines().findFirst().orElse("")
                + " (fix the JSON or re-create it with: gryt init --force)");
      }
      if (tree != null && !tree.isObject()) {
        throw new CliException(
            file + " must hold a JSON object (re-create it with: gryt init --force)");
      }
      if (tree != null) {
        tree.fields()
            .forEachRemaining(
                field -> {
                  if (!field.getValue().isTextual()) {
                    throw new CliException(
                        file
                            + ": "
                            + field.getKey()
                            + " must be a string; fix it with: gryt config "
                            + field.getKey()
                            + " VALUE");
                  }
                  values.put(field.getKey(), field.getValue().asText());
                });
      }
    }
    return new LocalConfig(file, values);
  }

  /** The value set, or the default; a bad value in the file is reported with the allowed ones. */
  public String get(Key key) {
    String value = values.get(key.name);
    if (value == null) {
      return key.defaultValue;
    }
    try {
      return key.check(value);
    } catch (CliException e) {
      throw new CliException(
          file + ": " + e.getMessage() + "; fix it with: gryt config " + key.name + " VALUE");
    }
  }

  public ExecutionMode executionMode() {
    return ExecutionMode.valueOf(get(Key.EXECUTION_MODE).toUpperCase(java.util.Locale.ROOT));
  }

  public void set(Key key, String value) {
    values.put(key.name, key.check(value));
  }

  public void unset(Key key) {
    values.remove(key.name);
  }

  /** Every known setting with its effective value (null when unset without a default). */
  public Map<String, String> effective() {
    Map<String, String> all = new LinkedHashMap<>();
    for (Key key : Key.values()) {
      all.put(key.name, get(key));
    }
    // Keys gryt does not know (from a newer gryt, say) are shown, never dropped.
    new TreeMap<>(values).forEach((k, v) -> all.putIfAbsent(k, v));
    return all;
  }

  public void write() {
    ObjectNode tree = ResourceCodec.json().createObjectNode();
    values.forEach(tree::put);
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(
          tmp, ResourceCodec.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
