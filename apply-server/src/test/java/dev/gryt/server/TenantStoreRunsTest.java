package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.RunPage;
import dev.gryt.store.RunQuery;
import dev.gryt.store.StoreFactory;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs list through an account's view, on a real SQLite store: an account sees its own runs, in
 * its own namespaces' names, counted alone; never another account's, whatever the filters; the
 * admin sees every one.
 */
class TenantStoreRunsTest {
  private static final Principal ANN = new Principal("acct-ann", "ann", "t1-");
  private static final Principal BOB = new Principal("acct-bob", "bob", "t10-");
  private static final Principal ADMIN = new Principal(Principal.ADMIN_ID, "admin", "");

  @TempDir Path directory;
  private ResourceStore store;

  @BeforeEach
  void open() {
    store = StoreFactory.open("sqlite:" + directory.resolve("gryt.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static JobRun run(String namespace, String name, String job) {
    JobRun run = new JobRun();
    run.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    JobRunSpec spec = new JobRunSpec();
    spec.jobName = job;
    spec.ref = "refs/heads/main";
    run.setSpec(spec);
    return run;
  }

  private static List<String> names(RunPage page) {
    return page.runs().stream()
        .map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .toList();
  }

  @Test
  void anAccountListsItsOwnRunsOnlyAndAnotherAccountsNever() {
    ResourceStore ann = TenantStore.of(store, ANN);
    ResourceStore bob = TenantStore.of(store, BOB);
    ann.create(run("default", "ann-1", "build"));
    ann.create(run("team", "ann-2", "build"));
    JobRun failed = ann.create(run("default", "ann-3", "test"));
    failed.setStatus(new JobRunStatus());
    failed.getStatus().phase = "Failed";
    ann.updateStatus(failed);
    // Bob's runs share the names and the Job, and his prefix starts like Ann's.
    bob.create(run("default", "ann-1", "build"));
    bob.create(run("default", "bob-1", "build"));
    store.create(run("default", "admins", "build"));

    RunQuery all = RunQuery.newest(0, 100);
    assertThat(names(ann.runs(all)))
        .as("in the account's own namespace names")
        .containsExactly("default/ann-3", "team/ann-2", "default/ann-1");
    assertThat(ann.runs(all).total()).isEqualTo(3);
    assertThat(names(ann.runs(all.withJob("build"))))
        .containsExactly("team/ann-2", "default/ann-1");
    assertThat(names(ann.runs(all.withPhases(Set.of(JobRunPhase.FAILED)))))
        .containsExactly("default/ann-3");
    assertThat(names(ann.runs(all.withNamespacePrefix("te")))).containsExactly("team/ann-2");
    assertThat(ann.runs(RunQuery.newest(0, 1)).total()).isEqualTo(3);

    assertThat(names(bob.runs(all))).containsExactly("default/bob-1", "default/ann-1");
    assertThat(bob.runs(all.withJob("test")).total()).isZero();
    assertThat(bob.runs(all.withPhases(Set.of(JobRunPhase.FAILED))).total()).isZero();

    assertThat(TenantStore.of(store, ADMIN).runs(all).total()).isEqualTo(6);
    assertThat(names(TenantStore.of(store, ADMIN).runs(all.withNamespacePrefix("t1-"))))
        .containsExactly("t1-default/ann-3", "t1-team/ann-2", "t1-default/ann-1");
  }
}
