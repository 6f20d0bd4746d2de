package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gryt cloud api-keys create|list|revoke}. */
@Command(name = "api-keys", description = "Create, list and revoke your API keys.")
public final class ApiKeysCommand {
  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;

  @Command(name = "create", description = "Create a key; its secret is printed this once.")
  int create(
      @Option(names = "--name", required = true, description = "What the key is for.") String name,
      @Option(names = "--expires-in-days", description = "Days until it expires (default: never).")
          Integer days) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    if (days != null) {
      body.put("expires_in_days", days);
    }
    JsonNode key = cloud.client().post("api-keys", body);
    PrintWriter out = spec.commandLine().getOut();
    out.println("key_id:     " + key.path("key_id").asText());
    out.println("secret:     " + key.path("secret").asText());
    out.println("expires_at: " + key.path("expires_at").asText("never"));
    out.println("The secret is shown this once; keep it somewhere safe.");
    out.flush();
    return 0;
  }

  @Command(name = "list", description = "List your keys (never their secrets).")
  int list() {
    JsonNode data = cloud.client().get("api-keys");
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode k : data.path("items")) {
      rows.add(
          List.of(
              k.path("key_id").asText(),
              k.path("name").asText(),
              k.path("status").asText(),
              k.path("created_at").asText(),
              k.path("expires_at").isTextual() ? k.path("expires_at").asText() : "never"));
    }
    PrintWriter out = spec.commandLine().getOut();
    rows.add(0, List.of("KEY ID", "NAME", "STATUS", "CREATED", "EXPIRES"));
    TextTable.fitting(rows).lines(rows).forEach(out::println);
    out.flush();
    return 0;
  }

  @Command(name = "revoke", description = "Revoke a key: requests signed with it get 401.")
  int revoke(@Parameters(paramLabel = "KEY_ID") String keyId) {
    cloud.client().delete("api-keys/" + GrytApiClient.segment(keyId));
    spec.commandLine().getOut().println("API key " + keyId + " revoked");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
