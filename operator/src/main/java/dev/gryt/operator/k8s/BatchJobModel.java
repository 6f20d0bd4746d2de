package dev.gryt.operator.k8s;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.RunResolver;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The batch/v1 Job a JobRun becomes, computed without I/O from the run, its gryt Job, Pipeline and
 * GitHubRepo.
 *
 * <p>The pod works as Tekton's does: an init container from the gryt image copies {@code
 * gryt-step-runner} onto a shared {@code emptyDir} ({@code /gryt}), a second one clones the repo
 * into the workspace, and each step is a container of its own, in the step's (else the pipeline's)
 * image, whose command is the copied runner: it waits for the step before it, runs the step's
 * command and leaves its result in the container's termination message. Each step's exit code,
 * start and end are thus in the pod's status, read back by {@link RunProgress}.
 *
 * <p>Every step container gets the pipeline's CPU and memory as its limits; only the first one
 * requests them (the others request nothing), because the steps run one after the other and the
 * scheduler would otherwise reserve them once per step.
 */
public final class BatchJobModel {
  /** Label on the batch Job and its pod: the batch Job's name (a label value fits it). */
  public static final String RUN_LABEL = "gryt.io/run";

  /** Annotation on the batch Job and its pod: the JobRun's name, whatever its length. */
  public static final String RUN_ANNOTATION = "gryt.io/run-name";

  static final String JOB_LABEL = "gryt.io/job";
  static final String PIPELINE_LABEL = "gryt.io/pipeline";
  static final String STEP_CONTAINER_PREFIX = "step-";
  static final String RUNNER = "/gryt/bin/gryt-step-runner";
  static final String RUNNER_IN_IMAGE = "/opt/gryt/bin/gryt-step-runner";
  static final String WORKSPACE = "/workspace";

  /**
   * Where the code is checked out and the steps run: a directory of the workspace that the checkout
   * creates, so it belongs to the run's user (git refuses a repository whose top belongs to another
   * user, and an emptyDir's root belongs to root).
   */
  static final String SOURCE = WORKSPACE + "/src";

  private static final String TOKEN_KEY = "token";
  private static final int MAX_NAME = 63;

  private BatchJobModel() {}

  /**
   * The batch Job's name: the run's, unless that is longer than a label value may be (the Job
   * controller labels its pods with it); then a prefix of it and a hash.
   */
  public static String name(JobRun run) {
    String name = run.getMetadata().getName();
    if (name.length() <= MAX_NAME) {
      return name;
    }
    return name.substring(0, MAX_NAME - 11) + "-" + sha256(name).substring(0, 10);
  }

  /**
   * The Job for a resolved run: its gryt Job, that Job's Pipeline, and its GitHubRepo (none: run
   * without a checkout).
   */
  public static Job desired(RunResolver.Resolved resolved, BatchJobOptions options) {
    JobRun run = resolved.run();
    dev.gryt.crds.Job job = resolved.job();
    Pipeline pipeline = resolved.pipeline();
    GitHubRepo repo = resolved.repo();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "gryt");
    labels.put("app.kubernetes.io/component", "run");
    labels.put("app.kubernetes.io/managed-by", "gryt-operator");
    labels.put(RUN_LABEL, name(run));
    Map<String, String> annotations = Map.of(RUN_ANNOTATION, run.getMetadata().getName());
    labels.put(JOB_LABEL, job.getMetadata().getName());
    labels.put(PIPELINE_LABEL, pipeline.getMetadata().getName());

    List<Container> init = new ArrayList<>();
    init.add(
        new ContainerBuilder()
            .withName("install-runner")
            .withImage(options.runnerImage())
            .withCommand(RUNNER_IN_IMAGE, "install", "/gryt")
            .withResources(resources("50m", "32Mi", "500m", "64Mi"))
            .withSecurityContext(containerSecurity(true))
            .withVolumeMounts(mount("gryt", "/gryt"))
            .build());
    if (repo != null && repo.getSpec() != null && repo.getSpec().gitUrl != null) {
      init.add(checkout(resolved, options));
    }

