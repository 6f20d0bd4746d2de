package dev.gryt.operator.k8s;

import dev.gryt.crds.Condition;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.RunResolver;
import dev.gryt.operator.Conditions;
import dev.gryt.operator.JobRunReconciler;
import dev.gryt.operator.Outcome;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * JobRuns under JOSDK: a run follows what {@link JobRunReconciler#references()} declares (the Job
 * it names, whose going ends it Cancelled; that Job's Pipeline and GitHubRepo; its sibling runs,
 * for the concurrency policy); its deadline comes back as a reschedule.
 *
 * <p>With {@link BatchJobOptions} (Kubernetes run mode) a run free to go becomes a batch/v1 Job
 * ({@link BatchJobModel}), owned by the run, and follows it and its pod through informers ({@link
 * BatchJobPlacement}); a run that ends otherwise deletes it, pods first. Without them runs wait
 * {@code Pending} for an agent.
 */
final class JobRunController extends GrytController<JobRun, JobRunStatus> {
  private final BatchJobOptions batchJobs;

  JobRunController(Clock clock) {
    this(clock, null);
  }

  JobRunController(Clock clock, BatchJobOptions batchJobs) {
    super(new JobRunReconciler(), clock);
    this.batchJobs = batchJobs;
  }

  @Override
  protected List<EventSource<?, JobRun>> ownedEventSources(EventSourceContext<JobRun> context) {
    if (batchJobs == null) {
      return List.of();
    }
    var jobs =
        InformerEventSourceConfiguration.from(
                io.fabric8.kubernetes.api.model.batch.v1.Job.class, JobRun.class)
            .withName("BatchJob")
            .withNamespacesInheritedFromController()
            .withLabelSelector(BatchJobModel.RUN_LABEL)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(JobRun.class, false))
            .build();
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, JobRun.class)
            .withName("RunPod")
            .withNamespacesInheritedFromController()
            .withLabelSelector(BatchJobModel.RUN_LABEL)
            .withSecondaryToPrimaryMapper(JobRunController::runOf)
            .build();
    return List.of(
        new InformerEventSource<>(jobs, context), new InformerEventSource<>(pods, context));
  }

  private static Set<ResourceID> runOf(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    String run = annotations == null ? null : annotations.get(BatchJobModel.RUN_ANNOTATION);
    return run == null ? Set.of() : Set.of(new ResourceID(run, pod.getMetadata().getNamespace()));
  }

  @Override
  protected Outcome<JobRunStatus> act(
      JobRun run, Outcome<JobRunStatus> decision, Context<JobRun> context, Instant now) {
    if (batchJobs == null) {
      return decision;
    }
    KubernetesClient client = context.getClient();
    String ns = run.getMetadata().getNamespace();
    Optional<io.fabric8.kubernetes.api.model.batch.v1.Job> batch =
        context.getSecondaryResource(io.fabric8.kubernetes.api.model.batch.v1.Job.class);
    String known = run.getStatus() == null ? null : run.getStatus().batchJob;
    if (batch.isEmpty() && known != null) {
      // The informer may lag behind a Job just created; "lost" must not rest on that lag.
      batch = Optional.ofNullable(client.batch().v1().jobs().inNamespace(ns).withName(known).get());
    }
    Optional<Pod> pod =
        context.getSecondaryResources(Pod.class).stream()
            .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()));
    BatchJobPlacement.Placement placement =
        BatchJobPlacement.decide(run, decision.status(), batch, pod, now);
    JobRunStatus status = placement.status();
    switch (placement.action()) {
      case CREATE -> {
        Optional<RunResolver.Unresolvable> missing = create(run, client);
        if (missing.isPresent()) {
          return new Outcome<>(
              waiting(run, decision.status(), missing.get(), now),
              decision.requeueAfter(),
              decision.deletes());
        }
      }
      case DELETE ->
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(ns)
              .withName(status.batchJob)
              .withPropagationPolicy(DeletionPropagation.FOREGROUND)
              .delete();
      case NONE -> {}
    }
    return new Outcome<>(
        status,
        BatchJobPlacement.terminal(status) ? null : decision.requeueAfter(),
        decision.deletes());
  }

  /** Creates the run's batch Job; empty when done, else what it still lacks. */
  private Optional<RunResolver.Unresolvable> create(JobRun run, KubernetesClient client) {
    RunResolver.Resolution resolution = RunResolver.resolve(run, lookup());
    if (resolution instanceof RunResolver.Unresolvable missing) {
      return Optional.of(missing);
    }
    try {
      client.resource(BatchJobModel.desired((RunResolver.Resolved) resolution, batchJobs)).create();
    } catch (KubernetesClientException e) {
      // Created by an earlier reconcile whose status write was lost: the Job is there, go on.
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
    return Optional.empty();
  }

  /** A run whose batch Job lacks what it needs stays Pending, saying what is missing. */
  private static JobRunStatus waiting(
      JobRun run, JobRunStatus decided, RunResolver.Unresolvable missing, Instant now) {
    String message = "cannot run yet: " + missing.message();
    decided.conditions =
        Conditions.of(run, now)
            .set(Condition.SUCCEEDED, "Unknown", missing.reason(), message)
            .set(Condition.READY, false, missing.reason(), message)
            .build();
    return decided;
  }
}
