package dev.gryt.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Needs bubblewrap: fails (never skips) when it is missing; bin/setup-containers installs it. */
class SandboxRunnerIT extends StepRunnerContract {
  private final SandboxRunner runner = new SandboxRunner();

  @BeforeAll
  static void bubblewrapWorks() {
    assertThat(Runners.sandboxProblem("bwrap"))
        .as("bubblewrap must work here; run bin/setup-containers")
        .isEmpty();
  }

  @Override
  StepRunner runner() {
    return runner;
  }

  @Test
  void systemIsReadOnlyAndTmpIsPrivate() {
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result =
        run(
            step("touch /usr/gryt-x 2>/dev/null && echo usr-writable || echo usr-read-only;"
                    + " ls -A /tmp | wc -l; pwd")
                .build(),
            lines::add);
    assertThat(result.succeeded()).isTrue();
    assertThat(lines).containsExactly("usr-read-only", "0", "/workspace");
  }

  @Test
  void noNetworkUnlessAllowed() {
    String countInterfaces = "tail -n +3 /proc/net/dev | grep -cv ' lo:' || true";
    List<String> closed = new CopyOnWriteArrayList<>();
    run(step(countInterfaces).build(), closed::add);
    assertThat(closed).containsExactly("0");
    List<String> open = new CopyOnWriteArrayList<>();
    run(step(countInterfaces).networkAllowed(true).build(), open::add);
    assertThat(Integer.parseInt(open.get(0))).isPositive();
  }

  @Test
  void theStepReadsDevNullAndInheritsNoOtherDescriptor() {
    // The environment reaches bwrap through a pipe: the step must see neither it nor its copy.
    List<String> lines = new CopyOnWriteArrayList<>();
    StepResult result =
        run(
            step("readlink /proc/$$/fd/0; for n in 3 4 5 6; do"
                    + " [ -e /proc/$$/fd/$n ] && echo \"fd $n is open\"; done; echo checked")
                .env(java.util.Map.of("SEEN", "x"))
                .build(),
            lines::add);
    assertThat(result.succeeded()).isTrue();
    assertThat(lines).containsExactly("/dev/null", "checked");
  }
}