    boolean checkout = init.size() > 1;
    List<PipelineSpec.Step> steps = pipeline.getSpec().steps;
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      containers.add(
          step(i, steps.get(i), pipeline.getSpec(), options, checkout ? SOURCE : WORKSPACE));
    }

    return new JobBuilder()
        .withNewMetadata()
        .withName(name(run))
        .withNamespace(run.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(run.getApiVersion())
                .withKind(run.getKind())
                .withName(run.getMetadata().getName())
                .withUid(run.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(resolved.timeout().toSeconds())
        .withTtlSecondsAfterFinished(options.ttlSecondsAfterFinished())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withEnableServiceLinks(false)
        .withServiceAccountName(options.serviceAccountName())
        .withAutomountServiceAccountToken(options.serviceAccountName() != null)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(options.runAsUser())
        .withRunAsGroup(options.runAsUser())
        .withFsGroup(options.runAsUser())
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withInitContainers(init)
        .withContainers(containers)
        .withVolumes(emptyDir("gryt"), emptyDir("workspace"), emptyDir("tmp"))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container checkout(RunResolver.Resolved resolved, BatchJobOptions options) {
    GitHubRepo repo = resolved.repo();
    List<EnvVar> env = new ArrayList<>();
    env.add(env("GRYT_GIT_URL", repo.getSpec().gitUrl));
    env.add(env("GRYT_CHECKOUT_DIR", SOURCE));
    // the commit when the webhook named one, else the ref
    env.add(env("GRYT_GIT_REF", resolved.checkout()));
    if (notBlank(repo.getSpec().tokenSecret)) {
      env.add(
          new EnvVarBuilder()
              .withName("GRYT_GIT_TOKEN")
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(repo.getSpec().tokenSecret)
              .withKey(TOKEN_KEY)
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    env.add(env("HOME", "/tmp"));
    return new ContainerBuilder()
        .withName("checkout")
        .withImage(options.runnerImage())
        .withCommand(RUNNER, "checkout")
        .withWorkingDir(WORKSPACE)
        .withEnv(env)
        .withResources(resources("100m", "128Mi", "1", "1Gi"))
        .withSecurityContext(containerSecurity(true))
        .withVolumeMounts(
            mount("gryt", "/gryt"), mount("workspace", WORKSPACE), mount("tmp", "/tmp"))
        .build();
  }

  private static Container step(
      int index,
      PipelineSpec.Step step,
      PipelineSpec pipeline,
      BatchJobOptions options,
      String workingDir) {
    Map<String, String> env = new TreeMap<>();
    env.put("HOME", "/tmp");
    if (pipeline.env != null) {
      env.putAll(pipeline.env);
    }
    if (step.env != null) {
      env.putAll(step.env);
    }
    List<EnvVar> vars = new ArrayList<>();
    env.forEach((k, v) -> vars.add(env(k, v)));
    vars.add(env("GRYT_STEP_NAME", step.name));
    vars.add(env("GRYT_STEP_COMMAND", step.command));
    if (step.timeoutSeconds != null) {
      vars.add(env("GRYT_STEP_TIMEOUT", step.timeoutSeconds.toString()));
    }
    if (step.retries != null && step.retries > 0) {
      vars.add(env("GRYT_STEP_RETRIES", step.retries.toString()));
    }
    String image =
        notBlank(step.image)
            ? step.image
            : notBlank(pipeline.image) ? pipeline.image : options.defaultImage();
    return new ContainerBuilder()
        .withName(STEP_CONTAINER_PREFIX + index)
        .withImage(image)
        .withCommand(RUNNER, "step", Integer.toString(index))
        .withWorkingDir(workingDir)
        .withEnv(vars)
        .withResources(stepResources(pipeline.resources, index == 0))
        .withSecurityContext(containerSecurity(options.readOnlyRootFilesystem()))
        .withTerminationMessagePolicy("File")
        .withVolumeMounts(
            mount("gryt", "/gryt"), mount("workspace", WORKSPACE), mount("tmp", "/tmp"))
        .build();
  }

  private static ResourceRequirements stepResources(
      PipelineSpec.Resources resources, boolean requests) {
    ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
    if (resources == null) {
      return builder.build();
    }
    Map<String, Quantity> limits = new TreeMap<>();
    if (notBlank(resources.cpu)) {
      limits.put("cpu", new Quantity(resources.cpu));
    }
    if (notBlank(resources.memory)) {
      limits.put("memory", new Quantity(resources.memory));
    }
    Map<String, Quantity> wanted = new TreeMap<>();
    // A limit without a request makes the request equal to the limit, so "nothing" is spelled 0.
    limits.keySet().forEach(k -> wanted.put(k, requests ? limits.get(k) : new Quantity("0")));
    return builder.withLimits(limits).withRequests(wanted).build();
  }

  private static ResourceRequirements resources(
      String cpu, String memory, String cpuLimit, String memoryLimit) {
    return new ResourceRequirementsBuilder()
        .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
        .withLimits(Map.of("cpu", new Quantity(cpuLimit), "memory", new Quantity(memoryLimit)))
        .build();
  }

  private static SecurityContext containerSecurity(boolean readOnlyRootFilesystem) {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withReadOnlyRootFilesystem(readOnlyRootFilesystem)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }

  private static VolumeMount mount(String volume, String path) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).build();
  }

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
