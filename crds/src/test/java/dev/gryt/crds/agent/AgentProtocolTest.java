package dev.gryt.crds.agent;

import static dev.gryt.crds.RunFixtures.job;
import static dev.gryt.crds.RunFixtures.pipeline;
import static dev.gryt.crds.RunFixtures.reader;
import static dev.gryt.crds.RunFixtures.repo;
import static dev.gryt.crds.RunFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gryt.crds.Condition;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.RunResolver;
import dev.gryt.crds.StepState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Both ends of the agent protocol through one definition: what the server writes is what the agent
 * reads, field for field, and the reverse for reports. The JSON literals are the wire as agents and
 * servers of earlier versions speak it.
 */
class AgentProtocolTest {
  static final String REPORT_URL = "https://server:8443/api/v1/agent/runs/run-0000000000ab/report";
  static final String SHA = "a".repeat(40);

  static RunResolver.Resolved resolved(JobRun run, Pipeline pipeline, boolean withRepo) {
    return (RunResolver.Resolved)
        RunResolver.resolve(
            run,
            reader(
                job("ci", "build", withRepo ? "app" : null),
                pipeline,
                repo("app", "https://example.com/app.git", null)));
  }

  static Pipeline fullPipeline() {
    Pipeline pipeline = pipeline("build", "test", "build");
    PipelineSpec spec = pipeline.getSpec();
    spec.image = "alpine:3";
    spec.env = Map.of("A", "1");
    spec.timeoutSeconds = 600;
    spec.resources = new PipelineSpec.Resources();
    spec.resources.cpu = "500m";
    spec.resources.memory = "512Mi";
    PipelineSpec.Step test = spec.steps.get(0);
    test.command = "make test";
    test.env = Map.of("B", "2");
    test.timeoutSeconds = 60;
    test.retries = 1;
    PipelineSpec.Step build = spec.steps.get(1);
    build.command = "make build";
    build.image = "golang:1.22";
    return pipeline;
  }

  static RunAssignment parseAsTheAgentDoes(byte[] json) throws Exception {
    return AgentProtocol.json().readValue(json, RunAssignment.class);
  }

  @Test
  void theAssignmentTheServerBuildsIsTheWireOfBeforeAndTheAgentReadsItBack() throws Exception {
    JobRun run = run("ci");
    run.getSpec().ref = "feature";
    run.getSpec().sha = SHA;
    RunAssignment sent =
        RunAssignment.of(
            resolved(run, fullPipeline(), true), 2, Optional.of("ghp_x"), REPORT_URL, "tok");

    byte[] json = AgentProtocol.toJson(sent);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(
            """
            {"run_id":"run-0000000000ab","namespace":"default","attempt":2,\
            "report_url":"%s","report_token":"tok",\
            "repo":{"git_url":"https://example.com/app.git","ref":"feature","sha":"%s",\
            "token":"ghp_x"},\
            "pipeline":{"image":"alpine:3","env":{"A":"1"},"timeout_seconds":600,\
            "resources":{"cpu":"500m","memory":"512Mi"},\
            "steps":[{"name":"test","command":"make test","env":{"B":"2"},"timeout_seconds":60,\
            "retries":1},{"name":"build","command":"make build","image":"golang:1.22"}]},\
            "secrets":["ghp_x"]}"""
                .formatted(REPORT_URL, SHA));
    RunAssignment received = parseAsTheAgentDoes(json);
    assertThat(received).isEqualTo(sent);
    assertThat(received.problems()).isEmpty();
    assertThat(received.allSecrets()).containsExactly("ghp_x", "ghp_x", "tok");
    assertThat(received.fromAdmin()).isTrue();
    assertThat(received.toString()).doesNotContain("ghp_x").doesNotContain("tok");
  }

  @Test
  void aRunWithoutARepositoryOrDefaultsLeavesThemOut() throws Exception {
    RunAssignment sent =
        RunAssignment.of(
            resolved(run("ci"), pipeline("build", "make"), false),
            1,
            Optional.empty(),
            REPORT_URL,
            "tok");

    byte[] json = AgentProtocol.toJson(sent);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(
            """
            {"run_id":"run-0000000000ab","namespace":"default","attempt":1,\
            "report_url":"%s","report_token":"tok",\
            "pipeline":{"steps":[{"name":"make","command":"make"}]},"secrets":[]}"""
                .formatted(REPORT_URL));
    assertThat(parseAsTheAgentDoes(json)).isEqualTo(sent);
    assertThat(parseAsTheAgentDoes(json).problems()).isEmpty();
  }

