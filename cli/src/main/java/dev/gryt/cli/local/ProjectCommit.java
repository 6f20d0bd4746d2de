package dev.gryt.cli.local;

import dev.gryt.cli.CliException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The commit a cloud run of a project checks out: the project's git HEAD, with where it was pushed
 * ({@code origin}). Read with JGit, no git binary.
 *
 * @param gitUrl {@code origin}'s URL; a local path becomes a {@code file://} URL, as the server
 *     takes it
 * @param branch HEAD's branch, null when detached
 * @param pushed whether a branch of {@code origin} (as last fetched) contains HEAD
 * @param clean whether the working tree has no uncommitted changes
 */
public record ProjectCommit(
    String gitUrl, String branch, String sha, boolean pushed, boolean clean) {

  /** HEAD of the repository {@code projectRoot} is in; empty without one, a commit or origin. */
  public static Optional<ProjectCommit> of(Path projectRoot) {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(projectRoot.toFile());
    if (builder.getGitDir() == null) {
      return Optional.empty();
    }
    try (Repository repository = builder.build();
        RevWalk walk = new RevWalk(repository);
        Git git = new Git(repository)) {
      String origin = repository.getConfig().getString("remote", "origin", "url");
      ObjectId head = repository.resolve(Constants.HEAD);
      if (origin == null || origin.isBlank() || head == null) {
        return Optional.empty();
      }
      RevCommit commit = walk.parseCommit(head);
      boolean pushed = false;
      for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_REMOTES + "origin/")) {
        if (ref.getObjectId() != null
            && walk.isMergedInto(commit, walk.parseCommit(ref.getObjectId()))) {
          pushed = true;
          break;
        }
      }
      boolean clean = git.status().call().isClean();
      String branch =
          repository.getFullBranch() != null
                  && repository.getFullBranch().startsWith(Constants.R_HEADS)
              ? repository.getBranch()
              : null;
      return Optional.of(new ProjectCommit(url(origin), branch, head.name(), pushed, clean));
    } catch (IOException | GitAPIException e) {
      throw new CliException(
          "cannot read the git repository of " + projectRoot + ": " + e.getMessage());
    }
  }

  /** A remote URL as the server's {@code git_url} holds it: local paths as {@code file://}. */
  static String url(String origin) {
    return origin.startsWith("/") ? "file://" + origin : origin;
  }

  /** Whether {@code gitUrl} (a GitHubRepo's) names the same repository as {@code origin}. */
  static boolean sameRepository(String gitUrl, String origin) {
    return normal(gitUrl).equals(normal(origin));
  }

  private static String normal(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    if (u.endsWith(".git")) {
      u = u.substring(0, u.length() - 4);
    }
    return u;
  }

  public String shortSha() {
    return sha.substring(0, 7);
  }
}
