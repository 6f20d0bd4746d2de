package dev.gryt.operator;

import java.util.Objects;

/**
 * What a {@link RepoProbe} found.
 *
 * @param kind the verdict
 * @param detail for {@link Kind#REACHABLE} the branch head's commit id; otherwise the cause in one
 *     line (never containing the token)
 */
public record ProbeResult(Kind kind, String detail) {
  /** The answers a probe gives. */
  public enum Kind {
    REACHABLE,
    BRANCH_NOT_FOUND,
    AUTH_FAILED,
    UNREACHABLE,
    /** A tenant's URL that may not be followed (an internal address): nothing was sent. */
    REFUSED
  }

  public ProbeResult {
    Objects.requireNonNull(kind, "kind");
    detail = detail == null ? "" : detail.replaceAll("\\s+", " ").trim();
  }

  public static ProbeResult reachable(String headSha) {
    return new ProbeResult(Kind.REACHABLE, headSha);
  }

  public static ProbeResult branchNotFound(String cause) {
    return new ProbeResult(Kind.BRANCH_NOT_FOUND, cause);
  }

  public static ProbeResult authFailed(String cause) {
    return new ProbeResult(Kind.AUTH_FAILED, cause);
  }

  public static ProbeResult unreachable(String cause) {
    return new ProbeResult(Kind.UNREACHABLE, cause);
  }

  public static ProbeResult refused(String cause) {
    return new ProbeResult(Kind.REFUSED, cause);
  }
}
