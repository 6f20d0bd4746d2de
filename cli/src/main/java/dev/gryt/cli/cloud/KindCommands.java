package dev.gryt.cli.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliException;
import dev.gryt.crds.ResourceKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * {@code gryt cloud pipelines|repos|jobs|webhooks list|create|get|delete}: the REST door, as
 * existing gryt clients use it. {@code apply} manages the same objects.
 */
final class KindCommands {
  private KindCommands() {}

  /** list, get and delete, the same for every kind. */
  abstract static class Base {
    @ParentCommand CloudCommand cloud;
    @Spec CommandSpec spec;

    abstract ResourceKind kind();

    @Command(name = "list", description = "List them (table; -o json|yaml for more).")
    int list(
        @Option(
                names = {"-o", "--output"},
                defaultValue = "table",
                description = "table, json or yaml")
            OutputFormat format) {
      printer(format).list(kind(), cloud.client().list(kind(), Map.of()));
      return 0;
    }

    @Command(name = "get", description = "Show one, by id or name.")
    int get(
        @Parameters(paramLabel = "ID|NAME") String ref,
        @Option(
                names = {"-o", "--output"},
                defaultValue = "yaml",
                description = "table, json or yaml")
            OutputFormat format) {
      printer(format).one(kind(), cloud.client().get(kind(), ref));
      return 0;
    }

    @Command(name = "delete", description = "Delete one, by id or name.")
    int delete(@Parameters(paramLabel = "ID|NAME") String ref) {
      cloud.client().delete(kind().apiPath() + "/" + GrytApiClient.segment(ref));
      out().println(Kinds.noun(kind()) + " " + ref + " deleted");
      out().flush();
      return 0;
    }

    JsonNode post(Map<String, Object> body) {
      return cloud.client().post(kind().apiPath(), body);
    }

    void created(JsonNode data) {
      out()
          .println(
              Kinds.noun(kind())
                  + " "
                  + data.at("/metadata/name").asText()
                  + " created (id "
                  + data.path("id").asText()
                  + ")");
      out().flush();
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    private ResourcePrinter printer(OutputFormat format) {
      return new ResourcePrinter(spec.commandLine(), format, cloud.environment().clock().instant());
    }
  }

  @Command(
      name = "pipelines",
      aliases = "pipeline",
      description = "Pipelines: list, create, get, delete.")
  static final class Pipelines extends Base {
    @Override
    ResourceKind kind() {
      return ResourceKind.PIPELINE;
    }

    @Command(name = "create", description = "Create a pipeline from a YAML file of its steps.")
    int create(
        @Option(names = "--name", required = true) String name,
        @Option(names = "--description") String description,
        @Option(
                names = {"-f", "--config"},
                required = true,
                description = "YAML with steps: (a Pipeline manifest works too)")
            Path config) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("description", description == null ? "" : description);
      try {
        body.put("config", Files.readString(config));
      } catch (IOException e) {
        throw new CliException("cannot read " + config + ": " + e.getMessage(), e);
      }
      created(post(body));
      return 0;
    }
  }

  @Command(
      name = "repos",
      aliases = {"repo", "github-repos"},
      description = "GitHub repositories: list, create, get, delete.")
  static final class Repos extends Base {
    @Override
    ResourceKind kind() {
      return ResourceKind.GITHUB_REPO;
    }

