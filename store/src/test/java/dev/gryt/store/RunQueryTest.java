package dev.gryt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.crds.JobRunPhase;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a runs query refuses, each problem named at once. */
class RunQueryTest {
  @Test
  void aBadQueryNamesEveryProblem() {
    assertThatThrownBy(() -> new RunQuery(null, " ", null, "", -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespacePrefix: null")
        .hasMessageContaining("job: blank")
        .hasMessageContaining("branch: blank")
        .hasMessageContaining("phases:")
        .hasMessageContaining("offset: at least 0, not -1")
        .hasMessageContaining("limit: between 1 and 500, not 0");
    assertThatThrownBy(() -> RunQuery.newest(0, RunQuery.MAX_LIMIT + 1))
        .hasMessageContaining("limit: between 1 and 500, not 501");
    assertThatThrownBy(() -> RunQuery.newest(0, 10).withJob("j".repeat(254)))
        .hasMessageContaining("job: at most 253 characters");
    assertThatThrownBy(() -> RunQuery.newest(0, 10).withBranch("b".repeat(254)))
        .hasMessageContaining("branch: at most 253 characters");
    assertThatThrownBy(
            () -> RunQuery.newest(0, 10).withPhases(new HashSet<>(Arrays.asList(null, null))))
        .hasMessageContaining("phases:");
  }

  @Test
  void aQueryKeepsItsOwnCopyOfThePhases() {
    Set<JobRunPhase> phases = new HashSet<>(Set.of(JobRunPhase.FAILED));
    RunQuery query = RunQuery.newest(0, 10).withPhases(phases);
    phases.add(JobRunPhase.RUNNING);

    assertThat(query.phases()).containsExactly(JobRunPhase.FAILED);
    assertThat(RunQuery.newest(0, 10).withPhases(Set.of())).isEqualTo(RunQuery.newest(0, 10));
  }
}
