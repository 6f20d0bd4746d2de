package dev.gryt.agent.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One step to run: the shell command, where, with what.
 *
 * @param runId the run this step belongs to; {@link StepRunner#cancel(String)} takes it
 * @param stepName the step's name (used in container names, sanitised)
 * @param command run with {@code sh -c}
 * @param image the container image; only the container runner uses it, null means the runner's
 *     default image
 * @param env extra environment variables for the step
 * @param workspace the checked-out repository; the step's working directory ({@code /workspace}
 *     inside a container)
 * @param timeout the step is stopped when it runs longer; null means no timeout
 * @param resources CPU, memory and pid limits (enforced by the container runner)
 * @param networkAllowed false cuts the step off the network (container and sandbox runners)
 */
public record StepSpec(
    String runId,
    String stepName,
    String command,
    String image,
    Map<String, String> env,
    Path workspace,
    Duration timeout,
    Resources resources,
    boolean networkAllowed) {

  public StepSpec {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(stepName, "stepName");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(workspace, "workspace");
    env = env == null ? Map.of() : Map.copyOf(env);
    resources = resources == null ? Resources.unlimited() : resources;
  }

  public static Builder builder(String runId, String stepName, String command, Path workspace) {
    return new Builder(runId, stepName, command, workspace);
  }

  /** Builds a {@link StepSpec}; everything but the four required fields is optional. */
  public static final class Builder {
    private final String runId;
    private final String stepName;
    private final String command;
    private final Path workspace;
    private String image;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout;
    private Resources resources = Resources.unlimited();
    private boolean networkAllowed;

    private Builder(String runId, String stepName, String command, Path workspace) {
      this.runId = runId;
      this.stepName = stepName;
      this.command = command;
      this.workspace = workspace;
    }

    public Builder image(String image) {
      this.image = image;
      return this;
    }

    public Builder env(Map<String, String> env) {
      this.env.putAll(env);
      return this;
    }

    public Builder env(String name, String value) {
      this.env.put(name, value);
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder resources(Resources resources) {
      this.resources = resources;
      return this;
    }

    public Builder networkAllowed(boolean networkAllowed) {
      this.networkAllowed = networkAllowed;
      return this;
    }

    public StepSpec build() {
      return new StepSpec(
          runId, stepName, command, image, env, workspace, timeout, resources, networkAllowed);
    }
  }
}
