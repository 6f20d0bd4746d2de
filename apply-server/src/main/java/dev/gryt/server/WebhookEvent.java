package dev.gryt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.WebhookSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a delivery to a Webhook asks for, read from GitHub's {@code X-GitHub-Event} and payload, and
 * whether the Webhook's filters let it start a run. No I/O: {@link WebhookHandler} does that.
 *
 * @param event {@code push}, {@code pull_request}, {@code manual} (no event header and an empty
 *     body), or whatever other event GitHub sent
 * @param ref what the run checks out: a push's {@code ref}, a pull request's head ref
 * @param sha the commit: a push's {@code after}, a pull request's head sha
 * @param branch what the {@code branches} filter matches: the pushed branch, or the branch a pull
 *     request targets (its base), as GitHub Actions does; null for tags and manual triggers
 * @param ignoredBecause set when the event itself never starts a run (a ping, a closed pull
 *     request, a deleted branch), whatever the filters
 */
record WebhookEvent(String event, String ref, String sha, String branch, String ignoredBecause) {
  static final String PUSH = "push";
  static final String PULL_REQUEST = "pull_request";
  static final String MANUAL = "manual";

  private static final Set<String> PR_ACTIONS_THAT_RUN =
      Set.of("opened", "synchronize", "reopened");
  private static final String BRANCH_PREFIX = "refs/heads/";

  /**
   * Reads a delivery.
   *
   * @param eventHeader the {@code X-GitHub-Event} header; null or blank for a manual trigger
   * @param payload the parsed body; null when it was empty
   */
  static WebhookEvent of(String eventHeader, JsonNode payload) {
    String event = eventHeader == null || eventHeader.isBlank() ? MANUAL : eventHeader.trim();
    JsonNode body = payload == null ? MissingNode.getInstance() : payload;
    switch (event) {
      case MANUAL:
        return new WebhookEvent(event, text(body, "ref"), text(body, "sha"), null, null);
      case PUSH:
        {
          String ref = text(body, "ref");
          String ignored = body.path("deleted").asBoolean(false) ? "the push deleted " + ref : null;
          return new WebhookEvent(event, ref, text(body, "after"), branchOf(ref), ignored);
        }
      case PULL_REQUEST:
        {
          JsonNode pr = body.path("pull_request");
          String action = text(body, "action");
          String ignored =
              PR_ACTIONS_THAT_RUN.contains(action)
                  ? null
                  : "pull_request action " + action + " does not start a run";
          return new WebhookEvent(
              event,
              text(pr.path("head"), "ref"),
              text(pr.path("head"), "sha"),
              text(pr.path("base"), "ref"),
              ignored);
        }
      default:
        return new WebhookEvent(
            event, null, null, null, "event " + event + " does not start a run");
    }
  }

  /**
   * The fields of a payload that {@link #of} reads, and only those: what a delivery keeps when its
   * body is over the cap, which reads back as the same event.
   */
  static ObjectNode digest(JsonNode payload) {
    ObjectNode digest = dev.gryt.crds.ResourceCodec.json().createObjectNode();
    if (payload == null) {
      return digest;
    }
    for (String field : List.of("ref", "sha", "after", "action")) {
      copyText(payload, digest, field);
    }
    if (payload.path("deleted").isBoolean()) {
      digest.put("deleted", payload.path("deleted").asBoolean());
    }
    JsonNode pr = payload.path("pull_request");
    if (pr.isObject()) {
      ObjectNode prDigest = digest.putObject("pull_request");
      copyText(pr.path("head"), prDigest.putObject("head"), "ref");
      copyText(pr.path("head"), (ObjectNode) prDigest.get("head"), "sha");
      copyText(pr.path("base"), prDigest.putObject("base"), "ref");
    }
    return digest;
  }

  private static void copyText(JsonNode from, ObjectNode to, String field) {
    if (from.path(field).isTextual()) {
      to.put(field, from.path(field).asText());
    }
  }

  /** Why this delivery starts no run under {@code spec}'s filters; empty when it starts one. */
  Optional<String> skipReason(WebhookSpec spec) {
    if (ignoredBecause != null) {
      return Optional.of(ignoredBecause);
    }
    List<String> events = spec.events;
    if (events != null && !events.isEmpty() && !events.contains(event)) {
      return Optional.of("event " + event + " is not in this webhook's events " + events);
    }
    List<String> branches = spec.branches;
    if (branches != null && !branches.isEmpty() && !event.equals(MANUAL)) {
      if (branch == null) {
        return Optional.of(ref + " is not a branch; this webhook only runs for " + branches);
      }
      if (branches.stream().noneMatch(pattern -> matches(pattern, branch))) {
        return Optional.of("branch " + branch + " is not in this webhook's branches " + branches);
      }
    }
    return Optional.empty();
  }

  /** A branch filter: exact, or with {@code *} standing for any characters. */
  static boolean matches(String pattern, String branch) {
    String regex =
        Arrays.stream(pattern.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*"));
    return branch.matches(regex);
  }

  private static String branchOf(String ref) {
    return ref != null && ref.startsWith(BRANCH_PREFIX)
        ? ref.substring(BRANCH_PREFIX.length())
        : null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }
}
