package dev.gryt.agent.run;

import dev.gryt.crds.GitRemote;
import dev.gryt.crds.PinnedProxy;
import dev.gryt.crds.TenantAddresses;
import dev.gryt.crds.agent.RunAssignment;
import java.net.InetAddress;
import java.net.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.EmptyProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Checks a repository out into an empty directory with JGit: the commit {@code sha} when given,
 * else the tip of {@code ref} (a branch name, a tag or a full ref name). Fetches depth 1 where the
 * transport allows it and falls back to a full fetch where it does not (a server that refuses to
 * serve an unadvertised commit by id). The token, when given, goes to the transport as the password
 * only; it never appears in what this class returns or throws.
 */
public final class GitCheckout {
  /** Why a checkout failed, already masked. */
  public static final class CheckoutException extends Exception {
    CheckoutException(String message) {
      super(message);
    }
  }

  private GitCheckout() {}

  /**
   * Checks out {@code repo} into {@code dir} (made if missing, must be empty) and returns the
   * commit id checked out.
   *
   * @param cancelled polled during the fetch; true stops it
   * @param fromAdmin whether the run is the admin's: only then may the remote be local
   */
  public static String checkout(
      RunAssignment.Repo repo, Path dir, BooleanSupplier cancelled, boolean fromAdmin)
      throws CheckoutException {
    // The server refuses these before a run is placed; checked again here, whoever sent the run:
    // JGit hands ssh remotes to the GIT_SSH program, which would read a host like
    // -oProxyCommand=... as an option, and a tenant's file:// would read this machine's disk.
    Optional<String> refused = GitRemote.refusal(repo.gitUrl(), fromAdmin);
    if (refused.isPresent()) {
      throw new CheckoutException("git_url refused: " + refused.get());
    }
    if (fromAdmin) {
      return fetchAndCheckout(repo, dir, cancelled, null, false);
    }
    // A tenant's remote: https/http on public addresses only, resolved once, every address checked,
    // and every connection held to the addresses checked (no DNS rebinding).
    GitRemote remote = GitRemote.parse(repo.gitUrl()).orElseThrow();
    List<InetAddress> checked;
    try {
      checked = TenantAddresses.check(remote.host(), resolver);
    } catch (TenantAddresses.Refused e) {
      throw new CheckoutException(
          e.addressRefused()
              ? "git_url refused: " + e.getMessage()
              : "checkout of " + safeUrl(repo.gitUrl()) + " failed: " + e.getMessage());
    }
    try (PinnedProxy pin = PinnedProxy.open(remote.host(), remote.port(), checked)) {
      Proxy proxy = pin.proxy();
      return fetchAndCheckout(
          repo, dir, cancelled, transport -> PinnedConnections.pin(transport, proxy), true);
    } catch (java.io.IOException e) {
      throw new CheckoutException(
          "checkout of " + safeUrl(repo.gitUrl()) + " failed: " + TenantAddresses.NOT_REACHABLE);
    }
  }

  /** How tenants' hosts are resolved: DNS; tests set a table. */
  static volatile TenantAddresses.Resolver resolver = TenantAddresses.DNS;

