package dev.gryt.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.cli.CliException;
import dev.gryt.cli.cloud.ApplyResult;
import dev.gryt.cli.cloud.GrytApiClient;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobSpec;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.StepState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a project's pipeline on the server's agents: {@code gryt run} and {@code gryt evolution
 * prove} in cloud mode. It applies the Pipeline manifest as declared and a Job of it ({@code
 * NAME-local}), starts a JobRun, prints the output as the agent streams it, and records the run and
 * each step in {@code gryt.db} as a local run is recorded, so history and exit codes read the same
 * in both modes.
 *
 * <p>What the steps see: when the project is a git repository whose {@code origin} the server knows
 * (a GitHubRepo with that {@code git_url}, holding its token if private), the Job names that
 * GitHubRepo and the run checks out the project's HEAD, which must be pushed. Otherwise the Job
 * names no repository and the steps start in an empty workspace. The CLI never creates a
 * GitHubRepo: whether and how the server may read a repository is the server's owner's call.
 */
public final class CloudRun {
  /** Appended to the pipeline's name to name the Job that runs it from {@code gryt run}. */
  static final String JOB_SUFFIX = "-local";

  private static final Duration QUIET_WHILE_PLACED = Duration.ofSeconds(3);

  private final LocalDatabase db;
  private final GrytApiClient api;
  private final Path projectRoot;
  private final PrintWriter out;
  private final Clock clock;

  public CloudRun(
      LocalDatabase db, GrytApiClient api, Path projectRoot, PrintWriter out, Clock clock) {
    this.db = db;
    this.api = api;
    this.projectRoot = projectRoot;
    this.out = out;
    this.clock = clock;
  }

  /** A cloud run of {@code session}'s project, on its server. */
  public static CloudRun in(LocalSession session) {
    return new CloudRun(
        session.db(),
        session.api(),
        session.project().root(),
        session.out(),
        session.environment().clock());
  }

  /**
   * What a run checks out.
   *
   * @param repo the GitHubRepo the Job names, null for an empty workspace
   * @param commit the project's HEAD, with {@code repo}
   * @param description for the run's first line
   */
  record Source(String repo, ProjectCommit commit, String description) {}

  /** The Job's name: the pipeline's, cut so that the suffix fits a resource name (63). */
  static String jobName(String pipeline) {
    String base =
        pipeline.length() > 63 - JOB_SUFFIX.length()
            ? pipeline.substring(0, 63 - JOB_SUFFIX.length()).replaceAll("-+$", "")
            : pipeline;
    return base + JOB_SUFFIX;
  }

  /** The documents applied before each run: the Pipeline as the file declares it, and its Job. */
  static String manifests(Pipeline pipeline, String repo) {
    Job job = new Job();
    job.setMetadata(
        new ObjectMetaBuilder()
            .withName(jobName(pipeline.getMetadata().getName()))
            .withNamespace(pipeline.getMetadata().getNamespace())
            .build());
    JobSpec spec = new JobSpec();
    spec.pipelineName = pipeline.getMetadata().getName();
    spec.githubRepoName = repo;
    spec.description = "runs of a local project's pipeline, started by gryt run";
    job.setSpec(spec);
    Pipeline declared = new Pipeline();
    declared.setMetadata(pipeline.getMetadata());
    declared.setSpec(pipeline.getSpec());
    return ResourceCodec.toYaml(declared) + "---\n" + ResourceCodec.toYaml(job);
  }

