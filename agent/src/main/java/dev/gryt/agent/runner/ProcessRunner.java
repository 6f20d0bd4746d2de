package dev.gryt.agent.runner;

import java.util.List;
import java.util.Map;

/**
 * Runs a step as {@code sh -c command} straight on this machine, in the workspace, with no
 * isolation and no limits. Only on explicit request ({@code --runner process}).
 */
public final class ProcessRunner extends ForkingStepRunner {
  @Override
  public String name() {
    return "process";
  }

  @Override
  protected List<String> commandLine(StepSpec step) {
    return List.of("sh", "-c", step.command());
  }

  @Override
  protected Map<String, String> processEnv(StepSpec step) {
    return step.env();
  }

  @Override
  protected void stop(StepSpec step, Process process) {
    destroyTree(process);
  }
}
