package dev.gryt.operator;

/** The CamelCase reasons conditions carry, one place for all kinds. */
public final class Reasons {
  public static final String VALID = "Valid";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String RESOLVED = "Resolved";
  public static final String PIPELINE_NOT_FOUND = "PipelineNotFound";
  public static final String PIPELINE_NOT_READY = "PipelineNotReady";
  public static final String REPO_NOT_FOUND = "RepoNotFound";
  public static final String REPO_NOT_READY = "RepoNotReady";
  public static final String JOB_NOT_FOUND = "JobNotFound";
  public static final String JOB_NOT_READY = "JobNotReady";
  public static final String NO_AGENT = "NoAgent";
  public static final String AGENTS_BUSY = "AgentsBusy";
  public static final String NO_ISOLATING_AGENT = "NoIsolatingAgent";
  public static final String SCHEDULED = "Scheduled";
  public static final String RUNNING = "Running";
  public static final String BATCH_JOB_LOST = "BatchJobLost";
  public static final String TIMED_OUT = "TimedOut";
  public static final String CANCELLED = "Cancelled";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String JOB_DELETED = "JobDeleted";
  public static final String REACHABLE = "Reachable";
  public static final String UNREACHABLE = "Unreachable";
  public static final String AUTH_FAILED = "AuthFailed";
  public static final String BRANCH_NOT_FOUND = "BranchNotFound";
  public static final String TOKEN_UNAVAILABLE = "TokenUnavailable";
  public static final String TOKEN_ENV_NOT_ALLOWED = "TokenEnvNotAllowed";
  public static final String URL_REFUSED = "UrlRefused";
  public static final String CONCURRENCY_LIMIT = "ConcurrencyLimit";
  public static final String CONCURRENCY_FORBIDDEN = "ConcurrencyForbidden";
  public static final String REPLACED = "Replaced";
  public static final String AGENT_LOST = "AgentLost";
  public static final String AGENT_UNAVAILABLE = "AgentUnavailable";

  private Reasons() {}
}