    @Command(name = "create", description = "Add a repository.")
    int create(
        @Option(names = "--name", required = true) String name,
        @Option(names = "--url", required = true, description = "git URL") String url,
        @Option(names = "--branch", defaultValue = "main") String branch,
        @Option(names = "--private") boolean isPrivate,
        @Option(names = "--token-stdin", description = "Read an access token from stdin.")
            boolean tokenStdin) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("git_url", url);
      body.put("is_private", isPrivate);
      body.put("branch", branch);
      if (tokenStdin) {
        body.put("access_token", AccountCommands.secret(cloud.environment(), true, "token"));
      }
      created(post(body));
      return 0;
    }
  }

  @Command(
      name = "webhooks",
      aliases = "webhook",
      description = "Webhooks: list, create, get, delete, trigger, deliveries, redeliver.")
  static final class Webhooks extends Base {
    @Override
    ResourceKind kind() {
      return ResourceKind.WEBHOOK;
    }

    @Command(name = "create", description = "Create a webhook for a job; prints its trigger URL.")
    int create(
        @Option(names = "--name", required = true) String name,
        @Option(names = "--description") String description,
        @Option(names = "--job", required = true, description = "job id or name") String job) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("description", description == null ? "" : description);
      body.put("job_id", job);
      JsonNode data = post(body);
      created(data);
      out().println("trigger: POST " + cloud.serverUrl() + data.path("url").asText());
      out().flush();
      return 0;
    }

    @Command(
        name = "deliveries",
        description =
            "A webhook's deliveries, newest first: event, branch, commit, whether the signature"
                + " was checked, the run it started or why it was skipped.")
    int deliveries(
        @Parameters(paramLabel = "ID|NAME") String webhook,
        @Option(names = "--limit", defaultValue = "20", description = "At most this many.")
            int limit,
        @Option(
                names = {"-o", "--output"},
                defaultValue = "table",
                description = "table or json")
            OutputFormat format) {
      JsonNode data =
          cloud
              .client()
              .get(
                  kind().apiPath()
                      + "/"
                      + GrytApiClient.segment(webhook)
                      + "/deliveries?limit="
                      + limit);
      if (format != OutputFormat.TABLE) {
        out().println(data.path("items").toPrettyString());
        out().flush();
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("ID", "EVENT", "BRANCH", "COMMIT", "SIGNED", "STATUS", "RUN/REASON", "AGE"));
      java.time.Instant now = cloud.environment().clock().instant();
      for (JsonNode d : data.path("items")) {
        String commit = ResourceTable.text(d.path("commit"));
        rows.add(
            List.of(
                ResourceTable.text(d.path("id")),
                ResourceTable.text(d.path("event")),
                ResourceTable.text(d.path("branch")),
                commit.length() > 12 ? commit.substring(0, 12) : commit,
                d.path("signature_checked").isBoolean()
                    ? (d.path("signature_checked").asBoolean() ? "yes" : "no")
                    : "-",
                ResourceTable.text(d.path("status"))
                    + (d.path("redelivery_of").isTextual() ? " (redelivery)" : ""),
                d.path("run_id").isTextual()
                    ? d.path("run_id").asText()
                    : ResourceTable.text(d.path("reason")),
                ResourceTable.age(d.path("received_at").asText(null), now)));
      }
      TextTable.fitting(rows).lines(rows).forEach(out()::println);
      out().flush();
      return 0;
    }

    @Command(
        name = "redeliver",
        description =
            "Replay a delivery's kept payload as a new delivery (the webhook's filters apply).")
    int redeliver(
        @Parameters(index = "0", paramLabel = "ID|NAME") String webhook,
        @Parameters(index = "1", paramLabel = "DELIVERY", description = "dlv-… (see deliveries)")
            String delivery) {
      JsonNode data =
          cloud
              .client()
              .post(
                  kind().apiPath()
                      + "/"
                      + GrytApiClient.segment(webhook)
                      + "/deliveries/"
                      + GrytApiClient.segment(delivery)
                      + "/redeliver",
                  null);
      out()
          .println(
              data.path("run_id").isTextual()
                  ? data.path("delivery").asText()
                      + " redelivers "
                      + delivery
                      + ": "
                      + data.path("run_id").asText()
                      + " started"
                  : data.path("delivery").asText()
                      + " redelivers "
                      + delivery
                      + ": skipped: "
                      + data.path("skipped").asText());
      out().flush();
      return 0;
    }

    @Command(name = "trigger", description = "Trigger a webhook by its key (no login needed).")
    int trigger(@Parameters(paramLabel = "KEY") String key) {
      JsonNode data =
          new GrytApiClient(cloud.serverUrl(), RequestDecorator.NONE)
              .post("webhooks/run/" + GrytApiClient.segment(key), null);
      out()
          .println(
              data.path("run_id").isTextual()
                  ? data.path("run_id").asText() + " started"
                  : "triggered");
      out().flush();
      return 0;
    }
  }
}
