package dev.gryt.operator.git;

import dev.gryt.crds.GitRemote;
import dev.gryt.operator.ProbeResult;
import dev.gryt.operator.RepoProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The real {@link RepoProbe}: lists the remote's branches with JGit ({@code git ls-remote --heads})
 * over any transport JGit speaks (https, ssh, file). The token goes as the password of {@code
 * x-access-token}, as GitHub expects of app and personal access tokens; it is never logged and is
 * scrubbed from every cause reported.
 */
public final class JGitRepoProbe implements RepoProbe {
  /** How long a probe waits for the server: short, since a reconcile worker waits with it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** JGit's own wording (JGitText) for HTTP 401 and 403; status codes alone would match ports. */
  private static final List<String> AUTH_FAILURES =
      List.of(
          "not authorized",
          "authentication is required",
          "authentication not supported",
          "not permitted");

  private final Duration timeout;

  public JGitRepoProbe() {
    this(DEFAULT_TIMEOUT);
  }

  public JGitRepoProbe(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public ProbeResult probe(String url, String branch, Optional<String> token) {
    // The reconciler refuses these too; checked here again because JGit hands ssh remotes to the
    // GIT_SSH program, which would read a host like -oProxyCommand=... as an option.
    List<String> problems = GitRemote.problemsOf(url);
    if (!problems.isEmpty()) {
      return ProbeResult.unreachable("git_url refused: " + String.join("; ", problems));
    }
    LsRemoteCommand ls =
        Git.lsRemoteRepository()
            .setRemote(url)
            .setHeads(true)
            .setTimeout((int) Math.max(1, timeout.toSeconds()));
    token.ifPresent(
        t ->
            ls.setCredentialsProvider(
                new UsernamePasswordCredentialsProvider("x-access-token", t)));
    Map<String, Ref> heads;
    try {
      heads = ls.callAsMap();
    } catch (GitAPIException | RuntimeException e) {
      // JGit reports transport failures as exceptions of a few broad types; what went wrong is in
      // the messages down the cause chain.
      String cause = scrub(causeOf(e, url), token);
      return isAuthFailure(cause) ? ProbeResult.authFailed(cause) : ProbeResult.unreachable(cause);
    }
    Ref head = heads.get(Constants.R_HEADS + branch);
    if (head == null || head.getObjectId() == null) {
      return ProbeResult.branchNotFound(
          "no branch " + branch + " (" + heads.size() + " branches found)");
    }
    return ProbeResult.reachable(head.getObjectId().name());
  }

  /**
   * Every message down the cause chain in one line, outermost first, without the URL JGit puts in
   * front (the caller names it). Causes from outside JGit are named by type: the message of an
   * UnknownHostException is only the host.
   */
  static String causeOf(Throwable e, String url) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().replaceAll("\\s+", " ").trim();
      if (m.startsWith(url + ": ")) {
        m = m.substring(url.length() + 2);
      }
      if (m.isEmpty() || !t.getClass().getName().startsWith("org.eclipse.jgit.")) {
        m = (t.getClass().getSimpleName() + " " + m).trim();
      }
      if (!parts.contains(m)) {
        parts.add(m);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return String.join(": ", parts);
  }

  static boolean isAuthFailure(String cause) {
    String lower = cause.toLowerCase(Locale.ROOT);
    return AUTH_FAILURES.stream().anyMatch(lower::contains);
  }

  private static String scrub(String cause, Optional<String> token) {
    return token.filter(t -> !t.isEmpty()).map(t -> cause.replace(t, "***")).orElse(cause);
  }
}
