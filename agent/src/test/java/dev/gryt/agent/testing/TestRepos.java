package dev.gryt.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;

/** Local git repositories made with JGit, cloned over file:// URLs by the tests. */
public final class TestRepos {
  private TestRepos() {}

  /** A repository on branch main with one commit holding {@code version.txt = version}. */
  public static Git create(Path dir) throws Exception {
    Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
    commit(git, "version.txt", "one\n", "first");
    return git;
  }

  public static RevCommit commit(Git git, String file, String content, String message)
      throws Exception {
    Path path = git.getRepository().getWorkTree().toPath().resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content);
    git.add().addFilepattern(file).call();
    return git.commit()
        .setMessage(message)
        .setAuthor("gryt test", "test@gryt.dev")
        .setCommitter("gryt test", "test@gryt.dev")
        .setSign(false)
        .call();
  }

  public static String url(Git git) {
    return git.getRepository().getWorkTree().toPath().toUri().toString();
  }
}
