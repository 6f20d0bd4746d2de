package dev.gryt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.crds.manifest.ParseResult;
import dev.gryt.crds.manifest.Problem;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.JsonBody;
import dev.gryt.server.http.Principal;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.WebhookKey;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST door to the same objects {@code apply} manages: {@code POST /api/v1/pipelines}, {@code
 * /github-repos}, {@code /jobs} and {@code /webhooks} with the bodies existing gryt clients send.
 * Each body becomes a manifest that goes through the very validation {@code apply} uses, then is
 * created in the caller's default namespace (409 when the name is taken).
 */
final class CreateHandler {
  private final ResourceStore store;
  private final TenantLimits limits;

  CreateHandler(ResourceStore store, TenantLimits limits) {
    this.store = store;
    this.limits = limits;
  }

  /** {@code {name, description, config}}: config is the pipeline's YAML, plain or base64. */
  void pipeline(Context ctx) {
    JsonBody body = JsonBody.of(ctx);
    String name = body.string("name", true);
    String description = body.string("description", false);
    String config = body.string("config", false);
    body.check("pipeline");
    ObjectNode spec = pipelineSpec(config);
    if (description != null) {
      spec.put("description", description);
    }
    create(ctx, ResourceKind.PIPELINE, name, spec, Map.of("pipeline_id", "id"));
  }

  /** {@code {name, git_url, is_private, branch, access_token?}}. */
  void repo(Context ctx) {
    JsonBody body = JsonBody.of(ctx);
    String name = body.string("name", true);
    String gitUrl = body.string("git_url", true);
    Boolean isPrivate = body.bool("is_private");
    String branch = body.string("branch", false);
    String token = body.string("access_token", false);
    body.check("repository");
    ObjectNode spec = ResourceCodec.json().createObjectNode();
    spec.put("git_url", gitUrl);
    if (isPrivate != null) {
      spec.put("is_private", isPrivate);
    }
    if (branch != null) {
      spec.put("branch", branch);
    }
    if (token != null) {
      spec.put("access_token", token);
    }
    create(ctx, ResourceKind.GITHUB_REPO, name, spec, Map.of("github_repo_id", "id"));
  }

  /** {@code {name, description, pipeline_id, github_repo_id?, branch_override?}}. */
  void job(Context ctx) {
    JsonBody body = JsonBody.of(ctx);
    String name = body.string("name", true);
    String description = body.string("description", false);
    String pipeline = body.string("pipeline_id", true);
    String repo = body.string("github_repo_id", false);
    String branch = body.string("branch_override", false);
    body.check("job");
    ResourceStore view = TenantStore.of(store, ctx);
    List<Map<String, Object>> problems = new ArrayList<>();
    String pipelineName = nameOf(view, ResourceKind.PIPELINE, pipeline, "pipeline_id", problems);
    String repoName =
        repo == null
            ? null
            : nameOf(view, ResourceKind.GITHUB_REPO, repo, "github_repo_id", problems);
    if (!problems.isEmpty()) {
      throw ApiException.unprocessable(problems.size() + " problem(s) with the job", problems);
    }
    ObjectNode spec = ResourceCodec.json().createObjectNode();
    if (description != null) {
      spec.put("description", description);
    }
    spec.put("pipeline_name", pipelineName);
    if (repoName != null) {
      spec.put("github_repo_name", repoName);
    }
    if (branch != null) {
      spec.put("branch_override", branch);
    }
    create(ctx, ResourceKind.JOB, name, spec, Map.of("job_id", "id"));
  }

  /** {@code {name, description, job_id}}: replies with the trigger key and URL. */
  void webhook(Context ctx) {
    JsonBody body = JsonBody.of(ctx);
    String name = body.string("name", true);
    String description = body.string("description", false);
    String job = body.string("job_id", true);
    body.check("webhook");
    ResourceStore view = TenantStore.of(store, ctx);
    List<Map<String, Object>> problems = new ArrayList<>();
    String jobName = nameOf(view, ResourceKind.JOB, job, "job_id", problems);
    if (!problems.isEmpty()) {
      throw ApiException.unprocessable(problems.size() + " problem(s) with the webhook", problems);
    }
    ObjectNode spec = ResourceCodec.json().createObjectNode();
    if (description != null) {
      spec.put("description", description);
    }
    spec.put("job_name", jobName);
    create(ctx, ResourceKind.WEBHOOK, name, spec, Map.of("webhook_id", "id"));
  }

