package dev.gryt.crds;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;

/** A run and what it refers to, built in code for the resolver and protocol tests. */
public final class RunFixtures {
  private RunFixtures() {}

  public static JobRun run(String job) {
    JobRun run = new JobRun();
    run.setMetadata(
        new ObjectMetaBuilder()
            .withName(job + "-abc")
            .withNamespace("default")
            .withLabels(Map.of(JobRun.ID_LABEL, "run-0000000000ab"))
            .build());
    run.setSpec(new JobRunSpec());
    run.getSpec().jobName = job;
    return run;
  }

  public static Job job(String name, String pipeline, String repo) {
    Job job = new Job();
    job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    job.setSpec(new JobSpec());
    job.getSpec().pipelineName = pipeline;
    job.getSpec().githubRepoName = repo;
    return job;
  }

  public static Pipeline pipeline(String name, String... commands) {
    Pipeline pipeline = new Pipeline();
    pipeline.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    pipeline.setSpec(new PipelineSpec());
    pipeline.getSpec().steps =
        java.util.Arrays.stream(commands)
            .map(
                c -> {
                  PipelineSpec.Step step = new PipelineSpec.Step();
                  step.name = c.split(" ")[0];
                  step.command = c;
                  return step;
                })
            .toList();
    return pipeline;
  }

  public static GitHubRepo repo(String name, String url, String branch) {
    GitHubRepo repo = new GitHubRepo();
    repo.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    repo.setSpec(new GitHubRepoSpec());
    repo.getSpec().gitUrl = url;
    repo.getSpec().branch = branch;
    return repo;
  }

  /** Reads from a fixed list of resources, as a store or an informer cache would. */
  public static ResourceReader reader(GrytResource<?, ?>... resources) {
    List<GrytResource<?, ?>> all = List.of(resources);
    return new ResourceReader() {
      @Override
      public <R extends GrytResource<?, ?>> java.util.Optional<R> get(
          Class<R> type, String namespace, String name) {
        return all.stream()
            .filter(type::isInstance)
            .filter(r -> r.getMetadata().getNamespace().equals(namespace))
            .filter(r -> r.getMetadata().getName().equals(name))
            .map(type::cast)
            .findFirst();
      }
    };
  }
}
