package dev.gryt.crds.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.Job;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.Webhook;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestParserTest {
  static final String INFRA_YAML =
      """
      ---
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata:
        name: test-and-build
      spec:
        description: "Test and build application"
        steps:
          - name: test
            command: "go test ./..."
          - name: build
            command: "go build -o bin/app"
      ---
      apiVersion: gryt.io/v1
      kind: GitHubRepo
      metadata:
        name: my-app-repo
      spec:
        git_url: "https://github.com/myorg/myapp"
        branch: "main"
        is_private: true
      ---
      apiVersion: gryt.io/v1
      kind: Job
      metadata:
        name: my-app-ci
      spec:
        description: "CI pipeline for my-app"
        pipeline_name: test-and-build
        github_repo_name: my-app-repo
        branch_override: "develop"
      ---
      apiVersion: gryt.io/v1
      kind: Webhook
      metadata:
        name: github-webhook
      spec:
        description: "Trigger CI on push"
        job_name: my-app-ci
      """;

  static ParseResult parse(String yaml) {
    return ManifestParser.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> problems(String yaml) {
    return parse(yaml).problems().stream().map(Problem::toString).toList();
  }

  @Test
  void infraExampleParsesIntoFourTypedResources() {
    ParseResult result = parse(INFRA_YAML);

    assertThat(result.problems()).isEmpty();
    assertThat(result.manifests()).hasSize(4);
    assertThat(result.manifests()).extracting(Manifest::line).containsExactly(2, 14, 23, 33);
    Pipeline pipeline = (Pipeline) result.manifests().get(0).resource();
    assertThat(pipeline.getMetadata().getName()).isEqualTo("test-and-build");
    assertThat(pipeline.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(pipeline.getSpec().steps)
        .extracting(s -> s.command)
        .containsExactly("go test ./...", "go build -o bin/app");
    GitHubRepo repo = (GitHubRepo) result.manifests().get(1).resource();
    assertThat(repo.getSpec().gitUrl).isEqualTo("https://github.com/myorg/myapp");
    assertThat(repo.getSpec().isPrivate).isTrue();
    Job job = (Job) result.manifests().get(2).resource();
    assertThat(job.getSpec().pipelineName).isEqualTo("test-and-build");
    assertThat(job.getSpec().branchOverride).isEqualTo("develop");
    Webhook webhook = (Webhook) result.manifests().get(3).resource();
    assertThat(webhook.getSpec().jobName).isEqualTo("my-app-ci");
    assertThat(webhook.getApiVersion()).isEqualTo("gryt.io/v1");
    assertThat(webhook.getKind()).isEqualTo("Webhook");
  }

  @Test
  void defaultsNamespaceAndBranchAndDropsStatus() {
    ParseResult result =
        parse(
            """
            apiVersion: gryt.io/v1
            kind: GitHubRepo
            metadata:
              name: repo
              labels: {team: ci}
            spec:
              git_url: git@github.com:org/repo.git
            status:
              observedGeneration: 7
            """);

    assertThat(result.problems()).isEmpty();
    GitHubRepo repo = (GitHubRepo) result.manifests().get(0).resource();
    assertThat(repo.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(repo.getMetadata().getLabels()).containsEntry("team", "ci");
    assertThat(repo.getSpec().branch).isEqualTo("main");
    assertThat(repo.getStatus()).isNull();
  }

  @Test
  void keepsAGivenNamespaceAndPipelineNumbers() {
    ParseResult result =
        parse(
            """
            apiVersion: gryt.io/v1
            kind: Pipeline
            metadata: {name: p, namespace: team-a}
            spec:
              timeout_seconds: 600
              env: {GOFLAGS: "-mod=vendor"}
              steps:
                - {name: test, command: make test, retries: 0, timeout_seconds: 1}
            """);

    assertThat(result.problems()).isEmpty();
    Pipeline pipeline = (Pipeline) result.manifests().get(0).resource();
    assertThat(pipeline.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(pipeline.getSpec().timeoutSeconds).isEqualTo(600);
    assertThat(pipeline.getSpec().env).containsEntry("GOFLAGS", "-mod=vendor");
    assertThat(pipeline.getSpec().steps.get(0).retries).isZero();
  }

  static Stream<Arguments> invalidDocuments() {
    String pipelineHead = "apiVersion: gryt.io/v1\nkind: Pipeline\nmetadata:\n  name: p\n";
    return Stream.of(
        Arguments.of(
            "unknown field with suggestion",
            pipelineHead + "spec:\n  stpes:\n    - {name: a, command: b}\n",
            List.of(
                "test.yaml:5: spec.steps: required",
                "test.yaml:6: spec.stpes: unknown field; did you mean \"steps\"?")),
        Arguments.of(
            "integer given as string",
            pipelineHead
                + "spec:\n  timeout_seconds: \"abc\"\n  steps:\n    - {name: a, command: b}\n",
            List.of("test.yaml:6: spec.timeout_seconds: expected an integer, got string \"abc\"")),
        Arguments.of(
            "missing command of the second step",
            pipelineHead + "spec:\n  steps:\n    - name: a\n      command: b\n    - name: c\n",
            List.of("test.yaml:9: spec.steps[1].command: required")),
        Arguments.of(
            "empty steps",
            pipelineHead + "spec:\n  steps: []\n",
            List.of("test.yaml:6: spec.steps: must not be empty")),
        Arguments.of(
            "duplicate step names",
            pipelineHead
                + "spec:\n  steps:\n    - {name: a, command: x}\n    - {name: a, command: y}\n",
            List.of(
                "test.yaml:8: spec.steps[1].name: duplicate step name \"a\" (first at line 7)")),
        Arguments.of(
            "images that are options or transports, each refused where it stands",
            pipelineHead
                + "spec:\n  image: \"--privileged\"\n  steps:\n"
                + "    - {name: a, command: x, image: \"containers-storage:alpine\"}\n"
                + "    - {name: b, command: x, image: \"docker://alpine\"}\n"
                + "    - {name: c, command: x, image: localhost/gryt-base:latest}\n",
            List.of(
                "test.yaml:6: spec.image: \"--privileged\" must be an image reference:"
                    + " [registry[:port]/]name[:tag][@sha256:digest], e.g."
                    + " localhost/gryt-base:latest",
                "test.yaml:8: spec.steps[0].image: \"containers-storage:alpine\" names the image"
                    + " transport \"containers-storage:\", which reads images from places other"
                    + " than registries; give an image reference such as"
                    + " localhost/gryt-base:latest",
                "test.yaml:9: spec.steps[1].image: \"docker://alpine\" must be an image"
                    + " reference: [registry[:port]/]name[:tag][@sha256:digest], e.g."
                    + " localhost/gryt-base:latest")),
        Arguments.of(
            "timeout below one and negative retries",
            pipelineHead
                + "spec:\n  timeout_seconds: 0\n  steps:\n"
                + "    - {name: a, command: x, retries: -1}\n",
            List.of(
                "test.yaml:6: spec.timeout_seconds: must be at least 1, got 0",
                "test.yaml:8: spec.steps[0].retries: must be at least 0, got -1")),
        Arguments.of(
            "boolean given as string",
            "apiVersion: gryt.io/v1\nkind: GitHubRepo\nmetadata: {name: r}\n"
                + "spec:\n  git_url: https://x/y\n  is_private: \"yes\"\n",
            List.of("test.yaml:6: spec.is_private: expected true or false, got string \"yes\"")),
        Arguments.of(
            "git url that is not one",
            "apiVersion: gryt.io/v1\nkind: GitHubRepo\nmetadata: {name: r}\nspec:\n  git_url: myorg/myapp\n",
            List.of(
                "test.yaml:5: spec.git_url: \"myorg/myapp\" must be a git URL (https://, http://,"
                    + " ssh://, git://, file:// or user@host:path)")),
        Arguments.of(
            "ssh host and user that ssh would read as options",
            "apiVersion: gryt.io/v1\nkind: GitHubRepo\nmetadata: {name: r}\nspec:\n"
                + "  git_url: 'ssh://-oProxyCommand=touch%20x@-oProxyCommand=id/r.git'\n",
            List.of(
                "test.yaml:5: spec.git_url: the host must not start with '-'",
                "test.yaml:5: spec.git_url: the user must not start with '-'")),
        Arguments.of(
            "two token sources",
            "apiVersion: gryt.io/v1\nkind: GitHubRepo\nmetadata: {name: r}\n"
                + "spec:\n  git_url: https://x/y\n  token_env: A\n  access_token: b\n",
            List.of(
                "test.yaml:7: spec.access_token: only one of token_secret, token_env and"
                    + " access_token may be set; found token_env and access_token")),
        Arguments.of(
            "job references that are not names",
            "apiVersion: gryt.io/v1\nkind: Job\nmetadata: {name: j}\n"
                + "spec:\n  pipeline_name: Test_And_Build\n  github_repo_name: repo\n",
            List.of(
                "test.yaml:5: spec.pipeline_name: \"Test_And_Build\" must be lower-case letters,"
                    + " digits and '-', start and end with a letter or digit, and be at most 63"
                    + " characters")),
        Arguments.of(
            "job without pipeline",
            "apiVersion: gryt.io/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  description: x\n",
            List.of("test.yaml:4: spec.pipeline_name: required")),
        Arguments.of(
            "webhook event outside the set",
            "apiVersion: gryt.io/v1\nkind: Webhook\nmetadata: {name: w}\n"
                + "spec:\n  job_name: j\n  events: [push, pul_request]\n",
            List.of(
                "test.yaml:6: spec.events[1]: unknown event \"pul_request\"; did you mean"
                    + " \"pull_request\"? valid events: push, pull_request, manual")),
        Arguments.of(
            "jobrun without job",
            "apiVersion: gryt.io/v1\nkind: JobRun\nmetadata: {name: r}\nspec: {ref: main}\n",
            List.of("test.yaml:4: spec.job_name: required")),
        Arguments.of(
            "unknown kind with suggestion",
            "apiVersion: gryt.io/v1\nkind: Pipline\nmetadata: {name: p}\nspec: {}\n",
            List.of(
                "test.yaml:2: kind: unknown kind \"Pipline\"; did you mean \"Pipeline\"? valid"
                    + " kinds: Pipeline, GitHubRepo, Job, Webhook, JobRun")),
        Arguments.of(
            "wrong apiVersion",
            "apiVersion: v1\nkind: Job\nmetadata: {name: j}\nspec: {pipeline_name: p}\n",
            List.of(
                "test.yaml:1: apiVersion: unsupported apiVersion \"v1\"; expected \"gryt.io/v1\"")),
        Arguments.of(
            "missing envelope",
            "spec: {pipeline_name: p}\n",
            List.of(
                "test.yaml:1: apiVersion: required",
                "test.yaml:1: kind: required",
                "test.yaml:1: metadata: required")),
        Arguments.of(
            "name not DNS-1123 and label not a string",
            "apiVersion: gryt.io/v1\nkind: Job\nmetadata:\n  name: My_Job\n"
                + "  labels:\n    tier: 3\nspec: {pipeline_name: p}\n",
            List.of(
                "test.yaml:4: metadata.name: \"My_Job\" must be lower-case letters, digits and"
                    + " '-', start and end with a letter or digit, and be at most 63 characters",
                "test.yaml:6: metadata.labels.tier: expected a string, got integer 3 (quote it:"
                    + " \"3\")")),
        Arguments.of(
            "name longer than 63",
            "apiVersion: gryt.io/v1\nkind: Job\nmetadata:\n  name: "
                + "a".repeat(64)
                + "\n"
                + "spec: {pipeline_name: p}\n",
            List.of(
                "test.yaml:4: metadata.name: \""
                    + "a".repeat(40)
                    + "…\" must be lower-case letters, digits and '-', start and end with a"
                    + " letter or digit, and be at most 63 characters")),
        Arguments.of(
            "duplicate key",
            "apiVersion: gryt.io/v1\nkind: Job\nmetadata: {name: j}\n"
                + "spec:\n  pipeline_name: p\n  pipeline_name: q\n",
            List.of(
                "test.yaml:6: spec.pipeline_name: duplicate key \"pipeline_name\" (first at line 5)")),
        Arguments.of(
            "duplicate resource",
            "apiVersion: gryt.io/v1\nkind: Job\nmetadata: {name: j}\nspec: {pipeline_name: p}\n"
                + "---\n"
                + "apiVersion: gryt.io/v1\nkind: Job\nmetadata: {name: j}\nspec: {pipeline_name: q}\n",
            List.of(
                "test.yaml:8: metadata.name: duplicate Job \"j\" in namespace \"default\"; first"
                    + " defined at test.yaml:3")),
        Arguments.of(
            "not a mapping",
            "- just\n- a list\n",
            List.of(
                "test.yaml:1: a manifest must be a mapping with apiVersion, kind, metadata and"
                    + " spec; got a list")),
        Arguments.of(
            "only separators", "---\n---\n# nothing\n", List.of("test.yaml:1: no documents")),
        Arguments.of(
            "syntax error",
            "apiVersion: gryt.io/v1\nkind: Job\nmetadata: {name: j\n",
            List.of(
                "test.yaml:4: YAML syntax error: expected ',' or '}', but got <stream end> (while parsing a flow mapping started at line 3)")),
        Arguments.of(
            "tab indentation",
            "apiVersion: gryt.io/v1\nkind: Job\nmetadata:\n\tname: j\n",
            List.of("test.yaml:4: tab character used for indentation; indent with spaces")),
        Arguments.of(
            "quoting hint for a YAML 1.1 boolean",
            "apiVersion: gryt.io/v1\nkind: GitHubRepo\nmetadata: {name: r}\n"
                + "spec: {git_url: 'https://x/y', branch: on}\n",
            List.of(
                "test.yaml:4: spec.branch: expected a string, got boolean on (quote it: \"on\")")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidDocuments")
  void reportsEveryProblemWithLineAndPath(String name, String yaml, List<String> expected) {
    ParseResult result = parse(yaml);

    assertThat(result.problems()).extracting(Problem::toString).containsExactlyElementsOf(expected);
    assertThat(result.manifests()).isEmpty();
    assertThat(result.ok()).isFalse();
  }

  @Test
  void reportsProblemsOfAllDocumentsAtOnce() {
    String yaml =
        """
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: a}
        spec: {pipeline_name: P}
        ---
        apiVersion: gryt.io/v1
        kind: Webhook
        metadata: {name: b}
        spec: {jobname: a}
        """;

    assertThat(problems(yaml))
        .containsExactly(
            "test.yaml:4: spec.pipeline_name: \"P\" must be lower-case letters, digits and '-',"
                + " start and end with a letter or digit, and be at most 63 characters",
            "test.yaml:9: spec.jobname: unknown field; did you mean \"job_name\"?",
            "test.yaml:9: spec.job_name: required");
  }

  @Test
  void findsDuplicatesAcrossSources() {
    byte[] job =
        "apiVersion: gryt.io/v1\nkind: Job\nmetadata: {name: j}\nspec: {pipeline_name: p}\n"
            .getBytes(StandardCharsets.UTF_8);

    ParseResult result =
        ManifestParser.parse(List.of(new Source("a.yaml", job), new Source("b.yaml", job)));

    assertThat(result.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "b.yaml:3: metadata.name: duplicate Job \"j\" in namespace \"default\"; first defined"
                + " at a.yaml:3");
  }

  @Test
  void sameNameInAnotherNamespaceOrKindIsNoDuplicate() {
    String yaml =
        """
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: j}
        spec: {pipeline_name: p}
        ---
        apiVersion: gryt.io/v1
        kind: Job
        metadata: {name: j, namespace: other}
        spec: {pipeline_name: p}
        ---
        apiVersion: gryt.io/v1
        kind: JobRun
        metadata: {name: j}
        spec: {job_name: j, trigger: manual}
        """;

    assertThat(parse(yaml).problems()).isEmpty();
    assertThat(parse(yaml).manifests()).hasSize(3);
  }

  @Test
  void neverThrowsOnNullOrOddInput() {
    assertThat(ManifestParser.parse("x", null).problems()).isNotEmpty();
    assertThat(problems("!!binary AAAA")).isNotEmpty();
    assertThat(problems("? [a, b]\n: c\n")).isNotEmpty();
    assertThat(problems("a: &x [1]\nb: *x\n<<: {c: d}\n")).isNotEmpty();
  }

  @Test
  void aliasesWithinTheObjectLimitStillWork() {
    ParseResult result =
        parse(
            """
            apiVersion: gryt.io/v1
            kind: Webhook
            metadata: {name: w}
            spec:
              job_name: j
              description: &main main
              branches: [*main, *main]
            """);

    assertThat(result.problems()).isEmpty();
    Webhook webhook = (Webhook) result.manifests().get(0).resource();
    assertThat(webhook.getSpec().branches).containsExactly("main", "main");
  }

  @Test
  void scalarAliasesThatExpandPastTheObjectLimitAreRefused() {
    ParseResult result =
        ManifestParser.parse(
            "bomb.yaml", BadManifestCorpus.scalarAliasBomb().getBytes(StandardCharsets.UTF_8));

    assertThat(result.manifests()).isEmpty();
    assertThat(result.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "bomb.yaml:1: aliases expand this document past 512 KiB (*x repeats &x); the limit"
                + " is 512 KiB per object, aliases included");
  }

  @Test
  void anObjectJustUnderTheLimitIsKeptAndOneOverItIsNamed() {
    String head = "apiVersion: gryt.io/v1\nkind: Pipeline\nmetadata: {name: %s}\nspec:\n";
    String under =
        head.formatted("under")
            + "  steps: [{name: b, command: "
            + "x ".repeat(250 * 1024)
            + "}]\n";
    String over =
        head.formatted("over") + "  steps: [{name: b, command: " + "x ".repeat(260 * 1024) + "}]\n";

    assertThat(parse(under).problems()).isEmpty();
    assertThat(parse(over).manifests()).isEmpty();
    assertThat(parse(over).problems())
        .extracting(Problem::message)
        .singleElement()
        .asString()
        .startsWith("Pipeline \"over\" in namespace \"default\" is 520.")
        .endsWith(" KiB stored; the limit is 512 KiB per object");
  }
}
