package dev.gryt.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.agent.testing.AuthenticatedGitServer;
import dev.gryt.agent.testing.TestRepos;
import dev.gryt.crds.agent.RunAssignment;
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

  @Test
  void aTenantsCheckoutOfAnInternalAddressSendsNothingAndSaysWhy() throws Exception {
    try (Git origin = TestRepos.create(tmp.resolve("origin"));
        AuthenticatedGitServer server =
            new AuthenticatedGitServer(origin.getRepository(), "tenant-token")) {
      int port = java.net.URI.create(server.url()).getPort();
      for (String url :
          java.util.List.of(
              server.url(),
              "http://localhost:" + port + "/repo.git",
              "http://[::1]:" + port + "/repo.git",
              "http://[::ffff:127.0.0.1]:" + port + "/repo.git",
              "http://0.0.0.0:" + port + "/repo.git",
              "http://169.254.169.254/latest/meta-data")) {
        assertThatThrownBy(
                () ->
                    GitCheckout.checkout(
                        new RunAssignment.Repo(url, "main", null, "tenant-token"),
                        tmp.resolve("ws"),
                        () -> false,
                        false))
            .as(url)
            .hasMessage(
                "git_url refused: the host's address is not allowed: repositories of tenants must"
                    + " be on public addresses");
      }
      assertThat(server.users()).isEmpty();
    }
  }

  @Test
  void aTenantsCheckoutIsHeldToTheAddressCheckedWhateverTheNameResolvesToLater() throws Exception {
    try (Git origin = TestRepos.create(tmp.resolve("origin"));
        AuthenticatedGitServer server =
            new AuthenticatedGitServer(origin.getRepository(), "tenant-token")) {
      int port = java.net.URI.create(server.url()).getPort();
      // The tenant's DNS answers a public address when gryt checks, and this machine's resolver
      // answers 127.0.0.1 for the same name: a client that looked the name up again would reach
      // the server on loopback.
      GitCheckout.resolver =
          host -> new java.net.InetAddress[] {java.net.InetAddress.getByName("140.82.112.3")};
      try {
        assertThatThrownBy(
                () ->
                    GitCheckout.checkout(
                        new RunAssignment.Repo(
                            "http://localhost:" + port + "/repo.git", "main", null, "tenant-token"),
                        tmp.resolve("ws"),
                        () -> false,
                        false))
            .hasMessage(
                "checkout of http://localhost:"
                    + port
                    + "/repo.git failed: repository not reachable");
      } finally {
        GitCheckout.resolver = dev.gryt.crds.TenantAddresses.DNS;
      }
      assertThat(server.users()).isEmpty();
    }
  }

  @Test
  void aPinnedCheckoutSpeaksToTheCheckedAddressUnderTheHostsName() throws Exception {
    String token = "ghp_pinnedToken";
    try (Git origin = TestRepos.create(tmp.resolve("origin"));
        AuthenticatedGitServer server = new AuthenticatedGitServer(origin.getRepository(), token)) {
      int port = java.net.URI.create(server.url()).getPort();
      String host = "git.gryt-pinned.invalid"; // resolves nowhere: only the pin can reach it
      try (dev.gryt.crds.PinnedProxy pin =
          dev.gryt.crds.PinnedProxy.open(
              host, port, java.util.List.of(java.net.InetAddress.getLoopbackAddress()))) {
        java.net.Proxy proxy = pin.proxy();
        String sha =
            GitCheckout.fetchAndCheckout(
                new RunAssignment.Repo(
                    "http://" + host + ":" + port + "/repo.git", "main", null, token),
                tmp.resolve("ws"),
                () -> false,
                transport -> PinnedConnections.pin(transport, proxy),
                true);
        assertThat(sha).isEqualTo(origin.log().call().iterator().next().name());
      }
      assertThat(Files.readString(tmp.resolve("ws/version.txt"))).isEqualTo("one\n");
      assertThat(server.users()).contains("x-access-token");
    }
  }
}
