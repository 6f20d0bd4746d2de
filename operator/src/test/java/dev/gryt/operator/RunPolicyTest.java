package dev.gryt.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunSpec;
import dev.gryt.crds.JobRunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunPolicyTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * Runs of one Job in creation order ({@code name=Phase}, {@code -} for not reconciled yet); the
   * run marked {@code *} is the one deciding.
   */
  @ParameterizedTest(name = "{0} max={1}: {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "",
      value = {
        // allow: unlimited unless max_concurrent_runs is set
        "        | | a=Running b=Pending *r=Pending                 | PROCEED",
        "allow   | | a=Running *r=-                                 | PROCEED",
        "allow   |1| *r=-                                           | PROCEED",
        "allow   |1| a=Running *r=Pending                           | WAIT",
        "allow   |1| a=Pending *r=Pending                           | WAIT",
        "allow   |1| *r=Pending a=Pending                           | PROCEED",
        "allow   |1| *r=Pending a=Running                           | WAIT",
        "allow   |1| a=Succeeded b=Cancelled *r=Pending             | PROCEED",
        "allow   |2| a=Running *r=Pending                           | PROCEED",
        "allow   |2| a=Running b=Pending *r=Pending                 | WAIT",
        "allow   |2| a=Scheduled b=Running *r=-                     | WAIT",
        "allow   |2| a=Pending *r=Pending b=Pending c=Running       | WAIT",
        // a run already placed keeps its slot when the limit drops
        "allow   |1| a=Running *r=Running                           | PROCEED",
        // forbid: limit 1 unless set; a run that would wait is cancelled instead
        "forbid  | | *r=Pending                                      | PROCEED",
        "forbid  | | a=Running *r=-                                 | FORBIDDEN",
        "forbid  | | a=Pending *r=-                                 | FORBIDDEN",
        "forbid  | | *r=Pending a=-                                 | PROCEED",
        "forbid  | | a=Failed b=TimedOut *r=-                       | PROCEED",
        "forbid  |2| a=Running *r=-                                 | PROCEED",
        "forbid  |2| a=Running b=Pending *r=-                       | FORBIDDEN",
        // replace: only the newest unfinished run goes on, whatever the limit
        "replace | | *r=Running a=-                                 | REPLACED",
        "replace | | *r=Pending a=Pending                           | REPLACED",
        "replace | | a=Running *r=-                                 | PROCEED",
        "replace | | *r=Running a=Cancelled                         | PROCEED",
        "replace |1| a=Running b=Running *r=Pending                 | PROCEED",
      })
  void decidesFromTheSiblingRuns(String policy, Integer max, String runs, RunPolicy.Verdict want) {
    Job job = ReconcilersTest.job("j", "p", null);
    job.getSpec().concurrencyPolicy = policy;
    job.getSpec().maxConcurrentRuns = max;
    List<JobRun> siblings = new ArrayList<>();
    JobRun deciding = null;
    String[] entries = runs.trim().split("\\s+");
    for (int i = 0; i < entries.length; i++) {
      boolean me = entries[i].startsWith("*");
      String[] nameAndPhase = entries[i].replace("*", "").split("=");
      JobRun run = run(nameAndPhase[0], i, nameAndPhase[1]);
      siblings.add(run);
      if (me) {
        deciding = run;
      }
    }
    assertThat(RunPolicy.decide(deciding, job, siblings)).isEqualTo(want);
  }

  /**
   * Runs of one Job in creation order; the run marked {@code *} just changed ({@code *r=gone} was
   * deleted); the siblings that must decide again.
   */
  @ParameterizedTest(name = "{0} max={1}: {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "",
      value = {
        // plain allow: no sibling ever decides again
        "        | | a=Pending *r=Succeeded b=Pending          |",
        "allow   | | a=Pending *r=gone b=Pending               |",
        // a limit: a finished or deleted run frees slots for the oldest waiting runs only
        "allow   |1| *r=Succeeded c=Pending a=Pending b=-      | c",
        "allow   |2| *r=Failed a=Running b=Pending c=- d=Pending | b c",
        "allow   |1| *r=gone a=Pending b=Pending               | a",
        "allow   |1| *r=Running a=Pending b=Pending            |",
        "allow   |1| a=Pending b=Pending *r=Pending            |",
        "forbid  | | *r=Cancelled a=Pending b=Pending          | a",
        // replace: a new unfinished run ends the older unfinished ones
        "replace | | a=Running b=Succeeded c=Pending *r=-      | a c",
        "replace | | a=Running *r=Succeeded                    |",
      })
  void aChangedRunWakesOnlyTheSiblingsWhoseVerdictItMoves(
      String policy, Integer max, String runs, String want) {
    Job job = ReconcilersTest.job("j", "p", null);
    job.getSpec().concurrencyPolicy = policy;
    job.getSpec().maxConcurrentRuns = max;
    List<JobRun> siblings = new ArrayList<>();
    JobRun changed = null;
    boolean gone = false;
    String[] entries = runs.trim().split("\\s+");
    for (int i = 0; i < entries.length; i++) {
      boolean me = entries[i].startsWith("*");
      String[] nameAndPhase = entries[i].replace("*", "").split("=");
      if (me && nameAndPhase[1].equals("gone")) {
        gone = true;
        changed = run(nameAndPhase[0], i, "Pending");
        continue;
      }
      JobRun run = run(nameAndPhase[0], i, nameAndPhase[1]);
      siblings.add(run);
      if (me) {
        changed = run;
      }
    }
    List<String> names =
        RunPolicy.affectedBy(changed, gone, job, siblings).stream()
            .map(r -> r.getMetadata().getName())
            .sorted()
            .toList();
    assertThat(names)
        .containsExactlyElementsOf(want == null ? List.of() : List.of(want.trim().split("\\s+")));
  }

  @Test
  void runsCreatedInTheSameSecondAreOrderedByName() {
    Job job = ReconcilersTest.job("j", "p", null);
    job.getSpec().maxConcurrentRuns = 1;
    JobRun b = run("b", 0, "Pending");
    JobRun a = run("a", 0, "Pending");
    assertThat(RunPolicy.decide(a, job, List.of(a, b))).isEqualTo(RunPolicy.Verdict.PROCEED);
    assertThat(RunPolicy.decide(b, job, List.of(a, b))).isEqualTo(RunPolicy.Verdict.WAIT);
  }

  /** Runs in creation order; the expected survivors of the history limit. */
  @ParameterizedTest(name = "limit={0}: {1} -> delete {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "",
      value = {
        " |a=Succeeded b=Failed                                   |",
        "2|a=Succeeded b=Failed c=Cancelled                       |a",
        "2|a=Succeeded b=Running c=Failed d=TimedOut e=Succeeded  |a c",
        "0|a=Succeeded b=Pending c=Failed                         |a c",
        "0|a=Pending b=-                                          |",
        "5|a=Succeeded b=Failed                                   |",
      })
  void expiresTheOldestFinishedRunsBeyondTheHistoryLimit(
      Integer limit, String runs, String deleted) {
    Job job = ReconcilersTest.job("j", "p", null);
    job.getSpec().historyLimit = limit;
    List<JobRun> all = new ArrayList<>();
    String[] entries = runs.trim().split("\\s+");
    // Listed out of order on purpose: the cache's order is not creation order.
    for (int i = entries.length - 1; i >= 0; i--) {
      String[] nameAndPhase = entries[i].split("=");
      all.add(run(nameAndPhase[0], i, nameAndPhase[1]));
    }
    List<String> names =
        RunPolicy.expired(job, all).stream().map(r -> r.getMetadata().getName()).toList();
    assertThat(names)
        .containsExactlyElementsOf(
            deleted == null ? List.of() : List.of(deleted.trim().split("\\s+")));
  }

  @Test
  void theDefaultHistoryLimitKeepsTwentyFinishedRuns() {
    Job job = ReconcilersTest.job("j", "p", null);
    List<JobRun> all = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      all.add(run(String.format("r%02d", i), i, "Succeeded"));
    }
    assertThat(RunPolicy.expired(job, all))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("r00", "r01", "r02");
  }

  static JobRun run(String name, int createdSecond, String phase) {
    JobRun r = new JobRun();
    r.setMetadata(ReconcilersTest.meta(name));
    r.getMetadata().setCreationTimestamp(T0.plusSeconds(createdSecond).toString());
    r.setSpec(new JobRunSpec());
    r.getSpec().jobName = "j";
    if (phase != null && !"-".equals(phase)) {
      JobRunStatus status = new JobRunStatus();
      status.phase = phase;
      r.setStatus(status);
    }
    return r;
  }
}
