package dev.gryt.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobRunFactoryTest {
  @Test
  void aManualRunIsNamedAfterItsJobWithARandomSuffix() {
    JobRun one = JobRunFactory.manual("team", "build", RunOrigin.account("alice", null));
    JobRun two = JobRunFactory.manual("team", "build", RunOrigin.account("alice", null));

    assertThat(one.getMetadata().getNamespace()).isEqualTo("team");
    assertThat(one.getMetadata().getName()).matches("build-[a-z0-9]{8}");
    assertThat(two.getMetadata().getName()).isNotEqualTo(one.getMetadata().getName());
    assertThat(one.getSpec().jobName).isEqualTo("build");
    assertThat(one.getSpec().trigger).isEqualTo("manual");
    assertThat(one.getSpec().retryOf).isNull();
  }

  @Test
  void aLongJobNameIsCutSoThatTheRunsNameStaysALabelValue() {
    String job = "j".repeat(63);

    JobRun run = JobRunFactory.webhook("default", job, "push", null, null, null);

    assertThat(run.getMetadata().getName()).hasSize(59).startsWith("j".repeat(50) + "-");
    assertThat(run.getSpec().jobName).isEqualTo(job);
    assertThat(run.getSpec().trigger).isEqualTo("webhook");
  }

  @Test
  void aRetryRunsTheSameJobRefAndCommitAndNamesTheRunItRetries() {
    JobRun old = JobRunFactory.manual("team", "build", RunOrigin.account("alice", null));
    old.getMetadata().setLabels(Map.of(GrytResource.ID_LABEL, "jobrun-1234"));
    old.getSpec().ref = "main";
    old.getSpec().sha = "a".repeat(40);
    old.getSpec().event = "push";
    old.getSpec().branch = "main";

    JobRun retry = JobRunFactory.retryOf(old, RunOrigin.account("bob", "key_123"));

    assertThat(retry.getMetadata().getNamespace()).isEqualTo("team");
    assertThat(retry.getMetadata().getName())
        .matches("build-[a-z0-9]{8}")
        .isNotEqualTo(old.getMetadata().getName());
    assertThat(retry.getSpec().trigger).isEqualTo("retry");
    assertThat(retry.getSpec().retryOf).isEqualTo("jobrun-1234");
    assertThat(retry.getSpec().ref).isEqualTo("main");
    assertThat(retry.getSpec().sha).isEqualTo("a".repeat(40));
    assertThat(retry.getSpec().event).as("a retry keeps its original's event").isEqualTo("push");
    assertThat(retry.getSpec().branch).isEqualTo("main");
    assertThat(retry.getSpec().startedBy.account).isEqualTo("bob");
    assertThat(retry.getSpec().startedBy.apiKey).isEqualTo("key_123");
  }

  @Test
  void aManualRunRecordsItsEventAndWhoStartedIt() {
    JobRun run = JobRunFactory.manual("team", "build", RunOrigin.account("alice", "key_9"));

    assertThat(run.getSpec().event).isEqualTo("manual");
    assertThat(run.getSpec().startedBy.describe()).isEqualTo("alice (key_9)");
  }

  @Test
  void aWebhookRunRecordsItsEventBranchAndDelivery() {
    JobRun run =
        JobRunFactory.webhook(
            "team",
            "build",
            "push",
            "refs/heads/feature/x",
            "b".repeat(40),
            RunOrigin.webhook("hook", "dlv-1", "gh-1"));

    assertThat(run.getSpec().trigger).isEqualTo("webhook");
    assertThat(run.getSpec().event).isEqualTo("push");
    assertThat(run.getSpec().branch).isEqualTo("feature/x");
    assertThat(run.getSpec().startedBy.describe()).isEqualTo("webhook/hook dlv-1");
    assertThat(run.getSpec().startedBy.deliveryId).isEqualTo("gh-1");
  }

  @Test
  void branchOfReadsBranchesAndNotTags() {
    assertThat(JobRunFactory.branchOf("refs/heads/main")).isEqualTo("main");
    assertThat(JobRunFactory.branchOf("main")).isEqualTo("main");
    assertThat(JobRunFactory.branchOf("refs/tags/v1")).isNull();
    assertThat(JobRunFactory.branchOf(null)).isNull();
  }

  @Test
  void anAppliedRunGetsTheServersProvenanceNotTheManifests() {
    JobRun forged = JobRunFactory.manual("team", "build", RunOrigin.account("admin", null));
    forged.getSpec().trigger = "webhook";
    forged.getSpec().event = "push";
    forged.getSpec().retryOf = "run-x";
    forged.getSpec().ref = "refs/heads/dev";

    JobRunFactory.stampApplied(forged, null, RunOrigin.account("mallory", null));

    assertThat(forged.getSpec().trigger).isEqualTo("manual");
    assertThat(forged.getSpec().event).isEqualTo("manual");
    assertThat(forged.getSpec().retryOf).isNull();
    assertThat(forged.getSpec().branch).isEqualTo("dev");
    assertThat(forged.getSpec().startedBy.account).isEqualTo("mallory");

    JobRun stored = JobRunFactory.webhook("team", "build", "push", "main", null, null);
    stored.getSpec().startedBy = RunOrigin.webhook("hook", "dlv-2", null);
    JobRun again = JobRunFactory.manual("team", "build", RunOrigin.account("mallory", null));
    JobRunFactory.stampApplied(again, stored, RunOrigin.account("mallory", null));

    assertThat(again.getSpec().trigger).isEqualTo("webhook");
    assertThat(again.getSpec().startedBy.webhook).isEqualTo("hook");
  }
}
