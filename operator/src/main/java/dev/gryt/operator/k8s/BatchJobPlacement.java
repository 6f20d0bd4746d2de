package dev.gryt.operator.k8s;

import dev.gryt.crds.Condition;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunReason;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.StepState;
import dev.gryt.operator.Conditions;
import dev.gryt.operator.JobRunReconciler;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes run mode, decided without I/O: given what {@link JobRunReconciler} decided for a run
 * (still {@code Pending} for an agent, or ended) and the run's batch Job and pod as the informers
 * see them, the run's status and what the driver does to the batch Job.
 *
 * <ul>
 *   <li>A run free to go ({@code Pending}, reason {@code NoAgent}) without a batch Job gets one:
 *       {@code Scheduled}.
 *   <li>While the batch Job runs, the run follows it: {@code Scheduled} until its pod runs, then
 *       {@code Running}; each step's state from its container.
 *   <li>A finished batch Job ends the run, once its pod has ended too (or is gone): {@code
 *       Succeeded}, {@code Failed} (the first failed step and its exit code in the message), or
 *       {@code TimedOut} ({@code DeadlineExceeded}). This wins over a deadline or cancel the run
 *       reached at the same moment: the work was done.
 *   <li>A run that ends otherwise (cancelled, timed out, replaced) has its batch Job deleted.
 *   <li>A run whose batch Job vanished before finishing fails ({@code BatchJobLost}).
 * </ul>
 */
final class BatchJobPlacement {
  /** What the driver does to the run's batch Job. */
  enum Action {
    NONE,
    CREATE,
    DELETE
  }

  /** The run's status and the action. */
  record Placement(JobRunStatus status, Action action) {}

  private BatchJobPlacement() {}

  static Placement decide(
      JobRun run, JobRunStatus decided, Optional<Job> batch, Optional<Pod> pod, Instant now) {
    JobRunStatus previous = run.getStatus() == null ? new JobRunStatus() : run.getStatus();
    if (decided.batchJob == null) {
      decided.batchJob = previous.batchJob;
    }
    if (decided.pod == null) {
      decided.pod = previous.pod;
    }
    if (JobRunReconciler.finished(run)) {
      return new Placement(
          decided, batch.isPresent() && !finished(batch.get()) ? Action.DELETE : Action.NONE);
    }
    if (batch.isPresent() && finished(batch.get()) && settled(pod)) {
      return new Placement(progress(run, decided, batch.get(), pod, now), Action.NONE);
    }
    if (terminal(decided)) {
      return new Placement(decided, batch.isPresent() ? Action.DELETE : Action.NONE);
    }
    if (batch.isPresent()) {
      return new Placement(progress(run, decided, batch.get(), pod, now), Action.NONE);
    }
    if (previous.batchJob != null) {
      decided.phase = JobRunPhase.FAILED.value();
      decided.finishedAt = now.toString();
      decided.conditions =
          Conditions.of(run, now)
              .set(
                  Condition.SUCCEEDED,
                  false,
                  JobRunReason.BATCH_JOB_LOST,
                  "batch Job " + previous.batchJob + " was deleted before it finished")
              .set(
                  Condition.READY,
                  false,
                  JobRunReason.BATCH_JOB_LOST,
                  "batch Job " + previous.batchJob + " was deleted before it finished")
              .build();
      return new Placement(decided, Action.NONE);
    }
    if (!freeToGo(decided)) {
      return new Placement(decided, Action.NONE);
    }
    decided.phase = JobRunPhase.SCHEDULED.value();
    decided.batchJob = BatchJobModel.name(run);
    String message = "batch Job " + decided.batchJob + " created";
    decided.conditions = conditions(run, now, "Unknown", JobRunReason.SCHEDULED, message, false);
    return new Placement(decided, Action.CREATE);
  }

