package dev.gryt.agent.runner;

/**
 * Limits for one step. {@code cpu} in cores as the container engines take it ("0.5", "2"), {@code
 * memory} with a unit suffix ("256m", "1g"); null means no limit. {@code pidsLimit} 0 means none.
 */
public record Resources(String cpu, String memory, int pidsLimit) {
  public static final int DEFAULT_PIDS_LIMIT = 1024;

  public static Resources unlimited() {
    return new Resources(null, null, DEFAULT_PIDS_LIMIT);
  }

  public static Resources of(String cpu, String memory) {
    return new Resources(cpu, memory, DEFAULT_PIDS_LIMIT);
  }
}
