package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliRun;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.ApiServer;
import dev.gryt.server.auth.ServerSecurity;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.StoreFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** signup, login, whoami, api-keys, logout and api against a real server with accounts. */
class AccountCommandsIT {
  static final String PASSWORD = "a long enough password";
  static final String PIPELINE =
      """
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata: {name: build}
      spec:
        steps: [{name: test, command: "echo ok"}]
      """;

  @TempDir Path home;
  ResourceStore store;
  ApiServer server;
  String url;

  @BeforeEach
  void start() {
    store = StoreFactory.open("sqlite:" + home.resolve("server.db"));
    server =
        ApiServer.start(
            store, "127.0.0.1", 0, ServerSecurity.accounts(store, new byte[32], Clock.systemUTC()));
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  CliRun gryt() {
    return new CliRun(home).clock(Clock.systemUTC()).env("GRYT_URL", url);
  }

  @Test
  void aPersonSignsUpWorksWithKeysAndLogsOut() throws Exception {
    CliRun.Result signup =
        gryt().stdin(PASSWORD + "\n").run("cloud", "signup", "-u", "alice", "--password-stdin");
    assertThat(signup.exitCode()).as(signup.err()).isZero();
    assertThat(signup.out()).startsWith("account alice created (acct-");

    Path config = home.resolve(".gryt/config.json");
    assertThat(Files.readString(config)).contains("api_key_id").doesNotContain(PASSWORD);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-------");

    CliRun.Result whoami = gryt().run("cloud", "whoami");
    assertThat(whoami.out()).startsWith("alice (acct-").contains("API key key_");

    Files.writeString(home.resolve("p.yaml"), PIPELINE);
    CliRun.Result applied = gryt().run("cloud", "apply", "-f", home.resolve("p.yaml").toString());
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    CliRun.Result api = gryt().run("cloud", "api", "pipelines");
    assertThat(ResourceCodec.json().readTree(api.out()).at("/items/0/metadata/name").asText())
        .isEqualTo("build");

    CliRun.Result created =
        gryt().run("cloud", "api-keys", "create", "--name", "ci", "--expires-in-days", "30");
    assertThat(created.exitCode()).as(created.err()).isZero();
    String keyId = field(created.out(), "key_id:");
    String secret = field(created.out(), "secret:");
    CliRun.Result list = gryt().run("cloud", "api-keys", "list");
    assertThat(list.outLines()).hasSize(3).anySatisfy(l -> assertThat(l).contains(keyId, "active"));
    assertThat(list.out()).doesNotContain(secret);

    assertThat(gryt().run("cloud", "logout").out()).contains("forgotten and revoked");
    CliRun.Result refused = gryt().run("cloud", "get", "pipelines");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.errLines()).singleElement().asString().contains("gryt cloud login");

    CliRun.Result byKey =
        gryt()
            .stdin(secret + "\n")
            .run("cloud", "login", "--method", "api-key", "--key-id", keyId, "--secret-stdin");
    assertThat(byKey.exitCode()).as(byKey.err()).isZero();
    assertThat(gryt().run("cloud", "get", "pipelines").out()).contains("build");

    assertThat(gryt().run("cloud", "api-keys", "revoke", keyId).exitCode()).isZero();
    assertThat(gryt().run("cloud", "get", "pipelines").exitCode()).isEqualTo(1);
  }

  @Test
  void teamMembersWorkOnTheTeamsObjectsWithTeam(@TempDir Path bobHome) throws Exception {
    CliRun alice = gryt();
    CliRun bob = new CliRun(bobHome).clock(Clock.systemUTC()).env("GRYT_URL", url);
    assertThat(
            alice
                .stdin(PASSWORD + "\n")
                .run("cloud", "signup", "-u", "alice", "--password-stdin")
                .exitCode())
        .isZero();
    assertThat(
            new CliRun(bobHome)
                .clock(Clock.systemUTC())
                .env("GRYT_URL", url)
                .stdin(PASSWORD + "\n")
                .run("cloud", "signup", "-u", "bob", "--password-stdin")
                .exitCode())
        .isZero();
    CliRun.Result created = gryt().run("cloud", "teams", "create", "acme");
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).startsWith("team acme created (team-");
    CliRun.Result added = gryt().run("cloud", "teams", "add-member", "acme", "bob");
    assertThat(added.exitCode()).as(added.err()).isZero();

    Files.writeString(bobHome.resolve("p.yaml"), PIPELINE);
    CliRun.Result applied =
        bob.run("cloud", "--team", "acme", "apply", "-f", bobHome.resolve("p.yaml").toString());
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    CliRun.Result teamList = gryt().env("GRYT_TEAM", "acme").run("cloud", "get", "pipelines");
    assertThat(teamList.out()).contains("build");
    assertThat(gryt().run("cloud", "get", "pipelines").out()).doesNotContain("build");
    CliRun.Result show = gryt().run("cloud", "teams", "show", "acme");
    assertThat(show.out()).contains("alice", "owner", "bob", "member");
    assertThat(
            new CliRun(bobHome)
                .clock(Clock.systemUTC())
                .env("GRYT_URL", url)
                .run("cloud", "teams", "list")
                .out())
        .contains("acme");