  /** The run's status from its batch Job (running or finished) and pod. */
  private static JobRunStatus progress(
      JobRun run, JobRunStatus status, Job batch, Optional<Pod> pod, Instant now) {
    status.batchJob = batch.getMetadata().getName();
    pod.ifPresent(p -> status.pod = p.getMetadata().getName());
    status.steps = steps(batch, pod);
    status.startedAt = startedAt(batch, pod, status.startedAt);
    commit(pod).ifPresent(c -> status.commit = c);
    // The Job's and the pod's informers are not ordered: a finished Job is taken as final only
    // once its pod is too (or gone), else the steps' last states could be missed for good.
    Optional<JobCondition> complete =
        settled(pod) ? condition(batch, "Complete") : Optional.empty();
    Optional<JobCondition> failed = settled(pod) ? condition(batch, "Failed") : Optional.empty();
    if (complete.isPresent()) {
      status.phase = JobRunPhase.SUCCEEDED.value();
      status.finishedAt = finishedAt(batch, complete.get(), now);
      status.conditions =
          conditions(run, now, "True", JobRunReason.SUCCEEDED, "every step succeeded", true);
    } else if (failed.isPresent()) {
      boolean deadline = "DeadlineExceeded".equals(failed.get().getReason());
      status.phase = deadline ? JobRunPhase.TIMED_OUT.value() : JobRunPhase.FAILED.value();
      status.finishedAt = finishedAt(batch, failed.get(), now);
      String message =
          deadline
              ? "run did not finish within its batch Job's activeDeadlineSeconds ("
                  + batch.getSpec().getActiveDeadlineSeconds()
                  + "s)"
              : failure(status.steps, pod)
                  .orElse(
                      "batch Job failed: "
                          + nullToEmpty(failed.get().getReason())
                          + " "
                          + nullToEmpty(failed.get().getMessage()))
                  .trim();
      status.conditions =
          conditions(
              run,
              now,
              "False",
              deadline ? JobRunReason.TIMED_OUT : JobRunReason.FAILED,
              message,
              false);
    } else if (pod.map(p -> "Running".equals(p.getStatus().getPhase())).orElse(false)) {
      status.phase = JobRunPhase.RUNNING.value();
      status.conditions =
          conditions(
              run,
              now,
              "Unknown",
              JobRunReason.RUNNING,
              "pod " + status.pod + " is running",
              false);
    } else {
      status.phase = JobRunPhase.SCHEDULED.value();
      String message =
          waiting(pod).orElse("batch Job " + status.batchJob + " created, its pod not running yet");
      status.conditions = conditions(run, now, "Unknown", JobRunReason.SCHEDULED, message, false);
    }
    return status;
  }

  /** Each step's state from its container: the runner's termination message, else the state. */
  static List<JobRunStatus.StepStatus> steps(Job batch, Optional<Pod> pod) {
    Map<String, ContainerStatus> statuses = new HashMap<>();
    pod.map(p -> p.getStatus())
        .map(s -> s.getContainerStatuses())
        .ifPresent(list -> list.forEach(s -> statuses.put(s.getName(), s)));
    List<JobRunStatus.StepStatus> steps = new ArrayList<>();
    List<Container> containers = batch.getSpec().getTemplate().getSpec().getContainers();
    JobRunStatus.StepStatus before = null;
    for (Container container : containers) {
      JobRunStatus.StepStatus step = new JobRunStatus.StepStatus();
      step.name = env(container, "GRYT_STEP_NAME").orElse(container.getName());
      step.state = StepState.PENDING.value();
      ContainerStatus status = statuses.get(container.getName());
      if (status != null && status.getState() != null) {
        ContainerStateTerminated terminated = status.getState().getTerminated();
        if (terminated != null) {
          ended(step, terminated);
        } else if (status.getState().getRunning() != null
            && (before == null || before.finishedAt != null)) {
          // A step's container runs while it waits for the one before; it runs its own command
          // only once that one has ended.
          step.state = StepState.RUNNING.value();
          step.startedAt =
              before == null ? status.getState().getRunning().getStartedAt() : before.finishedAt;
        }
      }
      steps.add(step);
      before = step;
    }
    return steps;
  }

  private static void ended(JobRunStatus.StepStatus step, ContainerStateTerminated terminated) {
    Map<String, String> result = fields(terminated.getMessage());
    step.exitCode = terminated.getExitCode();
    step.startedAt = result.getOrDefault("started", terminated.getStartedAt());
    step.finishedAt = result.getOrDefault("finished", terminated.getFinishedAt());
    String reason = result.get("reason");
    if (reason != null) {
      step.state = reason;
      if (StepState.SKIPPED.is(reason)) {
        step.exitCode = null;
      }
    } else {
      // Killed before the runner could report (OOMKilled, a deleted pod): its code says enough.
      step.state =
          Integer.valueOf(0).equals(terminated.getExitCode())
              ? StepState.SUCCEEDED.value()
              : StepState.FAILED.value();
    }
  }

