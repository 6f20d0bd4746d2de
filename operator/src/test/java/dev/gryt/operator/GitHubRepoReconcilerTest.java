package dev.gryt.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.crds.Condition;
import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GitHubRepoReason;
import dev.gryt.crds.GitHubRepoStatus;
import dev.gryt.crds.ResourceKey;
import dev.gryt.operator.probe.GitHubRepoProber;
import dev.gryt.operator.probe.ProbeExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The GitHubRepo decision as the drivers run it, through {@link GitHubRepoProber} with a fake
 * {@link RepoProbe} (the real one is I/O, tested in {@code JGitRepoProbeIT}): which answer means
 * which condition, and when the network is asked again; then the pure {@link GitHubRepoReconciler}
 * alone, given the answer.
 */
class GitHubRepoReconcilerTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String SHA = "89abcdef0123456789abcdef0123456789abcdef";
  static final String TOKEN = "ghp_s3cr3tT0k3nValue";

  final List<String> probes = new ArrayList<>();
  final List<Optional<String>> tokensSeen = new ArrayList<>();
  ProbeResult answer = ProbeResult.reachable(SHA);

  final RepoProbe fake =
      (url, branch, token) -> {
        probes.add(url + "@" + branch);
        tokensSeen.add(token);
        return answer;
      };
  final GitHubRepoProber reconciler =
      new GitHubRepoProber(
          fake,
          new RepoTokens(
              Map.of("GH_TOKEN", TOKEN, "OTHER", "other-value")::get,
              RepoTokens.NO_SECRETS,
              java.util.Set.of("GH_TOKEN", "NOT_SET")));
  final ReconcilersTest.MapLookup lookup = new ReconcilersTest.MapLookup();

  @Test
  void aReachableBranchIsReadyAndNamesTheHeadsShortSha() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    Outcome<GitHubRepoStatus> outcome = reconciler.reconcile(repo, lookup, T0);
    Condition ready = ReconcilersTest.readyOf(outcome.status());
    assertThat(ready.status).isEqualTo("True");
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.REACHABLE.value());
    assertThat(ready.message).isEqualTo("branch main is at 89abcde");
    assertThat(probes).containsExactly("https://github.com/a/b@main");
    assertThat(outcome.requeueAfter()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void anInvalidUrlIsNotProbed() {
    Condition ready =
        ReconcilersTest.readyOf(
            reconciler.reconcile(ReconcilersTest.repo("r", "not a url"), lookup, T0).status());
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.INVALID_SPEC.value());
    assertThat(probes).isEmpty();
  }

  @Test
  void anSshHostOrUserThatReadsAsAnOptionIsNotProbed() {
    for (String url :
        List.of("ssh://-oProxyCommand=touch%20x/r.git", "ssh://-oProxyCommand=x@host/r.git")) {
      Condition ready =
          ReconcilersTest.readyOf(
              reconciler.reconcile(ReconcilersTest.repo("r", url), lookup, T0).status());
      assertThat(ready.reason).isEqualTo(GitHubRepoReason.INVALID_SPEC.value());
      assertThat(ready.message)
          .startsWith("spec.git_url: the ")
          .contains("must not start with '-'");
    }
    assertThat(probes).isEmpty();
  }

  @Test
  void aTenantsLocalOrSshRemoteIsRefusedWithoutAProbeTheAdminsIsProbed() {
    for (String url :
        List.of("file:///srv/gryt/.git", "ssh://git@github.com/a/b", "git@github.com:a/b")) {
      GitHubRepo repo = ReconcilersTest.repo("r", url);
      repo.getMetadata().setNamespace("t1a2b3c4d-default");
      Condition ready = ReconcilersTest.readyOf(reconciler.reconcile(repo, lookup, T0).status());
      assertThat(ready.status).isEqualTo("False");
      assertThat(ready.reason).isEqualTo(GitHubRepoReason.URL_REFUSED.value());
      assertThat(ready.message).startsWith("spec.git_url: ");
    }
    assertThat(probes).isEmpty();
    reconciler.reconcile(ReconcilersTest.repo("admins", "file:///tmp/gryt-hello.git"), lookup, T0);
    assertThat(probes).containsExactly("file:///tmp/gryt-hello.git@main");
  }

  @Test
  void aTenantsRepoIsProbedAsATenantsAndARefusalIsUrlRefused() {
    List<Boolean> asTenant = new ArrayList<>();
    RepoProbe probe =
        new RepoProbe() {
          @Override
          public ProbeResult probe(String url, String branch, Optional<String> token) {
            throw new AssertionError("the tenant flag must be passed");
          }

          @Override
          public ProbeResult probe(
              String url, String branch, Optional<String> token, boolean tenant) {
            asTenant.add(tenant);
            return tenant ? ProbeResult.refused("the host's address is not allowed") : answer;
          }
        };
    GitHubRepoProber r = new GitHubRepoProber(probe, RepoTokens.standalone());
    GitHubRepo tenants = ReconcilersTest.repo("r", "http://127.0.0.1:5432/x.git");
    tenants.getMetadata().setNamespace("t1a2b3c4d-default");
    Condition ready = ReconcilersTest.readyOf(r.reconcile(tenants, lookup, T0).status());
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.URL_REFUSED.value());
    assertThat(ready.message).isEqualTo("spec.git_url: the host's address is not allowed");
    r.reconcile(ReconcilersTest.repo("admins", "http://127.0.0.1:5432/x.git"), lookup, T0);
    assertThat(asTenant).containsExactly(true, false);
  }

  @Test
  void theAnswerIsReusedUntilStaleThenAskedAgain() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    repo.setStatus(reconciler.reconcile(repo, lookup, T0).status());

    Outcome<GitHubRepoStatus> again = reconciler.reconcile(repo, lookup, T0.plusSeconds(240));
    assertThat(probes).hasSize(1);
    assertThat(again.requeueAfter()).isEqualTo(Duration.ofMinutes(6));
    assertThat(again.status().conditions).isEqualTo(repo.getStatus().conditions);

    answer = ProbeResult.unreachable("connection refused");
    Condition later =
        ReconcilersTest.readyOf(
            reconciler.reconcile(repo, lookup, T0.plus(Duration.ofMinutes(10))).status());
    assertThat(probes).hasSize(2);
    assertThat(later.reason).isEqualTo(GitHubRepoReason.UNREACHABLE.value());
    assertThat(later.message).isEqualTo("cannot list https://github.com/a/b: connection refused");
    assertThat(later.lastTransitionTime).isEqualTo(T0.plus(Duration.ofMinutes(10)).toString());
  }

  @Test
  void aNewGenerationIsProbedAtOnce() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    reconciler.reconcile(repo, lookup, T0);
    repo.getSpec().branch = "release";
    repo.getMetadata().setGeneration(2L);
    answer = ProbeResult.branchNotFound("no branch release (3 branches found)");
    Condition ready =
        ReconcilersTest.readyOf(reconciler.reconcile(repo, lookup, T0.plusSeconds(1)).status());
    assertThat(probes)
        .containsExactly("https://github.com/a/b@main", "https://github.com/a/b@release");
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.BRANCH_NOT_FOUND.value());
    assertThat(ready.message).contains("release");
  }

  @Test
  void theTokenComesFromTheEnvironmentAndIsNeverInTheStatus() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    repo.getSpec().tokenEnv = "GH_TOKEN";
    answer = ProbeResult.authFailed("not authorized");
    Condition ready = ReconcilersTest.readyOf(reconciler.reconcile(repo, lookup, T0).status());
    assertThat(tokensSeen).containsExactly(Optional.of(TOKEN));
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.AUTH_FAILED.value());
    assertThat(ready.message).isEqualTo("the token was refused: not authorized");
    assertThat(ready.message).doesNotContain(TOKEN);
  }

  @Test
  void aVariableTheAdminDidNotAllowIsNeverReadNorSent() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    repo.getSpec().tokenEnv = "OTHER";
    Condition ready = ReconcilersTest.readyOf(reconciler.reconcile(repo, lookup, T0).status());
    assertThat(ready.status).isEqualTo("False");
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.TOKEN_ENV_NOT_ALLOWED.value());
    assertThat(ready.message)
        .isEqualTo(
            "token_env OTHER is not allowed: the admin allows a variable with gryt server"
                + " --repo-token-env OTHER");
    assertThat(probes).isEmpty();
  }

  @Test
  void aTenantNeverReadsTheServersEnvironmentEvenAnAllowedVariable() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    repo.getMetadata().setNamespace("t1a2b3c4d-default");
    repo.getSpec().tokenEnv = "GH_TOKEN";
    Condition ready = ReconcilersTest.readyOf(reconciler.reconcile(repo, lookup, T0).status());
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.TOKEN_ENV_NOT_ALLOWED.value());
    assertThat(ready.message).doesNotContain(TOKEN).contains("access_token");
    assertThat(probes).isEmpty();
  }

  @Test
  void anInlineTokenIsUsed() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    repo.getSpec().accessToken = TOKEN;
    reconciler.reconcile(repo, lookup, T0);
    assertThat(tokensSeen).containsExactly(Optional.of(TOKEN));
  }

  @Test
  void withoutATokenAnAuthFailureSaysWhichFieldsCouldHoldOne() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    answer = ProbeResult.authFailed("Authentication is required");
    Condition ready = ReconcilersTest.readyOf(reconciler.reconcile(repo, lookup, T0).status());
    assertThat(tokensSeen).containsExactly(Optional.empty());
    assertThat(ready.message).contains("token_env, token_secret or access_token");
  }

  @Test
  void aTokenThatCannotBeReadIsNotProbed() {
    GitHubRepo unset = ReconcilersTest.repo("unset", "https://github.com/a/b");
    unset.getSpec().tokenEnv = "NOT_SET";
    Condition env = ReconcilersTest.readyOf(reconciler.reconcile(unset, lookup, T0).status());
    assertThat(env.reason).isEqualTo(GitHubRepoReason.TOKEN_UNAVAILABLE.value());
    assertThat(env.message).isEqualTo("token_env NOT_SET is not set in the server's environment");

    GitHubRepo secret = ReconcilersTest.repo("secret", "https://github.com/a/b");
    secret.getSpec().tokenSecret = "gh";
    Condition standalone =
        ReconcilersTest.readyOf(reconciler.reconcile(secret, lookup, T0).status());
    assertThat(standalone.reason).isEqualTo(GitHubRepoReason.TOKEN_UNAVAILABLE.value());
    assertThat(standalone.message).contains("token_secret gh", "standalone server cannot read");
    assertThat(probes).isEmpty();
  }

  @Test
  void offTheReconcilingThreadTheStatusStaysUntilTheAnswerIsInThenTheRepoIsRequeued() {
    List<Runnable> tasks = new ArrayList<>();
    List<ResourceKey> requeued = new ArrayList<>();
    GitHubRepoProber async =
        new GitHubRepoProber(
                ProbeExecutor.on(fake, tasks::add),
                RepoTokens.standalone(),
                GitHubRepoReconciler.DEFAULT_PROBE_INTERVAL)
            .whenAnswered(requeued::add);
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");

    Outcome<GitHubRepoStatus> waiting = async.reconcile(repo, lookup, T0);
    assertThat(waiting.status()).isNull();
    assertThat(waiting.requeueAfter()).as("the listener brings it back").isNull();
    async.reconcile(repo, lookup, T0.plusMillis(10));
    assertThat(tasks).hasSize(1);
    assertThat(requeued).isEmpty();

    tasks.remove(0).run();
    assertThat(requeued).containsExactly(ResourceKey.of(repo));
    Condition ready =
        ReconcilersTest.readyOf(async.reconcile(repo, lookup, T0.plusMillis(20)).status());
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.REACHABLE.value());
    assertThat(probes).hasSize(1);
  }

  @Test
  void reposAskingTheSameQuestionShareOneProbeWhileItIsInFlight() {
    List<Runnable> tasks = new ArrayList<>();
    List<ResourceKey> requeued = new ArrayList<>();
    GitHubRepoProber async =
        new GitHubRepoProber(
                ProbeExecutor.on(fake, tasks::add),
                RepoTokens.standalone(),
                GitHubRepoReconciler.DEFAULT_PROBE_INTERVAL)
            .whenAnswered(requeued::add);
    GitHubRepo a = ReconcilersTest.repo("a", "https://github.com/a/b");
    GitHubRepo b = ReconcilersTest.repo("b", "https://github.com/a/b");
    GitHubRepo other = ReconcilersTest.repo("c", "https://github.com/a/other");
    async.reconcile(a, lookup, T0);
    async.reconcile(b, lookup, T0);
    async.reconcile(other, lookup, T0);
    assertThat(tasks).hasSize(2);

    tasks.forEach(Runnable::run);
    assertThat(probes)
        .containsExactly("https://github.com/a/b@main", "https://github.com/a/other@main");
    assertThat(requeued)
        .containsExactlyInAnyOrder(ResourceKey.of(a), ResourceKey.of(b), ResourceKey.of(other));
    for (GitHubRepo repo : List.of(a, b, other)) {
      assertThat(ReconcilersTest.readyOf(async.reconcile(repo, lookup, T0).status()).status)
          .isEqualTo("True");
    }

    // Answered: the next question is a new probe, not the old answer.
    async.reconcile(ReconcilersTest.repo("d", "https://github.com/a/b"), lookup, T0);
    assertThat(tasks).hasSize(3);
  }

  // --- the decision alone: the last answer is passed in, nothing is asked

  final GitHubRepoReconciler decision = new GitHubRepoReconciler();

  @Test
  void theDecisionIsAFunctionOfTheRepoTheAnswerAndTheTime() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    ProbeQuestion question = decision.question(repo).orElseThrow();
    assertThat(question.url()).isEqualTo("https://github.com/a/b");
    assertThat(question.branch()).isEqualTo("main");
    assertThat(question.tenant()).isFalse();
    ProbeAnswer answer = ProbeAnswer.probed(question, T0, ProbeResult.reachable(SHA));

    Outcome<GitHubRepoStatus> first = decision.reconcile(repo, answer, T0.plusSeconds(60));
    Outcome<GitHubRepoStatus> again = decision.reconcile(repo, answer, T0.plusSeconds(60));
    assertThat(dev.gryt.crds.ResourceCodec.toTree(again.status()))
        .isEqualTo(dev.gryt.crds.ResourceCodec.toTree(first.status()));
    assertThat(again.requeueAfter()).isEqualTo(first.requeueAfter());
    assertThat(ReconcilersTest.readyOf(first.status()).message)
        .isEqualTo("branch main is at 89abcde");
    assertThat(first.requeueAfter()).isEqualTo(Duration.ofMinutes(9));
    assertThat(probes).isEmpty();
  }

  @Test
  void withoutACurrentAnswerTheStatusStaysAndTheRepoAsksForAnotherLook() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    ProbeQuestion asked = decision.question(repo).orElseThrow();
    ProbeAnswer answer = ProbeAnswer.probed(asked, T0, ProbeResult.reachable(SHA));
    repo.setStatus(decision.reconcile(repo, answer, T0).status());

    Outcome<GitHubRepoStatus> none = decision.reconcile(repo, null, T0);
    assertThat(none.status()).isSameAs(repo.getStatus());
    assertThat(none.requeueAfter()).isEqualTo(GitHubRepoReconciler.PENDING_RECHECK);

    assertThat(decision.current(answer, asked, T0.plus(Duration.ofMinutes(10)))).isFalse();
    assertThat(decision.reconcile(repo, answer, T0.plus(Duration.ofMinutes(10))).status())
        .isSameAs(repo.getStatus());

    repo.getSpec().branch = "release";
    repo.getMetadata().setGeneration(2L);
    ProbeQuestion newer = decision.question(repo).orElseThrow();
    assertThat(newer.spec()).isNotEqualTo(asked.spec());
    assertThat(decision.current(answer, newer, T0)).as("an answer to the older spec").isFalse();
  }

  @Test
  void aTokenThatCouldNotBeReadIsTheAnswersReasonAndARefusedUrlAsksNothing() {
    GitHubRepo repo = ReconcilersTest.repo("r", "https://github.com/a/b");
    repo.getSpec().tokenSecret = "gh";
    ProbeAnswer unreadable =
        ProbeAnswer.tokenUnavailable(
            decision.question(repo).orElseThrow(),
            T0,
            new TokenUnavailableException("token_secret gh: no Secret gh in namespace default"));
    Condition ready = ReconcilersTest.readyOf(decision.reconcile(repo, unreadable, T0).status());
    assertThat(ready.reason).isEqualTo(GitHubRepoReason.TOKEN_UNAVAILABLE.value());
    assertThat(ready.message).isEqualTo("token_secret gh: no Secret gh in namespace default");

    GitHubRepo tenants = ReconcilersTest.repo("t", "file:///srv/gryt/.git");
    tenants.getMetadata().setNamespace("t1a2b3c4d-default");
    assertThat(decision.question(tenants)).isEmpty();
    assertThat(ReconcilersTest.readyOf(decision.reconcile(tenants, null, T0).status()).reason)
        .isEqualTo(GitHubRepoReason.URL_REFUSED.value());
  }
}
