package dev.gryt.crds.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.RunResolver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the server sends to {@link AgentProtocol#RUNS}: one run to execute, the repository to check
 * out (none for a Job without one: its steps start in an empty workspace), the pipeline's steps,
 * where to report, the stored namespace the run belongs to (whose it is) and, when the server sets
 * one, the most output a step may log ({@code max_step_log_bytes}). The server builds it with
 * {@link #of}; the agent checks it with {@link #problems()}. JSON in snake_case; absent fields are
 * left out (the namespace and the secrets are always written); unknown fields are ignored so the
 * server may add some.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunAssignment(
    String runId,
    @JsonInclude(JsonInclude.Include.ALWAYS) String namespace,
    Integer attempt,
    String reportUrl,
    String reportToken,
    Repo repo,
    Pipeline pipeline,
    List<String> secrets,
    Long maxStepLogBytes) {

  /** An assignment that leaves the log cap to the agent's own default. */
  public RunAssignment(
      String runId,
      String namespace,
      Integer attempt,
      String reportUrl,
      String reportToken,
      Repo repo,
      Pipeline pipeline,
      List<String> secrets) {
    this(runId, namespace, attempt, reportUrl, reportToken, repo, pipeline, secrets, null);
  }

  /**
   * The same assignment with the server's cap on each step's log ({@code gryt server
   * --max-step-log-bytes}); the agent stops passing a step's output on beyond it.
   */
  public RunAssignment withMaxStepLogBytes(Long bytes) {
    return new RunAssignment(
        runId, namespace, attempt, reportUrl, reportToken, repo, pipeline, secrets, bytes);
  }

  /** The repository: {@code sha} wins over {@code ref}; {@code token} for private repositories. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Repo(String gitUrl, String ref, String sha, String token) {
    @Override
    public String toString() {
      return "Repo[gitUrl=" + gitUrl + ", ref=" + ref + ", sha=" + sha + "]";
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Pipeline(
      String image,
      Map<String, String> env,
      Integer timeoutSeconds,
      ResourceLimits resources,
      List<Step> steps) {}

  /** Kubernetes quantity notation: cpu {@code 500m} or {@code 2}, memory {@code 512Mi}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ResourceLimits(String cpu, String memory) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Step(
      String name,
      String command,
      String image,
      Map<String, String> env,
      Integer timeoutSeconds,
      Integer retries) {}

  /**
   * The assignment of attempt {@code attempt} of a resolved run. The checkout is the webhook's
   * commit when there is one, on the run's ref ({@link RunResolver#ref}); the repository token,
   * when there is one, travels only here and is listed among the secrets the agent masks in logs.
   */
  public static RunAssignment of(
      RunResolver.Resolved resolved,
      int attempt,
      Optional<String> repoToken,
      String reportUrl,
      String reportToken) {
    JobRun run = resolved.run();
    Repo repo =
        resolved.repo() == null
            ? null
            : new Repo(
                resolved.repo().getSpec().gitUrl,
                resolved.ref(),
                resolved.sha(),
                repoToken.orElse(null));
    PipelineSpec spec = resolved.pipeline().getSpec();
    List<Step> steps = new ArrayList<>();
    for (PipelineSpec.Step step : spec.steps) {
      steps.add(
          new Step(
              step.name, step.command, step.image, step.env, step.timeoutSeconds, step.retries));
    }
    Pipeline pipeline =
        new Pipeline(
            isBlank(spec.image) ? null : spec.image,
            spec.env == null || spec.env.isEmpty() ? null : spec.env,
            resolved.declaredTimeoutSeconds(),
            spec.resources == null
                ? null
                : new ResourceLimits(spec.resources.cpu, spec.resources.memory),
            steps);
    return new RunAssignment(
        run.id(),
        // the stored namespace: the agent trusts only the admin's (Tenancy) with unisolated
        // runners and local repositories
        run.getMetadata().getNamespace(),
        attempt,
        reportUrl,
        reportToken,
        repo,
        pipeline,
        repoToken.map(List::of).orElse(List.of()));
  }

  @Override
  public String toString() {
    // never print the tokens
    return "RunAssignment[runId=" + runId + ", attempt=" + attempt + ", repo=" + repo + "]";
  }

  /**
   * Whether the run is the bootstrap admin's own (its stored namespace has no tenant prefix): only
   * such runs may use the unisolated process runner or check out local repositories. A run that
   * names no namespace is a tenant's.
   */
  public boolean fromAdmin() {
    return dev.gryt.crds.Tenancy.isAdminNamespace(namespace);
  }

  /** Every secret to mask in logs: the listed ones, the repository token, the report token. */
  public List<String> allSecrets() {
    List<String> all = new ArrayList<>(secrets == null ? List.of() : secrets);
    if (repo != null && repo.token() != null) {
      all.add(repo.token());
    }
    if (reportToken != null) {
      all.add(reportToken);
    }
    return all;
  }

  /** Every problem with this assignment, each as {@code path: message}; empty when it is valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (isBlank(runId)) {
      problems.add("run_id: required");
    } else if (!runId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      problems.add("run_id: letters, digits, '_', '.', '-' only, at most 128");
    }
    if (attempt == null) {
      problems.add("attempt: required");
    } else if (attempt < 0) {
      problems.add("attempt: must be >= 0");
    }
    if (isBlank(reportUrl)) {
      problems.add("report_url: required");
    } else if (!reportUrl.startsWith("http://") && !reportUrl.startsWith("https://")) {
      problems.add("report_url: must be an http:// or https:// URL");
    } else {
      try {
        java.net.URI.create(reportUrl).toURL();
      } catch (IllegalArgumentException | java.net.MalformedURLException e) {
        problems.add("report_url: not a valid URL");
      }
    }
    if (isBlank(reportToken)) {
      problems.add("report_token: required");
    }
    // No repo: the steps run in an empty workspace.
    if (repo != null) {
      if (isBlank(repo.gitUrl())) {
        problems.add("repo.git_url: required");
      }
      if (isBlank(repo.ref()) && isBlank(repo.sha())) {
        problems.add("repo.ref: required when repo.sha is not given");
      }
      if (!isBlank(repo.sha()) && !repo.sha().matches("[0-9a-fA-F]{40}")) {
        problems.add("repo.sha: must be a full 40-hex-digit commit id");
      }
    }
    if (pipeline == null) {
      problems.add("pipeline: required");
    } else {
      positive(problems, "pipeline.timeout_seconds", pipeline.timeoutSeconds());
      if (pipeline.resources() != null) {
        if (pipeline.resources().cpu() != null
            && Quantities.cpuCores(pipeline.resources().cpu()).isEmpty()) {
          problems.add("pipeline.resources.cpu: not a CPU quantity (e.g. 500m, 2)");
        }
        if (pipeline.resources().memory() != null
            && Quantities.memoryBytes(pipeline.resources().memory()).isEmpty()) {
          problems.add("pipeline.resources.memory: not a memory quantity (e.g. 512Mi, 1G)");
        }
      }
      envProblems(problems, "pipeline.env", pipeline.env());
      imageProblems(problems, "pipeline.image", pipeline.image());
      if (pipeline.steps() == null || pipeline.steps().isEmpty()) {
        problems.add("pipeline.steps: at least one step required");
      } else {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < pipeline.steps().size(); i++) {
          String at = "pipeline.steps[" + i + "]";
          Step step = pipeline.steps().get(i);
          if (step == null) {
            problems.add(at + ": must be an object");
            continue;
          }
          if (isBlank(step.name())) {
            problems.add(at + ".name: required");
          } else if (!names.add(step.name())) {
            problems.add(at + ".name: duplicate step name '" + step.name() + "'");
          }
          if (isBlank(step.command())) {
            problems.add(at + ".command: required");
          }
          positive(problems, at + ".timeout_seconds", step.timeoutSeconds());
          if (step.retries() != null && (step.retries() < 0 || step.retries() > 10)) {
            problems.add(at + ".retries: must be between 0 and 10");
          }
          envProblems(problems, at + ".env", step.env());
          imageProblems(problems, at + ".image", step.image());
        }
      }
    }
    if (maxStepLogBytes != null && maxStepLogBytes < 1) {
      problems.add("max_step_log_bytes: must be >= 1");
    }
    if (secrets != null && secrets.stream().anyMatch(s -> s == null)) {
      problems.add("secrets: must be strings");
    }
    return problems;
  }

  private static void positive(List<String> problems, String path, Integer value) {
    if (value != null && value < 1) {
      problems.add(path + ": must be >= 1");
    }
  }

  private static void envProblems(List<String> problems, String path, Map<String, String> env) {
    if (env == null) {
      return;
    }
    env.forEach(
        (name, value) -> {
          if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            problems.add(path + "." + name + ": not a valid environment variable name");
          } else if (value == null) {
            problems.add(path + "." + name + ": value required");
          }
        });
  }

  private static void imageProblems(List<String> problems, String path, String image) {
    if (image != null) {
      dev.gryt.crds.ImageReferences.problem(image).ifPresent(p -> problems.add(path + ": " + p));
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
