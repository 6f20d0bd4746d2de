package dev.gryt.operator.git;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoReason;
import dev.gryt.crds.GitHubRepoSpec;
import dev.gryt.crds.PinnedProxy;
import dev.gryt.operator.Lookup;
import dev.gryt.operator.ProbeResult;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.probe.GitHubRepoProber;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JGit probe against real git repositories on disk ({@code file://}), a closed port, and a real
 * HTTP server that refuses every request with 401.
 */
class JGitRepoProbeIT {
  static final String TOKEN = "ghp_n0tARealT0kenButSecret";

  @TempDir Path dir;
  final JGitRepoProbe probe = new JGitRepoProbe();
  HttpServer server;
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startRefusingServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(auth == null ? "none" : auth);
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void aLocalRepositorysBranchIsReachableAtItsHead() throws Exception {
    RevCommit head = commitTo(dir.resolve("app"), "main");
    ProbeResult result = probe.probe(url(dir.resolve("app")), "main", Optional.empty());
    assertThat(result).isEqualTo(ProbeResult.reachable(head.name()));
  }

  @Test
  void aMissingBranchIsBranchNotFound() throws Exception {
    commitTo(dir.resolve("app"), "main");
    ProbeResult result = probe.probe(url(dir.resolve("app")), "develop", Optional.empty());
    assertThat(result.kind()).isEqualTo(ProbeResult.Kind.BRANCH_NOT_FOUND);
    assertThat(result.detail()).contains("develop");
  }

  @Test
  void aMissingPathIsUnreachable() {
    ProbeResult result = probe.probe(url(dir.resolve("nothing-here")), "main", Optional.empty());
    assertThat(result.kind()).isEqualTo(ProbeResult.Kind.UNREACHABLE);
    assertThat(result.detail()).isNotBlank().doesNotContain("\n");
  }

  @Test
  void aClosedPortIsUnreachable() {
    ProbeResult result = probe.probe("http://127.0.0.1:1/x.git", "main", Optional.of(TOKEN));
    assertThat(result.kind()).isEqualTo(ProbeResult.Kind.UNREACHABLE);
    assertThat(result.detail()).containsIgnoringCase("refused").doesNotContain(TOKEN);
  }

  @Test
  void aHostThatDoesNotResolveIsUnreachable() {
    ProbeResult result = probe.probe("https://git.example.invalid/x.git", "main", Optional.empty());
    assertThat(result.kind()).isEqualTo(ProbeResult.Kind.UNREACHABLE);
    assertThat(result.detail()).contains("git.example.invalid");
  }

  @Test
  void aRefusedTokenIsAuthFailedAndNotRepeated() {
    ProbeResult result = probe.probe(serverUrl(), "main", Optional.of(TOKEN));
    assertThat(result.kind()).isEqualTo(ProbeResult.Kind.AUTH_FAILED);
    assertThat(result.detail()).doesNotContain(TOKEN);
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    assertThat(authorizations).contains(basic);
  }

  @Test
  void noTokenWhereOneIsNeededIsAuthFailed() {
    ProbeResult result = probe.probe(serverUrl(), "main", Optional.empty());
    assertThat(result.kind()).isEqualTo(ProbeResult.Kind.AUTH_FAILED);
  }

  @Test
  void aTenantsProbeOfAnInternalAddressSendsNothingAndReadsTheSameOpenOrClosed() {
    int open = server.getAddress().getPort();
    ProbeResult toOpen =
        probe.probe("http://127.0.0.1:" + open + "/r.git", "main", Optional.of(TOKEN), true);
    ProbeResult toClosed =
        probe.probe("http://127.0.0.1:1/r.git", "main", Optional.of(TOKEN), true);
    assertThat(toOpen)
        .isEqualTo(toClosed)
        .isEqualTo(
            ProbeResult.refused(
                "the host's address is not allowed: repositories of tenants must be on public"
                    + " addresses"));
    for (String url :
        List.of(
            "http://localhost:" + open + "/r.git",
            "http://[::1]:" + open + "/r.git",
            "http://[::ffff:127.0.0.1]:" + open + "/r.git",
            "http://0.0.0.0:" + open + "/r.git",
            "http://169.254.169.254/latest/meta-data/",
            "https://10.0.0.5:5432/r.git")) {
      assertThat(probe.probe(url, "main", Optional.of(TOKEN), true)).as(url).isEqualTo(toOpen);
    }
    assertThat(authorizations).isEmpty();
  }

  @Test
  void aTenantsProbeIsHeldToTheAddressCheckedWhateverTheNameResolvesToLater() {
    // The tenant's DNS answers a public address when gryt checks; this machine's resolver answers
    // 127.0.0.1 for the same name, where the listener waits.
    JGitRepoProbe rebinding =
        new JGitRepoProbe(
            Duration.ofSeconds(5),
            host -> new InetAddress[] {InetAddress.getByName("140.82.112.3")});
    ProbeResult result =
        rebinding.probe(
            "http://localhost:" + server.getAddress().getPort() + "/r.git",
            "main",
            Optional.of(TOKEN),
            true);
    assertThat(result).isEqualTo(ProbeResult.unreachable("repository not reachable"));
    assertThat(authorizations).isEmpty();
  }

  @Test
  void aPinnedProbeSpeaksToTheCheckedAddressUnderTheHostsName() throws Exception {
    String host = "git.gryt-pinned.invalid"; // resolves nowhere: only the pin reaches it
    int port = server.getAddress().getPort();
    JGitRepoProbe pinned =
        new JGitRepoProbe(
            Duration.ofSeconds(5), h -> new InetAddress[] {InetAddress.getByName("140.82.112.3")});
    try (PinnedProxy pin =
        PinnedProxy.open(host, port, List.of(InetAddress.getLoopbackAddress()))) {
      ProbeResult result =
          pinned.list(
              "http://" + host + ":" + port + "/r.git",
              "main",
              Optional.of(TOKEN),
              pin.proxy(),
              true);
      assertThat(result).isEqualTo(ProbeResult.authFailed("not authorized"));
    }
    assertThat(authorizations)
        .contains(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aTenantsLocalRemoteIsRefusedByTheProbeToo() throws Exception {
    commitTo(dir.resolve("app"), "main");
    ProbeResult result = probe.probe(url(dir.resolve("app")), "main", Optional.empty(), true);
    assertThat(result.kind()).isEqualTo(ProbeResult.Kind.REFUSED);
  }

  @Test
  void theReconcilerReportsAuthFailedWithoutTheToken() {
    GitHubRepoProber reconciler =
        new GitHubRepoProber(
            probe,
            new RepoTokens(
                Map.of("GH_TOKEN", TOKEN)::get,
                RepoTokens.NO_SECRETS,
                java.util.Set.of("GH_TOKEN")));
    GitHubRepo repo = repo(serverUrl());
    repo.getSpec().tokenEnv = "GH_TOKEN";
    Condition ready =
        reconciler
            .reconcile(repo, NO_LOOKUP, Instant.parse("2026-01-01T00:00:00Z"))
            .status()
            .condition(Condition.READY)
            .orElseThrow();
    assertThat(ready.status).isEqualTo("False");
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.AUTH_FAILED.value());
    assertThat(ready.message).startsWith("the token was refused: ").doesNotContain(TOKEN);
  }

  String serverUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/org/app.git";
  }

  /** A repository with one commit on {@code branch}. */
  static RevCommit commitTo(Path repo, String branch) throws Exception {
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch(branch).call()) {
      Files.writeString(repo.resolve("README.md"), "hello\n");
      git.add().addFilepattern("README.md").call();
      PersonIdent me = new PersonIdent("gryt test", "test@gryt.dev");
      return git.commit().setMessage("first").setAuthor(me).setCommitter(me).setSign(false).call();
    }
  }

  static String url(Path repo) {
    return repo.toUri().toString().replaceFirst("^file:/+", "file:///");
  }

  static GitHubRepo repo(String url) {
    GitHubRepo r = new GitHubRepo();
    r.setMetadata(
        new ObjectMetaBuilder().withName("r").withNamespace("default").withGeneration(1L).build());
    r.setSpec(new GitHubRepoSpec());
    r.getSpec().gitUrl = url;
    return r;
  }

  static final Lookup NO_LOOKUP =
      new Lookup() {
        @Override
        public <R extends dev.gryt.crds.GrytResource<?, ?>> Optional<R> get(
            Class<R> type, String namespace, String name) {
          return Optional.empty();
        }

        @Override
        public <R extends dev.gryt.crds.GrytResource<?, ?>> List<R> list(
            Class<R> type, String namespace) {
          return List.of();
        }
      };
}
