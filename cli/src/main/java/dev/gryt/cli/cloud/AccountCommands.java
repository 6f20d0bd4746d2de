package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceCodec;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gryt cloud signup|login|logout|whoami}: accounts. Logging in with a password stores a new
 * API key in {@code $GRYT_HOME/config.json} (mode 0600), never the password.
 */
final class AccountCommands {
  private AccountCommands() {}

  /** Reads a secret from stdin (one line) or, interactively, from the console without echo. */
  static String secret(CliEnvironment environment, boolean fromStdin, String prompt) {
    if (fromStdin) {
      try {
        String line =
            new BufferedReader(new InputStreamReader(environment.stdin(), StandardCharsets.UTF_8))
                .readLine();
        if (line == null || line.isEmpty()) {
          throw new CliException("nothing on stdin: pipe the " + prompt + " in, one line");
        }
        return line;
      } catch (IOException e) {
        throw new CliException("cannot read stdin: " + e.getMessage(), e);
      }
    }
    Console console = System.console();
    if (console == null) {
      throw new CliException(
          "no terminal to ask for the " + prompt + ": pass it on stdin (--password-stdin)");
    }
    char[] typed = console.readPassword("%s: ", prompt);
    if (typed == null || typed.length == 0) {
      throw new CliException("no " + prompt + " given");
    }
    return new String(typed);
  }

  /** Stores the key for {@code server} in {@code $GRYT_HOME/config.json}, keeping other fields. */
  static Path store(
      CliEnvironment environment, URI server, String username, String keyId, String secret) {
    Path config = environment.grytHome().resolve(Credentials.CONFIG);
    ObjectNode content = readConfig(config);
    content.put("server_url", server.toString());
    if (username != null) {
      content.put("username", username);
    } else {
      content.remove("username");
    }
    content.put("api_key_id", keyId);
    content.put("api_key_secret", secret);
    write(config, content);
    return config;
  }

  static ObjectNode readConfig(Path config) {
    if (!Files.isRegularFile(config)) {
      return ResourceCodec.json().createObjectNode();
    }
    try {
      JsonNode tree = ResourceCodec.json().readTree(config.toFile());
      if (tree instanceof ObjectNode o) {
        return o;
      }
      throw new CliException(config + " is not a JSON object (fix or remove it)");
    } catch (IOException e) {
      throw new CliException("cannot read " + config + ": " + e.getMessage(), e);
    }
  }

  static void write(Path config, ObjectNode content) {
    try {
      Credentials.writePrivate(config, content);
    } catch (IOException e) {
      throw new CliException("cannot write " + config + ": " + e.getMessage(), e);
    }
  }

