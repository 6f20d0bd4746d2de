package dev.gryt.store;

import dev.gryt.crds.Pipeline;
import dev.gryt.crds.PipelineSpec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.store.TestDatabases.TestDatabase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Prints how long the store takes for 1,000-resource commits and lists on SQLite and PostgreSQL,
 * once warm. Not a test: run it by hand when touching the write path.
 *
 * <pre>
 * mvn -B -q -pl store -am test-compile
 * java -cp store/target/test-classes:store/target/classes:crds/target/classes:$(cat cp.txt) \
 *     dev.gryt.store.StoreBench [rounds] [resources stored besides]
 * </pre>
 */
public final class StoreBench {
  private static final int RESOURCES = 1000;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int background = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    Path directory = Files.createTempDirectory("gryt-bench");
    try (TestDatabase sqlite = TestDatabases.sqlite(directory)) {
      bench("SQLite", sqlite.url(), rounds, background);
    }
    try (TestDatabase postgres = TestDatabases.postgres()) {
      bench("PostgreSQL", postgres.url(), rounds, background);
    }
  }

  private static void bench(String name, String url, int rounds, int background) {
    long[] creates = new long[rounds];
    long[] lists = new long[rounds];
    long[] updates = new long[rounds];
    long[] deletes = new long[rounds];
    try (ResourceStore store = StoreFactory.open(url)) {
      // Resources in another namespace, so that a query scanning the table would show.
      for (int start = 0; start < background; start += RESOURCES) {
        List<Mutation> fill = new ArrayList<>(RESOURCES);
        for (int i = start; i < Math.min(background, start + RESOURCES); i++) {
          Pipeline other = pipeline("other-" + i);
          other.getMetadata().setNamespace("background");
          fill.add(new Mutation.Create(other));
        }
        store.commit(fill);
      }
      // The first rounds warm the JIT and the connection pool; only later ones are counted.
      int warmup = 10;
      for (int round = -warmup; round < rounds; round++) {
        List<Mutation> createAll = new ArrayList<>(RESOURCES);
        for (int i = 0; i < RESOURCES; i++) {
          createAll.add(new Mutation.Create(pipeline("p" + i)));
        }
        long createNanos = time(() -> store.commit(createAll));

        List<Pipeline> listed = new ArrayList<>();
        long listNanos = time(() -> listed.addAll(store.list(Pipeline.class, "default", Map.of())));

        List<Mutation> updateAll = new ArrayList<>(RESOURCES);
        for (Pipeline pipeline : listed) {
          pipeline.getSpec().steps.get(0).command = "make all";
          updateAll.add(new Mutation.Update(pipeline));
        }
        long updateNanos = time(() -> store.commit(updateAll));

        List<Mutation> deleteAll = new ArrayList<>(RESOURCES);
        for (Pipeline pipeline : listed) {
          deleteAll.add(
              new Mutation.Delete(
                  ResourceKind.PIPELINE, "default", pipeline.getMetadata().getName(), null));
        }
        long deleteNanos = time(() -> store.commit(deleteAll));
        if (round >= 0) {
          creates[round] = createNanos;
          lists[round] = listNanos;
          updates[round] = updateNanos;
          deletes[round] = deleteNanos;
        }
      }
    }
    System.out.printf(
        "%s, %d resources per commit, %d more stored, %d rounds after warm-up (median / best):%n",
        name, RESOURCES, background, rounds);
    print("commit 1000 creates", creates);
    print("list 1000", lists);
    print("commit 1000 updates", updates);
    print("commit 1000 deletes", deletes);
  }

  private static long time(Supplier<?> work) {
    long start = System.nanoTime();
    work.get();
    return System.nanoTime() - start;
  }

  private static long time(Runnable work) {
    return time(
        () -> {
          work.run();
          return null;
        });
  }

  private static void print(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "  %-22s %7.1f ms / %7.1f ms%n", what, sorted[sorted.length / 2] / 1e6, sorted[0] / 1e6);
  }

  private static Pipeline pipeline(String name) {
    Pipeline pipeline = new Pipeline();
    pipeline.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withLabels(Map.of("app", "bench", "tier", "web"))
            .build());
    PipelineSpec spec = new PipelineSpec();
    spec.image = "debian:12";
    PipelineSpec.Step build = new PipelineSpec.Step();
    build.name = "build";
    build.command = "make";
    PipelineSpec.Step test = new PipelineSpec.Step();
    test.name = "test";
    test.command = "make test";
    spec.steps = new ArrayList<>(List.of(build, test));
    pipeline.setSpec(spec);
    return pipeline;
  }
}