  public LocalRun.Outcome run(LocalPipelines.Found found, boolean show) {
    PipelineSpec spec = found.pipeline().getSpec();
    List<PipelineSpec.Step> steps = spec.steps == null ? List.of() : spec.steps;
    String jobName = jobName(found.name());
    Source source = source(found);
    JsonNode applied = api.apply(manifests(found.pipeline(), source.repo()), false, null);
    String job = appliedId(applied, "Job", jobName);
    String pipelineId = appliedId(applied, "Pipeline", found.name());
    long generation = generation(pipelineId);
    Map<String, String> at = new java.util.LinkedHashMap<>();
    if (source.commit() != null) {
      at.put("sha", source.commit().sha());
      if (source.commit().branch() != null) {
        at.put("ref", source.commit().branch());
      }
    }
    String runId =
        api.post(ResourceKind.JOB.apiPath() + "/" + GrytApiClient.segment(job) + "/run", at)
            .path("run_id")
            .asText();
    Instant started = clock.instant();
    db.update(
        "INSERT INTO runs (id, pipeline, source, runner, status, started_at) VALUES (?, ?, ?, ?, 'running', ?)",
        runId,
        found.name(),
        found.file().toString(),
        "cloud",
        started.toString());
    println(
        "run "
            + runId
            + ": pipeline "
            + found.name()
            + ", "
            + steps.size()
            + " step(s), on the agents of "
            + api.server()
            + " (job "
            + jobName
            + "; "
            + source.description()
            + ")");
    Thread cancelOnExit = new Thread(() -> cancel(runId), "cancel " + runId);
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    Map<String, StringBuilder> output;
    try {
      output = follow(runId, steps, show, started);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(cancelOnExit);
      } catch (IllegalStateException e) {
        // already shutting down: the hook cancels the run
      }
    }
    LocalRun.Outcome outcome = finish(runId, steps, output, started, show);
    long now = generation(pipelineId);
    if (now != generation) {
      // The agent is sent the Pipeline as it is when the run is placed.
      println(
          "warning: pipeline "
              + found.name()
              + " was changed on the server during this run (generation "
              + generation
              + " → "
              + now
              + "); the run may have used that version");
    }
    return outcome;
  }

  private static String appliedId(JsonNode applied, String kind, String fallback) {
    return ApplyResult.listFrom(applied).stream()
        .filter(r -> kind.equals(r.kind()) && r.id() != null)
        .map(ApplyResult::id)
        .findFirst()
        .orElse(fallback);
  }

  private long generation(String pipeline) {
    return api.get(ResourceKind.PIPELINE, pipeline).path("metadata").path("generation").asLong();
  }

  /** The project's HEAD when the server knows its origin, else an empty workspace. */
  private Source source(LocalPipelines.Found found) {
    Optional<ProjectCommit> head = ProjectCommit.of(projectRoot);
    if (head.isEmpty()) {
      return new Source(null, null, "steps start in an empty workspace: no git origin here");
    }
    ProjectCommit commit = head.get();
    String namespace =
        Optional.ofNullable(found.pipeline().getMetadata().getNamespace()).orElse("default");
    Optional<String> repo = Optional.empty();
    for (JsonNode r : api.list(ResourceKind.GITHUB_REPO, Map.of()).path("items")) {
      if (namespace.equals(r.path("metadata").path("namespace").asText("default"))
          && ProjectCommit.sameRepository(
              r.path("spec").path("git_url").asText(), commit.gitUrl())) {
        repo = Optional.of(r.path("metadata").path("name").asText());
        break;
      }
    }
    if (repo.isEmpty()) {
      return new Source(
          null,
          null,
          "steps start in an empty workspace: no GitHubRepo on the server has git_url "
              + commit.gitUrl());
    }
    if (!commit.pushed()) {
      throw new CliException(
          "HEAD "
              + commit.shortSha()
              + " is not on origin ("
              + commit.gitUrl()
              + "), and the server's agents check out HEAD: push it (git push), or run here with"
              + " --local");
    }
    return new Source(
        repo.get(),
        commit,
        "checks out "
            + commit.shortSha()
            + (commit.branch() == null ? "" : " (" + commit.branch() + ")")
            + " of github repo "
            + repo.get()
            + (commit.clean() ? "" : "; uncommitted changes are not in it"));
  }

  /** Prints the run's output until it ends; returns each step's output (its latest attempt). */
  private Map<String, StringBuilder> follow(
      String runId, List<PipelineSpec.Step> steps, boolean show, Instant started) {
    Map<String, StringBuilder> output = new HashMap<>();
    Map<String, Integer> attempts = new HashMap<>();
    String step = null;
    int attempt = 0;
    String waiting = null;
    String phase = null;
    long after = 0;
    while (true) {
      // Short waits while the run waits for an agent, so that a wait is said soon.
      JsonNode data = api.runLogs(runId, after, pending(phase) ? 2 : 25);
      phase = data.path("phase").asText(null);
      JsonNode chunks = data.path("chunks");
      for (JsonNode chunk : chunks) {
        String s = chunk.path("step").asText();
        int a = chunk.path("attempt").asInt();
        if (!s.equals(step) || a != attempt) {
          println("==> " + s + (a > 1 ? " (attempt " + a + ")" : "") + command(steps, s, show));
          step = s;
          attempt = a;
        }
        if (attempts.getOrDefault(s, a) != a) {
          output.remove(s); // placed again after a lost agent: the step ran anew
        }
        attempts.put(s, a);
        String text = chunk.path("text").asText();
        output.computeIfAbsent(s, k -> new StringBuilder()).append(text);
        text.lines().forEach(line -> println("  " + line));
      }
      after = data.path("next").asLong(after);
      if (data.path("finished").asBoolean() && chunks.isEmpty()) {
        return output;
      }
      if (chunks.isEmpty()
          && pending(phase)
          && Duration.between(started, clock.instant()).compareTo(QUIET_WHILE_PLACED) > 0) {
        String why = readyMessage(api.get(ResourceKind.JOB_RUN, runId));
        if (why != null && !why.equals(waiting)) {
          println(
              "run "
                  + runId
                  + " is waiting: "
                  + why
                  + " (it starts when an agent takes it; Ctrl-C cancels it; --local runs here)");
          waiting = why;
        }
      }
    }
  }

  /** Records how the run ended, from the server's report of it, and prints each step's end. */
  private LocalRun.Outcome finish(
      String runId,
      List<PipelineSpec.Step> steps,
      Map<String, StringBuilder> output,
      Instant started,
      boolean show) {
    JsonNode run = api.get(ResourceKind.JOB_RUN, runId);
    JsonNode status = run.path("status");
    String phase = status.path("phase").asText();
    List<LocalRun.StepOutcome> outcomes = new ArrayList<>();
    Map<String, JsonNode> reported = new HashMap<>();
    status.path("steps").forEach(s -> reported.put(s.path("name").asText(), s));
    for (int i = 0; i < steps.size(); i++) {
      PipelineSpec.Step step = steps.get(i);
      JsonNode s = reported.get(step.name);
      String state = stepStatus(s == null ? null : s.path("state").asText(null));
      Integer exit =
          s == null || !s.path("exit_code").isNumber() ? null : s.path("exit_code").asInt();
      long ms = durationMs(s);
      StringBuilder text = output.get(step.name);
      db.update(
          "INSERT INTO run_steps (run_id, position, name, command, status, exit_code, duration_ms, output)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          runId,
          i,
          step.name,
          step.command,
          state,
          exit,
          ms,
          text == null ? "" : text.toString());
      outcomes.add(new LocalRun.StepOutcome(step.name, state, exit == null ? -1 : exit, ms));
      if (!"skipped".equals(state)) {
        println(
            "<== "
                + step.name
                + ": "
                + state
                + (exit == null ? " (" : " (exit " + exit + ", ")
                + String.format("%.1fs", ms / 1000.0)
                + ")");
      }
    }
    boolean passed = JobRunPhase.SUCCEEDED.is(phase);
    Instant finished = clock.instant();
    String agent = status.path("agent").asText(null);
    db.update(
        "UPDATE runs SET status = ?, runner = ?, finished_at = ?, duration_ms = ? WHERE id = ?",
        passed ? "pass" : "fail",
        agent == null ? "cloud" : "cloud:" + agent,
        finished.toString(),
        Duration.between(started, finished).toMillis(),
        runId);
    if (show) {
      LocalRun.printTable(outcomes, this::println);
    }
    println("run " + runId + " " + (passed ? "passed" : "failed"));
    String reason = passed ? null : "the run ended " + phase + phaseMessage(status);
    return new LocalRun.Outcome(runId, passed ? "pass" : "fail", outcomes, reason);
  }

  private void cancel(String runId) {
    try {
      api.act(ResourceKind.JOB_RUN, runId, "cancel");
      println("cancel requested for run " + runId + " on " + api.server());
    } catch (RuntimeException e) {
      // exiting anyway; the run ends at its deadline
    }
  }

  private static boolean pending(String phase) {
    return phase == null || JobRunPhase.PENDING.is(phase);
  }

  private static String command(List<PipelineSpec.Step> steps, String name, boolean show) {
    if (!show) {
      return "";
    }
    return steps.stream()
        .filter(s -> name.equals(s.name))
        .findFirst()
        .map(s -> ": $ " + s.command)
        .orElse("");
  }

  /** The local names of the agent's step states, those {@link LocalRun} records. */
  static String stepStatus(String state) {
    return switch (StepState.parse(state).orElse(StepState.SKIPPED)) {
      case SUCCEEDED -> "pass";
      case FAILED -> "fail";
      case TIMED_OUT -> "timeout";
      case CANCELLED -> "cancelled";
      default -> "skipped"; // Pending, Skipped, or Running in a run that ended without it
    };
  }

  private static long durationMs(JsonNode step) {
    if (step == null
        || !step.path("started_at").isTextual()
        || !step.path("finished_at").isTextual()) {
      return 0;
    }
    return Duration.between(
            Instant.parse(step.path("started_at").asText()),
            Instant.parse(step.path("finished_at").asText()))
        .toMillis();
  }

  private static String readyMessage(JsonNode run) {
    for (JsonNode c : run.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText()) && "False".equals(c.path("status").asText())) {
        return c.path("message").asText(null);
      }
    }
    return null;
  }

  private static String phaseMessage(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if ("Succeeded".equals(c.path("type").asText()) && c.hasNonNull("message")) {
        return ": " + c.path("message").asText();
      }
    }
    return "";
  }

  private void println(String line) {
    out.println(line);
    out.flush();
  }
}
