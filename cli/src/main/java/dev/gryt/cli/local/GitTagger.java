package dev.gryt.cli.local;

import dev.gryt.cli.CliException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.TimeZone;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Makes the annotated git tag of a promoted generation, with JGit (no git binary needed). */
public final class GitTagger {
  private GitTagger() {}

  /** {@code name <email>} from the repository's git config, or null. */
  public static String gitUser(Path projectRoot) {
    try (Repository repository = find(projectRoot)) {
      if (repository == null) {
        return null;
      }
      String name = repository.getConfig().getString("user", null, "name");
      String email = repository.getConfig().getString("user", null, "email");
      if (name == null) {
        return null;
      }
      return email == null ? name : name + " <" + email + ">";
    }
  }

  /**
   * Creates the annotated tag {@code tag} on HEAD.
   *
   * @throws CliException when there is no repository, no commit, or the tag exists
   */
  public static void tag(Path projectRoot, String tag, String message, String who, Instant when) {
    try (Repository repository = find(projectRoot)) {
      if (repository == null) {
        throw new CliException(
            projectRoot
                + " is not in a git repository, so the tag "
                + tag
                + " cannot be made;"
                + " promote without it: --no-tag (or run git init and commit first)");
      }
      if (repository.resolve("HEAD") == null) {
        throw new CliException(
            "the git repository has no commit to tag "
                + tag
                + "; commit first, or promote with --no-tag");
      }
      if (repository.findRef("refs/tags/" + tag) != null) {
        throw new CliException(
            "git tag "
                + tag
                + " already exists; delete it (git tag -d "
                + tag
                + ") or promote with --no-tag");
      }
      String name = who;
      String email = "";
      int lt = who.indexOf('<');
      if (lt > 0 && who.endsWith(">")) {
        name = who.substring(0, lt).strip();
        email = who.substring(lt + 1, who.length() - 1);
      }
      try (Git git = new Git(repository)) {
        git.tag()
            .setName(tag)
            .setAnnotated(true)
            .setMessage(message)
            .setTagger(
                new PersonIdent(
                    name, email, java.util.Date.from(when), TimeZone.getTimeZone("UTC")))
            .call();
      }
    } catch (GitAPIException | IOException e) {
      throw new CliException(
          "cannot create git tag " + tag + ": " + e.getMessage() + " (or promote with --no-tag)",
          e);
    }
  }

  private static Repository find(Path projectRoot) {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(projectRoot.toFile());
    if (builder.getGitDir() == null) {
      return null;
    }
    try {
      return builder.setMustExist(true).build();
    } catch (IOException e) {
      return null;
    }
  }
}
