package dev.gryt.store;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.store.TestDatabases.TestDatabase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Prints what one JobRun write costs (a create, then a status write, one per commit, as a webhook
 * and an agent's reports make them) on SQLite and PostgreSQL with 10,000 runs stored: the cost the
 * runs list's columns and index add to every run write. Not a test: run it by hand.
 *
 * <pre>
 * mvn -B -q -o -pl store -am test-compile
 * java -cp store/target/test-classes:store/target/classes:crds/target/classes:$(cat cp.txt) \
 *     dev.gryt.store.RunWriteBench [writes]
 * </pre>
 */
public final class RunWriteBench {
  private static final int STORED = 10_000;

  public static void main(String[] args) throws Exception {
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    try (TestDatabase sqlite = TestDatabases.sqlite(Files.createTempDirectory("gryt-bench"))) {
      bench("SQLite", sqlite.url(), writes);
    }
    try (TestDatabase postgres = TestDatabases.postgres()) {
      bench("PostgreSQL", postgres.url(), writes);
    }
  }

  private static void bench(String name, String url, int writes) {
    try (ResourceStore store = StoreFactory.open(url)) {
      for (int start = 0; start < STORED; start += 500) {
        List<Mutation> fill = new ArrayList<>();
        for (int i = start; i < start + 500; i++) {
          fill.add(new Mutation.Create(run("stored-" + i)));
        }
        store.commit(fill);
      }
      long[] creates = new long[writes];
      long[] statuses = new long[writes];
      int warmup = 200;
      for (int i = -warmup; i < writes; i++) {
        long t0 = System.nanoTime();
        JobRun created = store.create(run("new-" + (i + warmup)));
        long t1 = System.nanoTime();
        JobRunStatus status = new JobRunStatus();
        status.phase = "Running";
        created.setStatus(status);
        store.updateStatus(created);
        long t2 = System.nanoTime();
        if (i >= 0) {
          creates[i] = t1 - t0;
          statuses[i] = t2 - t1;
        }
      }
      System.out.printf(
          "%s, %,d runs stored, %d single-run writes after warm-up (median / p90):%n"
              + "  create        %6.2f / %6.2f ms%n  status write  %6.2f / %6.2f ms%n",
          name,
          STORED,
          writes,
          percentile(creates, 50),
          percentile(creates, 90),
          percentile(statuses, 50),
          percentile(statuses, 90));
    }
  }

  private static JobRun run(String name) {
    JobRun run = new JobRun();
    run.setMetadata(new ObjectMetaBuilder().withNamespace("bench").withName(name).build());
    JobRunSpec spec = new JobRunSpec();
    spec.jobName = "job-" + name.hashCode() % 50;
    spec.trigger = "webhook";
    spec.ref = "refs/heads/main";
    run.setSpec(spec);
    return run;
  }

  private static double percentile(long[] nanos, int p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
  }
}
