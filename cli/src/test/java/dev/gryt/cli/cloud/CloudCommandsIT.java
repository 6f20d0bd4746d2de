package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliRun;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.manifest.BadManifestCorpus;
import dev.gryt.server.ApiServer;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cloud commands, run in-process, against a real {@link ApiServer} on a free port over a
 * temporary SQLite store. Assertions are on what the commands print and what the store holds.
 */
class CloudCommandsIT {
  private static final String TEST_STEP = "go test ./...";

  @TempDir Path dir;
  private ResourceStore store;
  private ApiServer server;
  private CliRun gryt;
  private Path infra;

  @BeforeEach
  void start() throws IOException {
    store = StoreFactory.open("sqlite:" + dir.resolve("gryt.db"));
    server = ApiServer.start(store, "127.0.0.1", 0);
    gryt = new CliRun(dir).env("GRYT_URL", "http://127.0.0.1:" + server.port());
    infra = dir.resolve("infra.yaml");
    try (InputStream in = getClass().getResourceAsStream("/manifests/infra.yaml")) {
      Files.write(infra, in.readAllBytes());
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyBrokenManifestExitsOneNamingFileAndLineAndSendsNothing() {
    return BadManifestCorpus.all().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      Path file =
                          dir.resolve("broken-" + c.name().replaceAll("[^A-Za-z0-9.-]", "_"));
                      Files.write(file, c.content());
                      long before = store.resourceVersion();

                      CliRun.Result result = gryt.run("cloud", "apply", "-f", file.toString());

                      assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
                      assertThat(result.err())
                          .contains(file.getFileName() + ":" + c.expectedLine() + ":")
                          .contains(c.expectedFragment());
                      assertThat(store.resourceVersion()).isEqualTo(before);
                    }));
  }

  @Test
  void appliesTheInfraExampleThenFindsItUnchanged() {
    CliRun.Result first = gryt.run("cloud", "apply", "-f", infra.toString());

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.outLines())
        .containsExactly(
            "pipeline/test-and-build created",
            "githubrepo/my-app-repo created",
            "job/my-app-ci created",
            "webhook/github-webhook created");
    assertThat(store.list(Pipeline.class, null, Map.of())).hasSize(1);

    CliRun.Result again = gryt.run("cloud", "apply", "-f", infra.toString());

    assertThat(again.exitCode()).isZero();
    assertThat(again.outLines())
        .containsExactly(
            "pipeline/test-and-build unchanged",
            "githubrepo/my-app-repo unchanged",
            "job/my-app-ci unchanged",
            "webhook/github-webhook unchanged");
  }

  @Test
  void dryRunReportsThePlanAndWritesNothing() throws IOException {
    gryt.run("cloud", "apply", "-f", infra.toString());
    long before = store.resourceVersion();
    Path changed = withRaceFlag();

    CliRun.Result result = gryt.run("cloud", "apply", "-f", changed.toString(), "--dry-run");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines()).contains("pipeline/test-and-build configured (dry run)");
    assertThat(store.resourceVersion()).isEqualTo(before);
  }

  @Test
  void diffExitsZeroWhenEqualOneWhenDifferentTwoOnError() throws IOException {
    gryt.run("cloud", "apply", "-f", infra.toString());

    CliRun.Result same = gryt.run("cloud", "diff", "-f", infra.toString());
    assertThat(same.exitCode()).isZero();
    assertThat(same.out()).isEmpty();

    CliRun.Result different = gryt.run("cloud", "diff", "-f", withRaceFlag().toString());
    assertThat(different.exitCode()).isEqualTo(1);
    assertThat(different.outLines())
        .containsExactly(
            "pipeline/test-and-build configured",
            "- spec.steps[0].command: \"go test ./...\"",
            "+ spec.steps[0].command: \"go test -race ./...\"");
    assertThat(store.get(Pipeline.class, "default", "test-and-build").orElseThrow())
        .extracting(p -> p.getSpec().steps.get(0).command)
        .isEqualTo(TEST_STEP);

    server.close();
    CliRun.Result failed = gryt.run("cloud", "diff", "-f", infra.toString());
    assertThat(failed.exitCode()).isEqualTo(2);
    server = ApiServer.start(store, "127.0.0.1", 0);
  }

  @Test
  void getListsAndShowsResourcesByNameOrId() throws Exception {
    gryt.run("cloud", "apply", "-f", infra.toString());
    String id = store.get(GitHubRepo.class, "default", "my-app-repo").orElseThrow().id();

    CliRun.Result list = gryt.run("cloud", "get", "pipelines");
    assertThat(list.exitCode()).isZero();
    assertThat(list.outLines().get(0)).matches("NAME\\s+ID\\s+READY\\s+REASON\\s+AGE");
    // no control loop here: nothing has set a Ready condition
    assertThat(list.outLines().get(1)).matches("test-and-build\\s+pipe-\\S+\\s+-\\s+-\\s+\\S+");

    CliRun.Result byId = gryt.run("cloud", "get", "repo", id, "-o", "json");
    assertThat(byId.exitCode()).isZero();
    var repo = ResourceCodec.json().readTree(byId.out());
    assertThat(repo.path("metadata").path("name").asText()).isEqualTo("my-app-repo");
    assertThat(repo.path("spec").path("git_url").asText())
        .isEqualTo("https://github.com/myorg/myapp");

    CliRun.Result yaml = gryt.run("cloud", "get", "GitHubRepo", "my-app-repo", "-o", "yaml");
    assertThat(yaml.outLines()).contains("kind: GitHubRepo");
  }

  @Test
  void deleteRemovesTheResource() {
    gryt.run("cloud", "apply", "-f", infra.toString());

    CliRun.Result deleted = gryt.run("cloud", "delete", "webhook", "github-webhook");

    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    assertThat(deleted.outLines()).containsExactly("webhook/github-webhook deleted");
    assertThat(store.get(Webhook.class, "default", "github-webhook")).isEmpty();

    CliRun.Result missing = gryt.run("cloud", "get", "webhook", "github-webhook");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.errLines()).singleElement().asString().startsWith("error: ");
  }

  @Test
  void invalidManifestIsReportedLocallyAndNothingIsSent() throws IOException {
    Files.writeString(
        dir.resolve("bad.yaml"),
        Files.readString(infra).replace("      command: \"go build -o bin/app\"\n", ""));

    Path bad = dir.resolve("bad.yaml");
    CliRun.Result result = gryt.run("cloud", "apply", "-f", bad.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.errLines())
        .isNotEmpty()
        .allMatch(line -> line.matches(Pattern.quote(bad.toString()) + ":\\d+: .+"))
        .anyMatch(line -> line.contains("spec.steps[1]"));
    assertThat(store.resourceVersion()).isZero();
  }

  @Test
  void readsManifestsFromStdinAndPrintsJson() throws Exception {
    CliRun.Result result =
        gryt.stdin(Files.readString(infra)).run("cloud", "apply", "-f", "-", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    var data = ResourceCodec.json().readTree(result.out());
    assertThat(data.path("dry_run").asBoolean(true)).isFalse();
    assertThat(data.path("results").findValuesAsText("action")).containsOnly("created");
  }

  @Test
  void pruneDeletesWhatTheApplysetNoLongerNames() throws IOException {
    gryt.run("cloud", "apply", "-f", infra.toString(), "--prune", "--applyset", "demo");
    String pipelineOnly = Files.readString(infra).split("\n---\n")[0] + "\n";
    Files.writeString(dir.resolve("pipeline.yaml"), pipelineOnly);

    CliRun.Result result =
        gryt.run(
            "cloud",
            "apply",
            "-f",
            dir.resolve("pipeline.yaml").toString(),
            "--prune",
            "--applyset",
            "demo");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines())
        .contains(
            "pipeline/test-and-build unchanged",
            "githubrepo/my-app-repo pruned",
            "job/my-app-ci pruned",
            "webhook/github-webhook pruned");
    assertThat(store.list(Webhook.class, null, Map.of())).isEmpty();
  }

  @Test
  void appliesADirectoryAndItsSubdirectoriesWithRecursive() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree/nested"));
    Files.copy(infra, tree.resolve("infra.yml"));

    CliRun.Result flat = gryt.run("cloud", "apply", "-f", dir.resolve("tree").toString());
    assertThat(flat.exitCode()).isEqualTo(1);
    assertThat(store.resourceVersion()).isZero();

    CliRun.Result recursive =
        gryt.run("cloud", "apply", "-f", dir.resolve("tree").toString(), "-R");
    assertThat(recursive.exitCode()).as(recursive.err()).isZero();
    assertThat(recursive.outLines()).hasSize(4).allMatch(line -> line.endsWith(" created"));
  }

  @Test
  void webhookDeliveriesAreListedAndOneIsRedelivered() throws Exception {
    assertThat(gryt.run("cloud", "apply", "-f", infra.toString()).exitCode()).isZero();
    String key =
        ResourceCodec.json()
            .readTree(gryt.run("cloud", "webhooks", "get", "github-webhook", "-o", "json").out())
            .path("webhook_key")
            .asText();
    assertThat(gryt.run("cloud", "webhooks", "trigger", key).exitCode()).isZero();

    CliRun.Result listed = gryt.run("cloud", "webhooks", "deliveries", "github-webhook");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(listed.outLines()).hasSize(2);
    assertThat(listed.outLines().get(0))
        .matches("ID\\s+EVENT\\s+BRANCH\\s+COMMIT\\s+SIGNED\\s+STATUS\\s+RUN/REASON\\s+AGE");
    assertThat(listed.outLines().get(1))
        .matches("dlv-\\S+\\s+manual\\s+-\\s+-\\s+no\\s+triggered\\s+run-\\S+\\s+\\S+");
    String original = listed.outLines().get(1).split("\\s+")[0];

    CliRun.Result redelivered =
        gryt.run("cloud", "webhooks", "redeliver", "github-webhook", original);
    assertThat(redelivered.exitCode()).as(redelivered.err()).isZero();
    assertThat(redelivered.outLines())
        .singleElement()
        .asString()
        .matches("dlv-\\S+ redelivers " + original + ": run-\\S+ started");
    assertThat(gryt.run("cloud", "webhooks", "deliveries", "github-webhook").outLines().get(1))
        .contains("triggered (redelivery)");

    CliRun.Result missing =
        gryt.run("cloud", "webhooks", "redeliver", "github-webhook", "dlv-000000000000");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.errLines())
        .singleElement()
        .asString()
        .contains("has no delivery dlv-000000000000");
  }

  @Test
  void unreachableServerSaysHowToStartOne() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort;

    CliRun.Result result = gryt.run("cloud", "get", "pipelines", "--server", url);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: cannot reach gryt server at "
                + url
                + ": connection refused (start one with: gryt server)");
  }

  private Path withRaceFlag() throws IOException {
    Path changed = dir.resolve("changed.yaml");
    Files.writeString(changed, Files.readString(infra).replace(TEST_STEP, "go test -race ./..."));
    return changed;
  }
}
