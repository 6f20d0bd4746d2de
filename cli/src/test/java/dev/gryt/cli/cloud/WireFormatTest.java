package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliRun;
import dev.gryt.crds.ResourceCodec;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the cloud commands read the server's replies, against a stub that speaks the protocol. */
class WireFormatTest {
  @TempDir Path home;
  private StubServer stub;
  private CliRun gryt;

  @BeforeEach
  void start() throws Exception {
    stub = new StubServer();
    gryt = new CliRun(home).env("GRYT_URL", stub.url());
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  @Test
  void rejectedManifestsPrintEveryProblemWithFileAndLine() {
    stub.reply(
        422,
        """
        {"status":"error","message":"invalid manifests","detail":[
          {"source":"<request>","line":14,"path":"spec.steps[1].command","message":"required"},
          {"source":"<request>","line":0,"path":"","message":"no documents"}]}
        """);

    CliRun.Result result = gryt.run("cloud", "get", "pipelines");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "<request>:14: spec.steps[1].command: required", "<request>: no documents");
  }

  @Test
  void otherErrorsPrintTheServersMessage() {
    stub.reply(404, "{\"status\":\"error\",\"message\":\"pipeline 'nope' not found\"}");

    CliRun.Result result = gryt.run("cloud", "delete", "pipeline", "nope");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines()).containsExactly("error: pipeline 'nope' not found");
    assertThat(stub.requests()).extracting(StubServer.Request::method).containsExactly("DELETE");
    assertThat(stub.requests().get(0).pathAndQuery()).isEqualTo("/api/v1/pipelines/nope");
  }

  @Test
  void aReplyThatIsNotGrytsSaysSo() {
    stub.reply(502, "<html>Bad Gateway</html>");

    CliRun.Result result = gryt.run("cloud", "get", "jobs");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: unexpected reply from "
                + stub.url()
                + " (HTTP 502: <html>Bad Gateway</html>); is this a gryt server?");
  }

  @Test
  void getOneByIdPrintsATableRow() {
    stub.reply(
        200,
        """
        {"status":"success","message":"ok","data":{"apiVersion":"gryt.io/v1","kind":"Job",
          "id":"job-7","metadata":{"name":"my-app-ci","creationTimestamp":"2026-01-01T10:00:00Z"},
          "status":{"conditions":[{"type":"Ready","status":"False","reason":"PipelineNotFound"}]}}}
        """);

    CliRun.Result result = gryt.run("cloud", "get", "job", "job-7");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "NAME        ID      READY   REASON             AGE",
            "my-app-ci   job-7   False   PipelineNotFound   2h");
    assertThat(stub.requests().get(0).pathAndQuery()).isEqualTo("/api/v1/jobs/job-7");
  }

  @Test
  void getAsYamlPrintsTheObjects() {
    stub.reply(
        200,
        """
        {"status":"success","message":"ok","data":{"items":[
          {"kind":"GitHubRepo","metadata":{"name":"my-app-repo"}}]}}
        """);

    CliRun.Result result = gryt.run("cloud", "get", "repos", "-o", "yaml");

    assertThat(result.outLines())
        .containsExactly("items:", "- kind: GitHubRepo", "  metadata:", "    name: my-app-repo");
    assertThat(stub.requests().get(0).pathAndQuery()).isEqualTo("/api/v1/github-repos");
  }

  @Test
  void emptyListSaysSoOnStderr() {
    stub.reply(200, "{\"status\":\"success\",\"message\":\"ok\",\"data\":{\"items\":[]}}");

    CliRun.Result result = gryt.run("cloud", "get", "webhooks");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEmpty();
    assertThat(result.errLines()).containsExactly("no webhooks found");
  }

  @Test
  void applySendsTheYamlWithDryRunAndPruneParameters() throws Exception {
    stub.reply(
        200,
        """
        {"status":"success","message":"ok","data":{"dry_run":true,"results":[]}}
        """);
    GrytApiClient client =
        new GrytApiClient(java.net.URI.create(stub.url()), RequestDecorator.NONE);

    client.apply("kind: Pipeline\n", true, "team a");

    StubServer.Request request = stub.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.pathAndQuery())
        .isEqualTo("/api/v1/apply?dryRun=true&prune=true&applyset=team+a");
    assertThat(ResourceCodec.json().readTree(request.body()).get("yaml_content").asText())
        .isEqualTo("kind: Pipeline\n");
  }

  @Test
  void deletePrintsWhatWasDeleted() {
    stub.reply(
        200,
        """
        {"status":"success","message":"deleted","data":{"kind":"Pipeline","name":"test-and-build",
          "id":"pipe-1","action":"deleted"}}
        """);

    CliRun.Result result = gryt.run("cloud", "delete", "pipe", "pipe-1");

    assertThat(result.outLines()).containsExactly("pipeline/test-and-build deleted");
  }
}