  private static Optional<String> failure(List<JobRunStatus.StepStatus> steps, Optional<Pod> pod) {
    Optional<String> checkout =
        pod.map(p -> p.getStatus().getInitContainerStatuses()).stream()
            .flatMap(List::stream)
            .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
            .filter(s -> !Integer.valueOf(0).equals(s.getState().getTerminated().getExitCode()))
            .findFirst()
            .map(
                s ->
                    s.getName()
                        + " failed with exit code "
                        + s.getState().getTerminated().getExitCode());
    if (checkout.isPresent()) {
      return checkout;
    }
    return steps.stream()
        .filter(s -> StepState.FAILED.is(s.state) || StepState.TIMED_OUT.is(s.state))
        .findFirst()
        .map(
            s ->
                StepState.TIMED_OUT.is(s.state)
                    ? "step " + s.name + " timed out"
                    : "step " + s.name + " failed with exit code " + s.exitCode);
  }

  /** Why the pod does not run yet, when a container says (ErrImagePull, ImagePullBackOff...). */
  private static Optional<String> waiting(Optional<Pod> pod) {
    return pod.map(p -> p.getStatus()).stream()
        .flatMap(
            s -> {
              List<ContainerStatus> all = new ArrayList<>();
              if (s.getInitContainerStatuses() != null) {
                all.addAll(s.getInitContainerStatuses());
              }
              if (s.getContainerStatuses() != null) {
                all.addAll(s.getContainerStatuses());
              }
              return all.stream();
            })
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
        .filter(s -> s.getState().getWaiting().getReason() != null)
        .filter(s -> !"PodInitializing".equals(s.getState().getWaiting().getReason()))
        .findFirst()
        .map(
            s ->
                s.getName()
                    + " waiting: "
                    + s.getState().getWaiting().getReason()
                    + (s.getState().getWaiting().getMessage() == null
                        ? ""
                        : ": " + s.getState().getWaiting().getMessage()));
  }

  private static Optional<String> commit(Optional<Pod> pod) {
    return pod.map(p -> p.getStatus().getInitContainerStatuses()).stream()
        .flatMap(List::stream)
        .filter(s -> "checkout".equals(s.getName()))
        .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
        .map(s -> fields(s.getState().getTerminated().getMessage()).get("commit"))
        .filter(c -> c != null)
        .findFirst();
  }

  private static String startedAt(Job batch, Optional<Pod> pod, String previous) {
    if (previous != null) {
      return previous;
    }
    return pod.map(p -> p.getStatus().getStartTime())
        .orElse(batch.getStatus() == null ? null : batch.getStatus().getStartTime());
  }

  private static String finishedAt(Job batch, JobCondition condition, Instant now) {
    if (batch.getStatus().getCompletionTime() != null) {
      return batch.getStatus().getCompletionTime();
    }
    return condition.getLastTransitionTime() != null
        ? condition.getLastTransitionTime()
        : now.toString();
  }

  private static List<Condition> conditions(
      JobRun run,
      Instant now,
      String succeeded,
      JobRunReason reason,
      String message,
      boolean ready) {
    return Conditions.of(run, now)
        .set(Condition.SUCCEEDED, succeeded, reason, message)
        .set(Condition.READY, ready, reason, message)
        .build();
  }

  /** No pod, or one whose containers have all ended. */
  private static boolean settled(Optional<Pod> pod) {
    return pod.map(p -> p.getStatus() == null ? null : p.getStatus().getPhase())
        .map(phase -> "Succeeded".equals(phase) || "Failed".equals(phase))
        .orElse(true);
  }

  static boolean finished(Job batch) {
    return condition(batch, "Complete").isPresent() || condition(batch, "Failed").isPresent();
  }

  private static Optional<JobCondition> condition(Job batch, String type) {
    if (batch.getStatus() == null || batch.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return batch.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  static boolean terminal(JobRunStatus status) {
    return JobRunPhase.terminal(status.phase);
  }

  /** Pending only for want of an agent: nothing in the Job's rules holds it back. */
  private static boolean freeToGo(JobRunStatus status) {
    return JobRunPhase.PENDING.is(status.phase)
        && status.conditions != null
        && status.conditions.stream()
            .anyMatch(
                c -> Condition.SUCCEEDED.equals(c.type) && JobRunReason.NO_AGENT.is(c.reason));
  }

  /** {@code key=value} pairs separated by blanks, as gryt-step-runner writes them. */
  static Map<String, String> fields(String message) {
    Map<String, String> fields = new HashMap<>();
    if (message == null) {
      return fields;
    }
    for (String token : message.trim().split("\\s+")) {
      int eq = token.indexOf('=');
      if (eq > 0) {
        fields.put(token.substring(0, eq), token.substring(eq + 1));
      }
    }
    return fields;
  }

  private static Optional<String> env(Container container, String name) {
    if (container.getEnv() == null) {
      return Optional.empty();
    }
    return container.getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