  /** Creates an API key with a password and stores it. */
  static JsonNode loginWithPassword(
      CloudCommand cloud, URI server, String username, String password) {
    GrytApiClient basic = new GrytApiClient(server, Credentials.basic(username, password));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "gryt cli (" + hostName() + ")");
    JsonNode key = basic.post("api-keys", body);
    store(
        cloud.environment(),
        server,
        username,
        key.path("key_id").asText(),
        key.path("secret").asText());
    return key;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this machine";
    }
  }

  @Command(name = "signup", description = "Create an account on the server, then log in to it.")
  static final class Signup implements java.util.concurrent.Callable<Integer> {
    @ParentCommand CloudCommand cloud;
    @Spec CommandSpec spec;

    @Option(
        names = {"-u", "--username"},
        required = true,
        description = "The account's name.")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from stdin.")
    boolean passwordStdin;

    @Override
    public Integer call() {
      URI server = cloud.serverUrl();
      String password = secret(cloud.environment(), passwordStdin, "password");
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("username", username);
      body.put("password", password);
      JsonNode account =
          new GrytApiClient(server, RequestDecorator.NONE).post("accounts/create", body);
      loginWithPassword(cloud, server, username, password);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "account "
              + username
              + " created ("
              + account.path("account_id").asText()
              + ") and logged in at "
              + server);
      out.flush();
      return 0;
    }
  }

  @Command(name = "login", description = "Log in; stores an API key, never the password.")
  static final class Login implements java.util.concurrent.Callable<Integer> {
    @ParentCommand CloudCommand cloud;
    @Spec CommandSpec spec;

    @Option(
        names = "--method",
        defaultValue = "credentials",
        description = "credentials (username and password) or api-key (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(
        names = {"-u", "--username"},
        description = "Username (with --method credentials).")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from stdin.")
    boolean passwordStdin;

    @Option(names = "--key-id", description = "API key id, key_… (with --method api-key).")
    String keyId;

    @Option(names = "--secret-stdin", description = "Read the API key's secret from stdin.")
    boolean secretStdin;

    @Override
    public Integer call() {
      URI server = cloud.serverUrl();
      PrintWriter out = spec.commandLine().getOut();
      switch (method) {
        case "credentials" -> {
          if (username == null) {
            throw new CliException("--username is required with --method credentials");
          }
          String password = secret(cloud.environment(), passwordStdin, "password");
          JsonNode key = loginWithPassword(cloud, server, username, password);
          out.println(
              "logged in to "
                  + server
                  + " as "
                  + username
                  + " (API key "
                  + key.path("key_id").asText()
                  + " stored in "
                  + cloud.environment().grytHome().resolve(Credentials.CONFIG)
                  + ")");
        }
        case "api-key" -> {
          if (keyId == null || !keyId.startsWith("key_")) {
            throw new CliException("--key-id key_… is required with --method api-key");
          }
          String secret = secret(cloud.environment(), secretStdin, "API key secret");
          Credentials given = new Credentials(keyId, secret, null, "--key-id");
          JsonNode me =
              new GrytApiClient(server, given.decorator(cloud.environment().clock()))
                  .get("accounts/me");
          String user = me.path("username").asText();
          store(cloud.environment(), server, user, keyId, secret);
          out.println("logged in to " + server + " as " + user + " with API key " + keyId);
        }
        default ->
            throw new CliException("unknown --method " + method + ": use credentials or api-key");
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "logout", description = "Revoke and forget the stored API key.")
  static final class Logout implements java.util.concurrent.Callable<Integer> {
    @ParentCommand CloudCommand cloud;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path config = cloud.environment().grytHome().resolve(Credentials.CONFIG);
      ObjectNode content = readConfig(config);
      PrintWriter out = spec.commandLine().getOut();
      if (!content.path("api_key_id").isTextual()) {
        out.println("not logged in");
        out.flush();
        return 0;
      }
      String keyId = content.path("api_key_id").asText();
      String revoked = "";
      try {
        cloud.client().delete("api-keys/" + GrytApiClient.segment(keyId));
        revoked = " and revoked";
      } catch (CliException e) {
        revoked = " (the server could not revoke it: " + e.getMessage() + ")";
      }
      content.remove("api_key_id");
      content.remove("api_key_secret");
      content.remove("username");
      write(config, content);
      out.println("API key " + keyId + " forgotten" + revoked);
      out.flush();
      return 0;
    }
  }

  @Command(name = "whoami", description = "Show who the server takes you for.")
  static final class WhoAmI implements java.util.concurrent.Callable<Integer> {
    @ParentCommand CloudCommand cloud;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      URI server = cloud.serverUrl();
      Credentials credentials = Credentials.find(server, cloud.environment());
      if (credentials == null) {
        throw new CliException("not logged in to " + server + " (log in with: gryt cloud login)");
      }
      JsonNode me = cloud.client().get("accounts/me");
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          me.path("username").asText()
              + " ("
              + me.path("account_id").asText()
              + ") at "
              + server
              + ", API key "
              + credentials.keyId()
              + " from "
              + credentials.source());
      out.flush();
      return 0;
    }
  }
}