  static String fetchAndCheckout(
      RunAssignment.Repo repo,
      Path dir,
      BooleanSupplier cancelled,
      TransportConfigCallback pin,
      boolean tenant)
      throws CheckoutException {
    CredentialsProvider credentials =
        repo.token() == null || repo.token().isBlank()
            ? null
            : new UsernamePasswordCredentialsProvider("x-access-token", repo.token());
    ProgressMonitor monitor =
        new EmptyProgressMonitor() {
          @Override
          public boolean isCancelled() {
            return cancelled.getAsBoolean();
          }
        };
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("gryt").call()) {
      git.remoteAdd()
          .setName("origin")
          .setUri(new org.eclipse.jgit.transport.URIish(repo.gitUrl()))
          .call();
      ObjectId commit;
      if (repo.sha() != null && !repo.sha().isBlank()) {
        commit = fetchCommit(git, repo, credentials, pin, monitor);
      } else {
        commit = fetchRef(git, repo.ref(), credentials, pin, monitor);
      }
      git.checkout().setName(commit.name()).call();
      return commit.name();
    } catch (GitAPIException
        | java.net.URISyntaxException
        | java.io.IOException
        | RuntimeException e) {
      if (cancelled.getAsBoolean()) {
        throw new CheckoutException("checkout cancelled");
      }
      // A tenant reads what a git server answered (auth), never how a connection failed.
      String why = message(e);
      if (tenant && !isAuthFailure(why)) {
        why = TenantAddresses.NOT_REACHABLE;
      }
      throw new CheckoutException(
          mask("checkout of " + safeUrl(repo.gitUrl()) + " failed: " + why, repo.token()));
    }
  }

  private static boolean isAuthFailure(String message) {
    String lower = message.toLowerCase(java.util.Locale.ROOT);
    return lower.contains("not authorized") || lower.contains("authentication is required");
  }

  private static ObjectId fetchCommit(
      Git git,
      RunAssignment.Repo repo,
      CredentialsProvider credentials,
      TransportConfigCallback pin,
      ProgressMonitor monitor)
      throws GitAPIException, java.io.IOException, CheckoutException {
    ObjectId wanted = ObjectId.fromString(repo.sha().toLowerCase(java.util.Locale.ROOT));
    String ref = repo.ref() == null || repo.ref().isBlank() ? null : repo.ref();
    if (ref != null) {
      // usually the commit is the branch's tip (a push just happened): one shallow fetch
      try {
        if (fetchRef(git, ref, credentials, pin, monitor).equals(wanted)) {
          return wanted;
        }
      } catch (CheckoutException | GitAPIException e) {
        // the branch is gone or renamed: the commit may still be there
      }
    }
    try {
      fetch(
          git,
          credentials,
          pin,
          monitor,
          new RefSpec(wanted.name() + ":refs/gryt/checkout"),
          1,
          false);
    } catch (GitAPIException | RuntimeException e) {
      // the server will not hand out a commit by id: fetch whole branches and look for it there
      fetch(
          git,
          credentials,
          pin,
          monitor,
          new RefSpec("+refs/heads/*:refs/remotes/origin/*"),
          0,
          true);
    }
    if (!has(git, wanted)) {
      throw new CheckoutException(
          mask(
              "checkout of "
                  + safeUrl(repo.gitUrl())
                  + " failed: commit "
                  + wanted.name()
                  + " not found",
              repo.token()));
    }
    return wanted;
  }

  private static ObjectId fetchRef(
      Git git,
      String ref,
      CredentialsProvider credentials,
      TransportConfigCallback pin,
      ProgressMonitor monitor)
      throws GitAPIException, CheckoutException {
    FetchResult result = fetch(git, credentials, pin, monitor, refSpec(ref), 1, false);
    Ref fetched = result.getAdvertisedRef(fullName(ref));
    if (fetched == null) {
      fetched = result.getAdvertisedRef(Constants.R_TAGS + ref);
    }
    if (fetched == null) {
      throw new CheckoutException("no branch or ref named '" + ref + "' in the repository");
    }
    ObjectId id =
        fetched.getPeeledObjectId() != null ? fetched.getPeeledObjectId() : fetched.getObjectId();
    return id;
  }

  private static FetchResult fetch(
      Git git,
      CredentialsProvider credentials,
      TransportConfigCallback pin,
      ProgressMonitor monitor,
      RefSpec spec,
      int depth,
      boolean unshallow)
      throws GitAPIException {
    FetchCommand fetch =
        git.fetch()
            .setRemote("origin")
            .setRefSpecs(spec)
            .setProgressMonitor(monitor)
            .setTagOpt(org.eclipse.jgit.transport.TagOpt.NO_TAGS);
    if (depth > 0) {
      fetch.setDepth(depth);
    }
    if (unshallow) {
      fetch.setUnshallow(true);
    }
    if (credentials != null) {
      fetch.setCredentialsProvider(credentials);
    }
    if (pin != null) {
      fetch.setTransportConfigCallback(pin);
    }
    return fetch.call();
  }

  private static RefSpec refSpec(String ref) {
    if (ref.startsWith(Constants.R_REFS)) {
      return new RefSpec("+" + ref + ":refs/gryt/checkout");
    }
    // a short name: the branch if there is one; a tag is tried when the branch is not advertised
    return new RefSpec("+" + Constants.R_HEADS + ref + ":refs/gryt/checkout");
  }

  private static String fullName(String ref) {
    return ref.startsWith(Constants.R_REFS) ? ref : Constants.R_HEADS + ref;
  }

  private static boolean has(Git git, ObjectId id) {
    try (RevWalk walk = new RevWalk(git.getRepository())) {
      RevCommit commit = walk.parseCommit(id);
      return commit != null;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String message(Throwable e) {
    // the innermost message says what went wrong (auth, not found...), the outer ones only where
    String message = e.getMessage();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
  }

  /** The URL without any user:password@ part. */
  static String safeUrl(String url) {
    return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
  }

  static String mask(String text, String secret) {
    return secret == null || secret.isBlank() ? text : text.replace(secret, "***");
  }
}