  private void create(
      Context ctx, ResourceKind kind, String name, ObjectNode spec, Map<String, String> aliases) {
    ObjectNode doc = ResourceCodec.json().createObjectNode();
    doc.put("apiVersion", "gryt.io/v1");
    doc.put("kind", kind.kind());
    doc.putObject("metadata").put("name", name);
    doc.set("spec", spec);
    ParseResult parsed;
    try {
      parsed = ManifestParser.parse("<request>", ResourceCodec.yaml().writeValueAsBytes(doc));
    } catch (IOException e) {
      throw ApiException.badRequest("cannot read the body: " + e.getMessage());
    }
    if (!parsed.ok()) {
      List<Map<String, Object>> problems = new ArrayList<>();
      for (Problem p : parsed.problems()) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("path", fieldOf(p.path()));
        problem.put("message", p.message());
        problems.add(problem);
      }
      throw ApiException.unprocessable(
          problems.size() + " problem(s) with the " + kind.singular() + "; nothing was created",
          problems);
    }
    ResourceStore view = TenantStore.of(store, ctx);
    limits.checkObjects(Principal.of(ctx).namespacePrefix(), 1);
    GrytResource<?, ?> stored = view.create(parsed.manifests().get(0).resource());
    ObjectNode data = ResourceView.of(stored);
    aliases.forEach((alias, field) -> data.set(alias, data.get(field)));
    if (stored instanceof Webhook hook) {
      WebhookKey key =
          view.triggers()
              .webhookKey(hook.getMetadata().getNamespace(), hook.getMetadata().getName());
      data.put("webhook_key", key.key());
      data.put("url", WebhookHandler.TRIGGER_PATH + key.key());
    }
    Envelope.reply(ctx, 201, Envelope.success(kind.singular() + "/" + name + " created", data));
  }

  /** {@code spec.steps[0].name} as the body names it: {@code steps[0].name}, or the body field. */
  private static String fieldOf(String path) {
    if (path == null) {
      return "";
    }
    return path.startsWith("spec.") ? path.substring("spec.".length()) : path;
  }

  /** The name of the referenced object, found by typed id or by name; else a problem. */
  private static String nameOf(
      ResourceStore view,
      ResourceKind kind,
      String ref,
      String field,
      List<Map<String, Object>> problems) {
    var found =
        ref.startsWith(kind.idPrefix())
            ? view.getById(ref).filter(r -> kind.type().isInstance(r))
            : view.get(kind.type(), ResourceStore.DEFAULT_NAMESPACE, ref)
                .map(r -> (GrytResource<?, ?>) r);
    if (found.isEmpty()) {
      Map<String, Object> problem = new LinkedHashMap<>();
      problem.put("path", field);
      problem.put("message", "no " + kind.singular() + " " + ref);
      problems.add(problem);
      return null;
    }
    return found.get().getMetadata().getName();
  }

  /**
   * The pipeline's spec from the {@code config} clients send: YAML (or base64 of it) that is either
   * a whole Pipeline manifest or the spec alone ({@code steps:} and friends).
   */
  private static ObjectNode pipelineSpec(String config) {
    if (config == null || config.isBlank()) {
      return ResourceCodec.json().createObjectNode();
    }
    String yaml = decodeIfBase64(config.strip());
    JsonNode tree;
    try {
      tree = ResourceCodec.yaml().readTree(yaml);
    } catch (IOException e) {
      throw ApiException.unprocessable(
          "config is not valid YAML",
          List.of(Map.of("path", "config", "message", JsonBody.parseError(e))));
    }
    if (tree == null || !tree.isObject()) {
      throw ApiException.unprocessable(
          "config must be a YAML mapping",
          List.of(Map.of("path", "config", "message", "must be a mapping with steps")));
    }
    if (tree.has("spec") && tree.get("spec").isObject()) {
      return (ObjectNode) tree.get("spec");
    }
    ObjectNode spec = ((ObjectNode) tree).deepCopy();
    spec.remove(List.of("name", "apiVersion", "kind", "metadata"));
    return spec;
  }

  private static String decodeIfBase64(String text) {
    if (!text.matches("[A-Za-z0-9+/=\\r\\n_-]+")) {
      return text;
    }
    try {
      byte[] bytes = Base64.getMimeDecoder().decode(text);
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return text;
    }
  }
}