    CliRun.Result unknown = gryt().run("cloud", "--team", "nope", "get", "pipelines");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.errLines()).singleElement().asString().contains("no team nope");
    CliRun.Result notOwner =
        new CliRun(bobHome)
            .clock(Clock.systemUTC())
            .env("GRYT_URL", url)
            .run("cloud", "teams", "add-member", "acme", "x");
    assertThat(notOwner.exitCode()).isEqualTo(1);
    assertThat(notOwner.errLines()).singleElement().asString().contains("only the team's owners");
  }

  @Test
  void wrongPasswordsAndBadInputExitOneWithOneLine() {
    gryt().stdin(PASSWORD + "\n").run("cloud", "signup", "-u", "alice", "--password-stdin");
    CliRun.Result wrong =
        gryt().stdin("not it\n").run("cloud", "login", "-u", "alice", "--password-stdin");
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.errLines())
        .singleElement()
        .asString()
        .contains("invalid username or password");

    CliRun.Result taken =
        gryt().stdin(PASSWORD + "\n").run("cloud", "signup", "-u", "alice", "--password-stdin");
    assertThat(taken.exitCode()).isEqualTo(1);
    assertThat(taken.err()).contains("taken");

    CliRun.Result weak =
        gryt().stdin("short\n").run("cloud", "signup", "-u", "bob", "--password-stdin");
    assertThat(weak.exitCode()).isEqualTo(1);
    assertThat(weak.err()).contains("password").contains("at least 8");

    CliRun.Result method = gryt().run("cloud", "login", "--method", "magic");
    assertThat(method.exitCode()).isEqualTo(1);
    assertThat(method.err()).contains("credentials or api-key");

    CliRun.Result empty = gryt().run("cloud", "login", "-u", "alice", "--password-stdin");
    assertThat(empty.exitCode()).isEqualTo(1);
    assertThat(empty.err()).contains("nothing on stdin");
  }

  @Test
  void aServerOnThisMachineIsUsableWithoutLoggingIn() throws Exception {
    ResourceStore other = StoreFactory.open("sqlite:" + home.resolve("local.db"));
    // What gryt server writes on start: the admin key for HOST-PORT.
    ServerSecurity security = ServerSecurity.accounts(other, new byte[32], Clock.systemUTC());
    try (ApiServer local = ApiServer.start(other, "127.0.0.1", 0, security)) {
      var issued = security.accounts().createKey("acct-admin", "local", null);
      var content = ResourceCodec.json().createObjectNode();
      content.put("api_key_id", issued.key().keyId());
      content.put("api_key_secret", issued.secret());
      Credentials.writePrivate(
          Credentials.localServerFile(home.resolve(".gryt"), "127.0.0.1", local.port()), content);
      CliRun.Result whoami =
          new CliRun(home)
              .clock(Clock.systemUTC())
              .run("cloud", "whoami", "--server", "http://localhost:" + local.port());
      assertThat(whoami.exitCode()).as(whoami.err()).isZero();
      assertThat(whoami.out()).startsWith("admin (acct-admin)");
    } finally {
      other.close();
    }
  }

  @Test
  void theRestDoorCommandsCreateListGetDeleteAndTrigger() throws Exception {
    gryt().stdin(PASSWORD + "\n").run("cloud", "signup", "-u", "carol", "--password-stdin");
    Files.writeString(home.resolve("steps.yaml"), "steps:\n  - name: t\n    command: echo hi\n");
    CliRun.Result pipe =
        gryt()
            .run(
                "cloud",
                "pipelines",
                "create",
                "--name",
                "build",
                "-f",
                home.resolve("steps.yaml").toString());
    assertThat(pipe.exitCode()).as(pipe.err()).isZero();
    assertThat(pipe.out()).startsWith("pipeline build created (id pipe-");
    CliRun.Result repo =
        gryt()
            .stdin("ghp_token_from_stdin\n")
            .run(
                "cloud",
                "repos",
                "create",
                "--name",
                "app",
                "--url",
                "https://github.com/a/b",
                "--private",
                "--token-stdin");
    assertThat(repo.exitCode()).as(repo.err()).isZero();
    assertThat(gryt().run("cloud", "repos", "get", "app").out())
        .doesNotContain("ghp_token_from_stdin")
        .contains("access_token_set: true");
    CliRun.Result job =
        gryt()
            .run("cloud", "jobs", "create", "--name", "ci", "--pipeline", "build", "--repo", "app");
    assertThat(job.exitCode()).as(job.err()).isZero();
    CliRun.Result hook = gryt().run("cloud", "webhooks", "create", "--name", "hook", "--job", "ci");
    assertThat(hook.exitCode()).as(hook.err()).isZero();
    String trigger =
        hook.outLines().stream()
            .filter(l -> l.startsWith("trigger: POST "))
            .findFirst()
            .orElseThrow();
    String key = trigger.substring(trigger.lastIndexOf('/') + 1);
    assertThat(key).startsWith("wh_");
    CliRun.Result triggered =
        new CliRun(home)
            .clock(Clock.systemUTC())
            .env("GRYT_URL", url)
            .run("cloud", "webhooks", "trigger", key);
    assertThat(triggered.exitCode()).as(triggered.err()).isZero();
    assertThat(triggered.out()).startsWith("run-");
    assertThat(gryt().run("cloud", "jobs", "list").out()).contains("ci");
    assertThat(gryt().run("cloud", "pipelines", "list").outLines()).hasSize(2);
    CliRun.Result bad = gryt().run("cloud", "jobs", "create", "--name", "j2", "--pipeline", "nope");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("pipeline_id").contains("no pipeline nope");
    assertThat(gryt().run("cloud", "webhooks", "delete", "hook").exitCode()).isZero();
    assertThat(gryt().run("cloud", "webhooks", "trigger", key).exitCode()).isEqualTo(1);
  }

  private static String field(String out, String label) {
    return out.lines()
        .filter(l -> l.startsWith(label))
        .map(l -> l.substring(label.length()).strip())
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unused")
  private static JsonNode json(String text) throws Exception {
    return ResourceCodec.json().readTree(text);
  }
}
