package dev.gryt.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.agent.testing.AuthenticatedGitServer;
import dev.gryt.agent.testing.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCheckoutIT {
  @TempDir Path tmp;

  @Test
  void checksOutTheBranchTip() throws Exception {
    try (Git origin = TestRepos.create(tmp.resolve("origin"))) {
      RevCommit second = TestRepos.commit(origin, "version.txt", "two\n", "second");
      Path ws = tmp.resolve("ws");
      String sha =
          GitCheckout.checkout(
              new RunAssignment.Repo(TestRepos.url(origin), "main", null, null),
              ws,
              () -> false,
              true);
      assertThat(sha).isEqualTo(second.name());
      assertThat(Files.readString(ws.resolve("version.txt"))).isEqualTo("two\n");
      // depth 1: only the tip came over
      try (Git clone = Git.open(ws.toFile())) {
        assertThat(clone.log().call()).hasSize(1);
      }
    }
  }

  @Test
  void checksOutTheShaEvenWhenTheBranchMovedOn() throws Exception {
    try (Git origin = TestRepos.create(tmp.resolve("origin"))) {
      RevCommit first = origin.log().call().iterator().next();
      TestRepos.commit(origin, "version.txt", "two\n", "second");
      Path ws = tmp.resolve("ws");
      String sha =
          GitCheckout.checkout(
              new RunAssignment.Repo(TestRepos.url(origin), "main", first.name(), null),
              ws,
              () -> false,
              true);
      assertThat(sha).isEqualTo(first.name());
      assertThat(Files.readString(ws.resolve("version.txt"))).isEqualTo("one\n");
    }
  }

  @Test
  void checksOutAnotherBranch() throws Exception {
    try (Git origin = TestRepos.create(tmp.resolve("origin"))) {
      origin.checkout().setCreateBranch(true).setName("feature").call();
      RevCommit feature = TestRepos.commit(origin, "version.txt", "feature\n", "on feature");
      Path ws = tmp.resolve("ws");
      String sha =
          GitCheckout.checkout(
              new RunAssignment.Repo(TestRepos.url(origin), "feature", null, null),
              ws,
              () -> false,
              true);
      assertThat(sha).isEqualTo(feature.name());
      assertThat(Files.readString(ws.resolve("version.txt"))).isEqualTo("feature\n");
    }
  }

  @Test
  void unknownBranchOrShaFailsSaying() throws Exception {
    try (Git origin = TestRepos.create(tmp.resolve("origin"))) {
      assertThatThrownBy(
              () ->
                  GitCheckout.checkout(
                      new RunAssignment.Repo(TestRepos.url(origin), "nope", null, null),
                      tmp.resolve("ws1"),
                      () -> false,
                      true))
          .hasMessageContaining("nope");
      assertThatThrownBy(
              () ->
                  GitCheckout.checkout(
                      new RunAssignment.Repo(TestRepos.url(origin), "main", "a".repeat(40), null),
                      tmp.resolve("ws2"),
                      () -> false,
                      true))
          .hasMessageContaining("a".repeat(40));
    }
  }

  @Test
  void aPrivateRepositoryNeedsTheToken() throws Exception {
    String token = "ghp_privateRepoToken77";
    try (Git origin = TestRepos.create(tmp.resolve("origin"));
        AuthenticatedGitServer server = new AuthenticatedGitServer(origin.getRepository(), token)) {
      RevCommit head = origin.log().call().iterator().next();
      String sha =
          GitCheckout.checkout(
              new RunAssignment.Repo(server.url(), "main", head.name(), token),
              tmp.resolve("ws"),
              () -> false,
              true);
      assertThat(sha).isEqualTo(head.name());
      assertThat(Files.readString(tmp.resolve("ws/version.txt"))).isEqualTo("one\n");
      assertThat(server.users()).contains("x-access-token");

      assertThatThrownBy(
              () ->
                  GitCheckout.checkout(
                      new RunAssignment.Repo(server.url(), "main", null, "wrong-token"),
                      tmp.resolve("ws2"),
                      () -> false,
                      true))
          .isInstanceOf(GitCheckout.CheckoutException.class)
          .message()
          .contains(server.url())
          .doesNotContain("wrong-token");
      assertThatThrownBy(
              () ->
                  GitCheckout.checkout(
                      new RunAssignment.Repo(server.url(), "main", null, null),
                      tmp.resolve("ws3"),
                      () -> false,
                      true))
          .isInstanceOf(GitCheckout.CheckoutException.class);
    }
  }

  @Test
  void theTokenNeverShowsInAFailure() {
    String token = "ghp_SuperSecretToken123";
    assertThatThrownBy(
            () ->
                GitCheckout.checkout(
                    new RunAssignment.Repo(
                        "file:///nonexistent/" + token + "/repo.git", "main", null, token),
                    tmp.resolve("ws"),
                    () -> false,
                    true))
        .isInstanceOf(GitCheckout.CheckoutException.class)
        .message()
        .doesNotContain(token)
        .contains("***");
  }

  @Test
  void anSshHostThatReadsAsAnOptionIsNeverHandedToGit() {
    Path marker = tmp.resolve("pwned");
    // even for the admin
    assertThatThrownBy(
            () ->
                GitCheckout.checkout(
                    new RunAssignment.Repo(
                        "ssh://-oProxyCommand=touch%20" + marker + "/r.git", "main", null, null),
                    tmp.resolve("ws"),
                    () -> false,
                    true))
        .isInstanceOf(GitCheckout.CheckoutException.class)
        .hasMessage("git_url refused: the host must not start with '-'");
    assertThat(marker).doesNotExist();
  }

  @Test
  void aTenantsRunNeverReadsALocalRepository() throws Exception {
    try (Git origin = TestRepos.create(tmp.resolve("origin"))) {
      for (String url :
          java.util.List.of(
              TestRepos.url(origin),
              origin.getRepository().getDirectory().toString(),
              "ext::sh -c cat% /etc/passwd")) {
        Path ws = tmp.resolve("ws-" + Math.abs(url.hashCode()));
        assertThatThrownBy(
                () ->
                    GitCheckout.checkout(
                        new RunAssignment.Repo(url, "main", null, null), ws, () -> false, false))
            .isInstanceOf(GitCheckout.CheckoutException.class)
            .hasMessage(
                "git_url refused: local repositories and remote helpers (file://, paths, ext::)"
                    + " are for the admin's namespaces only");
        assertThat(ws).doesNotExist();
      }
    }
  }
}
