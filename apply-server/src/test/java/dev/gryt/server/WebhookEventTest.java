package dev.gryt.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.WebhookSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookEventTest {
  static JsonNode json(String text) throws Exception {
    return ResourceCodec.json().readTree(text);
  }

  static WebhookSpec spec(List<String> events, List<String> branches) {
    WebhookSpec spec = new WebhookSpec();
    spec.jobName = "build";
    spec.events = events;
    spec.branches = branches;
    return spec;
  }

  @Test
  void aPushRunsTheCommitItPushed() throws Exception {
    WebhookEvent push =
        WebhookEvent.of("push", json("{\"ref\":\"refs/heads/main\",\"after\":\"abc123\"}"));
    assertThat(push.ref()).isEqualTo("refs/heads/main");
    assertThat(push.sha()).isEqualTo("abc123");
    assertThat(push.branch()).isEqualTo("main");
    assertThat(push.skipReason(spec(null, null))).isEmpty();
  }

  @Test
  void aPullRequestRunsItsHeadAndFiltersOnItsBase() throws Exception {
    JsonNode payload =
        json(
            """
            {"action":"synchronize","pull_request":{
              "head":{"ref":"feature/x","sha":"def456"},"base":{"ref":"main"}}}""");
    WebhookEvent pr = WebhookEvent.of("pull_request", payload);
    assertThat(pr.ref()).isEqualTo("feature/x");
    assertThat(pr.sha()).isEqualTo("def456");
    assertThat(pr.skipReason(spec(List.of("pull_request"), List.of("main")))).isEmpty();
    assertThat(pr.skipReason(spec(null, List.of("release/*")))).isPresent();

    ((com.fasterxml.jackson.databind.node.ObjectNode) payload).put("action", "closed");
    assertThat(WebhookEvent.of("pull_request", payload).skipReason(spec(null, null)))
        .hasValueSatisfying(why -> assertThat(why).contains("closed"));
  }

  @Test
  void filtersTurnAwayOtherEventsAndBranches() throws Exception {
    WebhookEvent dev =
        WebhookEvent.of("push", json("{\"ref\":\"refs/heads/dev\",\"after\":\"abc\"}"));
    assertThat(dev.skipReason(spec(List.of("pull_request"), null)))
        .hasValueSatisfying(why -> assertThat(why).contains("event push"));
    assertThat(dev.skipReason(spec(null, List.of("main"))))
        .hasValueSatisfying(why -> assertThat(why).contains("branch dev"));
    assertThat(dev.skipReason(spec(List.of("push"), List.of("main", "d*")))).isEmpty();

    WebhookEvent tag = WebhookEvent.of("push", json("{\"ref\":\"refs/tags/v1\",\"after\":\"a\"}"));
    assertThat(tag.skipReason(spec(null, List.of("main")))).isPresent();
    assertThat(tag.skipReason(spec(null, null))).isEmpty();
  }

  @Test
  void aManualTriggerIgnoresBranchesButNotEvents() {
    WebhookEvent manual = WebhookEvent.of(null, null);
    assertThat(manual.event()).isEqualTo("manual");
    assertThat(manual.skipReason(spec(null, List.of("main")))).isEmpty();
    assertThat(manual.skipReason(spec(List.of("push"), null))).isPresent();
    assertThat(manual.skipReason(spec(List.of("manual"), null))).isEmpty();
  }

  @Test
  void pingsAndDeletionsNeverRun() throws Exception {
    assertThat(WebhookEvent.of("ping", json("{\"zen\":\"x\"}")).skipReason(spec(null, null)))
        .isPresent();
    WebhookEvent deleted =
        WebhookEvent.of(
            "push", json("{\"ref\":\"refs/heads/old\",\"deleted\":true,\"after\":\"0000\"}"));
    assertThat(deleted.skipReason(spec(null, null))).isPresent();
  }

  @Test
  void branchPatterns() {
    assertThat(WebhookEvent.matches("main", "main")).isTrue();
    assertThat(WebhookEvent.matches("main", "mainline")).isFalse();
    assertThat(WebhookEvent.matches("release/*", "release/1.2")).isTrue();
    assertThat(WebhookEvent.matches("*-hotfix", "x-hotfix")).isTrue();
    assertThat(WebhookEvent.matches("a.b", "axb")).isFalse();
  }

  @Test
  void aPayloadsDigestReadsBackAsTheSameEventWithoutTheRest() throws Exception {
    for (String[] delivery :
        new String[][] {
          {"push", "{\"ref\":\"refs/heads/main\",\"after\":\"abc\",\"commits\":[1,2,3]}"},
          {"push", "{\"ref\":\"refs/heads/gone\",\"deleted\":true,\"big\":\"xxxx\"}"},
          {
            "pull_request",
            """
            {"action":"opened","number":7,"pull_request":{"title":"t",
              "head":{"ref":"feature/x","sha":"def456","repo":{}},"base":{"ref":"main"}}}"""
          },
          {"manual", "{\"ref\":\"dev\",\"sha\":\"0123\",\"other\":1}"},
        }) {
      JsonNode payload = json(delivery[1]);
      JsonNode digest = WebhookEvent.digest(payload);

      assertThat(WebhookEvent.of(delivery[0], digest))
          .as(delivery[1])
          .isEqualTo(WebhookEvent.of(delivery[0], payload));
      assertThat(digest.has("commits") || digest.has("big") || digest.has("number")).isFalse();
    }
  }
}
