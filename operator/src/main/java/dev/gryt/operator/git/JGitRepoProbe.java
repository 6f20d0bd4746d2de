package dev.gryt.operator.git;

import dev.gryt.crds.GitRemote;
import dev.gryt.crds.PinnedProxy;
import dev.gryt.crds.TenantAddresses;
import dev.gryt.operator.ProbeResult;
import dev.gryt.operator.RepoProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
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
  private final TenantAddresses.Resolver resolver;

  public JGitRepoProbe() {
    this(DEFAULT_TIMEOUT);
  }

  public JGitRepoProbe(Duration timeout) {
    this(timeout, TenantAddresses.DNS);
  }

  /** A probe that resolves tenants' hosts with {@code resolver} (tests give a table). */
  public JGitRepoProbe(Duration timeout, TenantAddresses.Resolver resolver) {
    this.timeout = timeout;
    this.resolver = resolver;
  }

  @Override
  public ProbeResult probe(String url, String branch, Optional<String> token) {
    return probe(url, branch, token, false);
  }

  /**
   * For a tenant, the remote must be an http(s) one on a public address: the host is resolved once,
   * every address checked, and JGit's connections go through a {@link PinnedProxy} to the addresses
   * checked. Whatever fails on the way reads the same ({@link TenantAddresses#NOT_REACHABLE}),
   * except what only a git server answers (auth, branch).
   */
  @Override
  public ProbeResult probe(String url, String branch, Optional<String> token, boolean tenant) {
    // The reconciler refuses these too; checked here again because JGit hands ssh remotes to the
    // GIT_SSH program, which would read a host like -oProxyCommand=... as an option.
    Optional<String> refused = GitRemote.refusal(url, !tenant);
    if (refused.isPresent()) {
      return ProbeResult.refused(refused.get());
    }
    if (!tenant) {
      return list(url, branch, token, null, false);
    }
    GitRemote remote = GitRemote.parse(url).orElseThrow();
    List<InetAddress> checked;
    try {
      checked = TenantAddresses.check(remote.host(), resolver);
    } catch (TenantAddresses.Refused e) {
      return e.addressRefused()
          ? ProbeResult.refused(e.getMessage())
          : ProbeResult.unreachable(e.getMessage());
    }
    try (PinnedProxy pin = PinnedProxy.open(remote.host(), remote.port(), checked)) {
      return list(url, branch, token, pin.proxy(), true);
    } catch (IOException e) {
      return ProbeResult.unreachable(TenantAddresses.NOT_REACHABLE);
    }
  }

  /** Lists the heads, through {@code pinned} when given; package-private for its test. */
  ProbeResult list(
      String url, String branch, Optional<String> token, Proxy pinned, boolean tenant) {
    LsRemoteCommand ls =
        Git.lsRemoteRepository()
            .setRemote(url)
            .setHeads(true)
            .setTimeout((int) Math.max(1, timeout.toSeconds()));
    if (pinned != null) {
      ls.setTransportConfigCallback(transport -> PinnedConnections.pin(transport, pinned));
    }
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
      if (isAuthFailure(cause)) {
        return ProbeResult.authFailed(tenant ? "not authorized" : cause);
      }
      return ProbeResult.unreachable(tenant ? TenantAddresses.NOT_REACHABLE : cause);
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