  @Test
  void theRepositoryDefaultsToItsBranchWhenTheRunNamesNoRef() throws Exception {
    RunAssignment sent =
        RunAssignment.of(
            resolved(run("ci"), pipeline("build", "make"), true),
            1,
            Optional.empty(),
            REPORT_URL,
            "tok");

    assertThat(AgentProtocol.json().readTree(AgentProtocol.toJson(sent)).path("repo").toString())
        .isEqualTo("{\"git_url\":\"https://example.com/app.git\",\"ref\":\"main\"}");
  }

  @Test
  void theAgentIgnoresFieldsItDoesNotKnowAndRefusesWrongTypes() throws Exception {
    RunAssignment newer =
        parseAsTheAgentDoes(
            """
            {"run_id":"run-1","attempt":1,"report_url":"http://s/r","report_token":"t",
             "priority":"high","repo":{"git_url":"https://h/r.git","ref":"main","depth":1},
             "pipeline":{"steps":[{"name":"a","command":"true","cache":true}],"gpu":1}}"""
                .getBytes(StandardCharsets.UTF_8));
    assertThat(newer.problems()).isEmpty();
    assertThat(newer.namespace()).isNull();
    assertThat(newer.fromAdmin()).isFalse();

    assertThatThrownBy(
            () ->
                parseAsTheAgentDoes(
                    "{\"run_id\":\"run-1\",\"attempt\":1.5}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(
            () ->
                parseAsTheAgentDoes(
                    "{\"run_id\":\"run-1\",\"pipeline\":[]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(JsonProcessingException.class);

    RunAssignment empty = parseAsTheAgentDoes("{}".getBytes(StandardCharsets.UTF_8));
    assertThat(empty.problems())
        .containsExactly(
            "run_id: required",
            "attempt: required",
            "report_url: required",
            "report_token: required",
            "pipeline: required");
  }

  @Test
  void theReportTheAgentWritesIsTheWireOfBeforeAndTheServerAppliesIt() throws Exception {
    Instant started = Instant.parse("2026-01-01T00:00:01.250Z");
    RunReport sent =
        new RunReport(
            "run-0000000000ab",
            2,
            JobRunPhase.FAILED,
            SHA,
            null,
            List.of(
                new RunReport.StepReport(
                    "test", StepState.FAILED, 3, started, started.plusSeconds(2)),
                new RunReport.StepReport("build", StepState.SKIPPED, null, null, null)),
            List.of(new RunReport.LogText("test", "FAIL\n")));

    byte[] json = AgentProtocol.toJson(sent);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(
            """
            {"run_id":"run-0000000000ab","attempt":2,"phase":"Failed","commit":"%s",\
            "steps":[{"name":"test","state":"Failed","exit_code":3,\
            "started_at":"2026-01-01T00:00:01.250Z","finished_at":"2026-01-01T00:00:03.250Z"},\
            {"name":"build","state":"Skipped"}],\
            "logs":[{"step":"test","text":"FAIL\\n"}]}"""
                .formatted(SHA));
    RunReport received = AgentProtocol.json().readValue(json, RunReport.class);
    assertThat(received).isEqualTo(sent);
    assertThat(received.problems("run-0000000000ab")).isEmpty();

    JobRun run = placed(2);
    JobRunStatus status = RunReports.apply(run, received, Instant.parse("2026-01-01T00:00:05Z"));
    assertThat(status.phase).isEqualTo("Failed");
    assertThat(status.steps.get(0).state).isEqualTo("Failed");
    assertThat(status.steps.get(0).startedAt).isEqualTo("2026-01-01T00:00:01.250Z");
    assertThat(status.steps.get(1).state).isEqualTo("Skipped");
    assertThat(status.steps.get(1).exitCode).isNull();
    assertThat(status.condition(Condition.SUCCEEDED).orElseThrow().reason)
        .isEqualTo(JobRunReason.STEP_FAILED.value());
  }

  @Test
  void aReportWithNoLogsStillSaysSoAndUnknownFieldsAreIgnored() throws Exception {
    RunReport heartbeat =
        new RunReport("run-1", 1, JobRunPhase.RUNNING, null, null, List.of(), null);
    assertThat(new String(AgentProtocol.toJson(heartbeat), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"run_id\":\"run-1\",\"attempt\":1,\"phase\":\"Running\",\"steps\":[],"
                + "\"logs\":null}");

    RunReport fromANewerAgent =
        AgentProtocol.json()
            .readValue(
                """
                {"attempt":1,"phase":"Running","cpu_seconds":3,
                 "steps":[{"name":"a","state":"Running","pid":7}],
                 "logs":[{"step":"a","text":"x\\n","stream":"stderr"}]}""",
                RunReport.class);
    assertThat(fromANewerAgent.runId()).isNull();
    assertThat(fromANewerAgent.problems("run-1")).isEmpty();
    assertThat(fromANewerAgent.steps().get(0).state()).isEqualTo(StepState.RUNNING);
    assertThat(fromANewerAgent.logs()).containsExactly(new RunReport.LogText("a", "x\n"));
  }

  @Test
  void theServerRefusesReportsThatAreNotFitToJudge() throws Exception {
    assertThat(
            report("{\"run_id\":\"run-2\",\"attempt\":1,\"phase\":\"Running\"}").problems("run-1"))
        .containsExactly("run_id run-2 in the body is not the run run-1 of the URL");
    assertThat(report("{\"phase\":\"Running\"}").problems("run-1"))
        .containsExactly("a report needs attempt and phase");
    assertThat(report("{\"attempt\":1}").problems("run-1"))
        .containsExactly("a report needs attempt and phase");
    assertThat(report("{\"attempt\":1,\"phase\":\"Pending\"}").problems("run-1"))
        .containsExactly(
            "phase must be Running, Succeeded, Failed, TimedOut or Cancelled, not Pending");

    assertThatThrownBy(() -> report("{\"attempt\":1,\"phase\":\"running\"}"))
        .isInstanceOf(JsonProcessingException.class)
        .hasMessageContaining("not a run phase: running");
    assertThatThrownBy(
            () -> report("{\"attempt\":1,\"phase\":\"Running\",\"steps\":[{\"state\":\"Done\"}]}"))
        .isInstanceOf(JsonProcessingException.class)
        .hasMessageContaining("not a step state: Done");
    assertThatThrownBy(
            () ->
                report(
                    "{\"attempt\":1,\"phase\":\"Running\","
                        + "\"steps\":[{\"state\":\"Running\",\"started_at\":\"yesterday\"}]}"))
        .isInstanceOf(JsonProcessingException.class);
    assertThatThrownBy(() -> report("{\"attempt\":\"one\",\"phase\":\"Running\"}"))
        .isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void thePathsOfBothEnds() {
    assertThat(AgentProtocol.reportPath("run-1")).isEqualTo("/api/v1/agent/runs/run-1/report");
    assertThat(AgentProtocol.REPORT).isEqualTo("/api/v1/agent/runs/{run_id}/report");
    assertThat(AgentProtocol.reportedRun(AgentProtocol.reportPath("run-1"))).contains("run-1");
    assertThat(AgentProtocol.reportedRun("/api/v1/agent/runs/report")).isEmpty();
    assertThat(AgentProtocol.reportedRun("/api/v1/agent/runs//report")).isEmpty();
    assertThat(AgentProtocol.reportedRun("/api/v1/agent/runs/a/b/report")).isEmpty();
    assertThat(AgentProtocol.reportedRun("/api/v1/runs/run-1")).isEmpty();
    assertThat(AgentProtocol.cancelPath("run-1")).isEqualTo("/runs/run-1/cancel");
    assertThat(AgentProtocol.CANCEL).isEqualTo("/runs/{run_id}/cancel");
  }

  private static RunReport report(String json) throws Exception {
    return AgentProtocol.json().readValue(json, RunReport.class);
  }

  private static JobRun placed(int attempt) {
    JobRun run = run("ci");
    JobRunStatus status = new JobRunStatus();
    status.phase = JobRunPhase.RUNNING.value();
    status.attempt = attempt;
    status.agent = "http://agent";
    run.setStatus(status);
    return run;
  }
}
