package dev.gryt.agent.runner;

import java.util.Locale;

/** Which runner to use, as chosen by configuration ({@code --runner}). */
public enum RunnerKind {
  /** Container where podman/docker works, else the sandbox. Never the plain process runner. */
  AUTO,
  CONTAINER,
  SANDBOX,
  PROCESS;

  public static RunnerKind parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown runner '" + text + "' (use auto, container, sandbox or process)");
    }
  }
}
