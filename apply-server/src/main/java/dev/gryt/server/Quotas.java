package dev.gryt.server;

/**
 * What one tenant (an account, or a team: whoever owns a tenant prefix) may hold at once. The
 * bootstrap admin's own namespaces have no quota.
 *
 * @param runs runs not yet finished (429 at a start or trigger past it)
 * @param objects stored Pipelines, GitHubRepos, Jobs and Webhooks (403 at an apply past it)
 * @param logCharsPerRun characters of output one run keeps; past it the log gets a marker line and
 *     further output is dropped (a character is a byte for ASCII output)
 */
public record Quotas(int runs, int objects, long logCharsPerRun) {
  public static final long GIB = 1024L * 1024 * 1024;

  /** 10 runs, 1,000 objects, 1 GiB of log per run. */
  public static final Quotas DEFAULT = new Quotas(10, 1000, GIB);

  public Quotas {
    if (runs < 1 || objects < 1 || logCharsPerRun < 1) {
      throw new IllegalArgumentException("quotas must be positive");
    }
  }
}
