package dev.gryt.store;

import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.JobSpec;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.WebhookSpec;
import dev.gryt.store.TestDatabases.TestDatabase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * What the store contracts share ({@link ResourceStoreContract}, {@link TriggerStoreContract},
 * {@link RunLogStoreContract}): a new store on a new, empty database for each test, closed after
 * it, and the objects the tests write. A backend's test says how to get the database (and, for a
 * store that keeps its resources elsewhere, how to open the store on it).
 */
public abstract class StoreContract {
  protected static final Instant NOW = Instant.parse("2026-03-04T05:06:07.891Z");
  protected static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final List<ResourceStore> openStores = new ArrayList<>();

  /** Closed after each test; a contract adds the databases it opens itself. */
  final List<TestDatabase> databases = new ArrayList<>();

  /** A new, empty database; the contract closes it after the test. */
  protected abstract TestDatabase newDatabase();

  /** A store on a new, empty database. */
  protected ResourceStore newStore() {
    return newStore(SqlResourceStore.DEFAULT_EVENT_RETENTION);
  }

  protected ResourceStore newStore(long eventRetention) {
    TestDatabase database = newDatabase();
    databases.add(database);
    return open(database.url(), eventRetention);
  }

  protected ResourceStore open(String url, long eventRetention) {
    String separator = url.contains("?") ? "&" : "?";
    ResourceStore store =
        StoreFactory.open(url + separator + "eventRetention=" + eventRetention, CLOCK);
    openStores.add(store);
    return store;
  }

  @AfterEach
  void closeStoresAndDatabases() {
    openStores.forEach(ResourceStore::close);
    databases.forEach(TestDatabase::close);
  }

  // ---------------------------------------------------------------- fixtures

  protected static Pipeline pipeline(String namespace, String name, String command) {
    return pipeline(namespace, name, command, Map.of());
  }

  protected static Pipeline pipeline(
      String namespace, String name, String command, Map<String, String> labels) {
    Pipeline pipeline = new Pipeline();
    pipeline.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(labels.isEmpty() ? null : new java.util.HashMap<>(labels))
            .build());
    PipelineSpec spec = new PipelineSpec();
    PipelineSpec.Step step = new PipelineSpec.Step();
    step.name = "build";
    step.command = command;
    spec.steps = new ArrayList<>(List.of(step));
    pipeline.setSpec(spec);
    return pipeline;
  }

  // ---------------------------------------------------------------- webhooks and runs

  /** The Webhook "hook" and the Job "build" its deliveries start runs of. */
  protected static void createHook(ResourceStore store) {
    if (store.get(Job.class, "default", "build").isEmpty()) {
      Job job = new Job();
      job.setMetadata(new ObjectMetaBuilder().withName("build").build());
      JobSpec spec = new JobSpec();
      spec.pipelineName = "build";
      job.setSpec(spec);
      store.create(job);
    }
    store.create(webhook("hook"));
  }

  protected static Webhook webhook(String name) {
    Webhook webhook = new Webhook();
    webhook.setMetadata(new ObjectMetaBuilder().withName(name).build());
    WebhookSpec spec = new WebhookSpec();
    spec.jobName = "build";
    spec.secret = "s3cret";
    webhook.setSpec(spec);
    return webhook;
  }

  protected static Mutation.Create run(String name) {
    JobRun run = new JobRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).build());
    JobRunSpec spec = new JobRunSpec();
    spec.jobName = "build";
    spec.trigger = "webhook";
    spec.ref = "refs/heads/main";
    run.setSpec(spec);
    return new Mutation.Create(run);
  }
}
