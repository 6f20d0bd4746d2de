package dev.gryt.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobRunFactoryTest {
  @Test
  void aManualRunIsNamedAfterItsJobWithARandomSuffix() {
    JobRun one = JobRunFactory.manual("team", "build");
    JobRun two = JobRunFactory.manual("team", "build");

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

    JobRun run = JobRunFactory.webhook("default", job);

    assertThat(run.getMetadata().getName()).hasSize(59).startsWith("j".repeat(50) + "-");
    assertThat(run.getSpec().jobName).isEqualTo(job);
    assertThat(run.getSpec().trigger).isEqualTo("webhook");
  }

  @Test
  void aRetryRunsTheSameJobRefAndCommitAndNamesTheRunItRetries() {
    JobRun old = JobRunFactory.manual("team", "build");
    old.getMetadata().setLabels(Map.of(GrytResource.ID_LABEL, "jobrun-1234"));
    old.getSpec().ref = "main";
    old.getSpec().sha = "a".repeat(40);

    JobRun retry = JobRunFactory.retryOf(old);

    assertThat(retry.getMetadata().getNamespace()).isEqualTo("team");
    assertThat(retry.getMetadata().getName())
        .matches("build-[a-z0-9]{8}")
        .isNotEqualTo(old.getMetadata().getName());
    assertThat(retry.getSpec().trigger).isEqualTo("retry");
    assertThat(retry.getSpec().retryOf).isEqualTo("jobrun-1234");
    assertThat(retry.getSpec().ref).isEqualTo("main");
    assertThat(retry.getSpec().sha).isEqualTo("a".repeat(40));
  }
}
