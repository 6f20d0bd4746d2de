package dev.gryt.dashboard;

import dev.gryt.crds.GitHubRepo;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.Job;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.Pipeline;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.Webhook;
import dev.gryt.server.ApiServices;
import dev.gryt.server.http.ApiException;
import dev.gryt.store.Delivery;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Jobs, Pipelines, GitHubRepos and Webhooks: a list of each with its READY condition, a page for
 * each object (spec as YAML, conditions, recent events, the objects it refers to and that refer to
 * it), a Job's "Run" button, and a Webhook's deliveries.
 */
final class ResourcePages {
  /** The kinds with list pages, by the path of their pages (the API's path). */
  static final Map<String, ResourceKind> KINDS = new LinkedHashMap<>();

  static {
    for (ResourceKind k :
        List.of(
            ResourceKind.JOB,
            ResourceKind.PIPELINE,
            ResourceKind.GITHUB_REPO,
            ResourceKind.WEBHOOK)) {
      KINDS.put(k.apiPath(), k);
    }
  }

  /** How many deliveries the deliveries page shows, newest first. */
  static final int DELIVERIES = 200;

  private final ApiServices services;
  private final Views views;

  ResourcePages(ApiServices services, Views views) {
    this.services = services;
    this.views = views;
  }

  private static ResourceKind kindOf(Context ctx) {
    String path = ctx.path().substring(1);
    int slash = path.indexOf('/');
    return KINDS.get(slash < 0 ? path : path.substring(0, slash));
  }

  void list(Context ctx, SignedIn signedIn) {
    ResourceKind kind = kindOf(ctx);
    ResourceStore view = services.viewOf(signedIn.acting());
    List<ResourceRow> rows =
        view.list(kind.type(), null, Map.of()).stream()
            .sorted(
                Comparator.comparing((GrytResource<?, ?> r) -> r.getMetadata().getNamespace())
                    .thenComparing(r -> r.getMetadata().getName()))
            .map(ResourceRow::of)
            .toList();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("chrome", Dashboard.chrome(services, signedIn, kind.apiPath()));
    params.put("kind", kind.kind());
    params.put("path", kind.apiPath());
    params.put("rows", rows);
    views.render(ctx, 200, "resources.jte", params);
  }

  void show(Context ctx, SignedIn signedIn) {
    ResourceKind kind = kindOf(ctx);
    ResourceStore view = services.viewOf(signedIn.acting());
    GrytResource<?, ?> r = Refs.find(view, ctx, kind.type());
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("chrome", Dashboard.chrome(services, signedIn, kind.apiPath()));
    params.put("kind", kind.kind());
    params.put("path", kind.apiPath());
    params.put("row", ResourceRow.of(r));
    params.put("yaml", ResourceCodec.toYaml(services.view(r)));
    params.put("conditions", ResourceRow.conditions(r));
    params.put("events", events(signedIn, r));
    params.put("refersTo", refersTo(view, r));
    params.put("referredBy", referredBy(view, r));
    params.put("runs", kind == ResourceKind.JOB ? recentRuns(view, (Job) r) : List.of());
    params.put("isJob", kind == ResourceKind.JOB);
    params.put("isWebhook", kind == ResourceKind.WEBHOOK);
    views.render(ctx, 200, "resource.jte", params);
  }

  /** {@code POST /jobs/{ref}/run}: the Job's "Run" button, optionally at a branch. */
  void run(Context ctx, SignedIn signedIn) {
    ResourceStore view = services.viewOf(signedIn.acting());
    Job job = Refs.find(view, ctx, Job.class);
    String branch = ctx.formParam("branch");
    if (branch != null
        && (branch.length() > 255 || branch.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
      throw ApiException.badRequest("branch: at most 255 characters, no control characters");
    }
    JobRun run =
        services.runs().start(signedIn.acting(), job, branch == null ? null : branch.strip(), null);
    ctx.redirect(Refs.href(run), HttpStatus.SEE_OTHER);
  }

  /**
   * {@code GET /webhooks/{ref}/deliveries}: every delivery the Webhook received, newest first, with
   * the run it started or why it was skipped.
   */
  void deliveries(Context ctx, SignedIn signedIn) {
    ResourceStore view = services.viewOf(signedIn.acting());
    Webhook hook = Refs.find(view, ctx, Webhook.class);
    List<Models.DeliveryRow> rows = new ArrayList<>();
    for (Delivery d :
        view.triggers()
            .deliveries(
                hook.getMetadata().getNamespace(), hook.getMetadata().getName(), DELIVERIES)) {
      Instant at = d.receivedAt();
      Delivery.Details details = d.details();
      rows.add(
          new Models.DeliveryRow(
              at == null ? "" : at.toString(),
              d.event(),
              d.deliveryId() == null ? "" : d.deliveryId(),
              d.status(),
              d.reason() == null ? "" : d.reason(),
              d.runId(),
              details.branch() == null ? "" : details.branch(),
              details.sha() == null ? "" : details.sha(),
              details.signatureChecked() == null
                  ? "unknown"
                  : details.signatureChecked() ? "checked" : "not checked",
              details.redeliveryOf() == null ? "" : details.redeliveryOf(),
              d.id()));
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("chrome", Dashboard.chrome(services, signedIn, "webhooks"));
    params.put("hook", ResourceRow.of(hook));
    params.put("deliveries", rows);
    views.render(ctx, 200, "deliveries.jte", params);
  }

  /**
   * {@code POST /webhooks/{ref}/deliveries/{id}/redeliver}: replays a kept delivery as a new one,
   * through the same service as the API; to the run it started, or back to the deliveries.
   */
  void redeliver(Context ctx, SignedIn signedIn) {
    ResourceStore view = services.viewOf(signedIn.acting());
    Webhook hook = Refs.find(view, ctx, Webhook.class);
    String id = ctx.pathParam("id");
    if (id.length() > 100) {
      throw ApiException.notFound(
          "webhook " + hook.getMetadata().getName() + " has no delivery " + id);
    }
    Delivery replayed = services.redeliver(signedIn.acting(), hook, id);
    ctx.redirect(
        replayed.runId() != null
            ? "/runs/" + replayed.runId()
            : "/webhooks/" + hook.id() + "/deliveries",
        HttpStatus.SEE_OTHER);
  }

  private List<Models.EventRow> events(SignedIn signedIn, GrytResource<?, ?> r) {
    List<Models.EventRow> out = new ArrayList<>();
    for (Map<String, Object> e : services.events(signedIn.acting(), r)) {
      out.add(
          new Models.EventRow(
              Objects.toString(e.get("time"), ""),
              Objects.toString(e.get("reason"), ""),
              Objects.toString(e.get("message"), "")));
    }
    return out;
  }

  /** What {@code r}'s spec names: a Job its Pipeline and GitHubRepo, a Webhook its Job. */
  private static List<ResourceLink> refersTo(ResourceStore view, GrytResource<?, ?> r) {
    String ns = r.getMetadata().getNamespace();
    List<ResourceLink> out = new ArrayList<>();
    if (r instanceof Job job) {
      out.add(link(view, "pipeline", Pipeline.class, ns, job.getSpec().pipelineName));
      out.add(link(view, "repository", GitHubRepo.class, ns, job.getSpec().githubRepoName));
    } else if (r instanceof Webhook hook) {
      out.add(link(view, "job", Job.class, ns, hook.getSpec().jobName));
    }
    out.removeIf(Objects::isNull);
    return out;
  }

  /** What names {@code r}: the Jobs of a Pipeline or GitHubRepo, the Webhooks of a Job. */
  private static List<ResourceLink> referredBy(ResourceStore view, GrytResource<?, ?> r) {
    String ns = r.getMetadata().getNamespace();
    String name = r.getMetadata().getName();
    List<ResourceLink> out = new ArrayList<>();
    if (r instanceof Pipeline || r instanceof GitHubRepo) {
      for (Job job : view.list(Job.class, ns, Map.of())) {
        String named =
            r instanceof Pipeline ? job.getSpec().pipelineName : job.getSpec().githubRepoName;
        if (name.equals(named)) {
          out.add(new ResourceLink("job", "Job", job.getMetadata().getName(), Refs.href(job)));
        }
      }
    } else if (r instanceof Job) {
      for (Webhook hook : view.list(Webhook.class, ns, Map.of())) {
        if (name.equals(hook.getSpec().jobName)) {
          out.add(
              new ResourceLink(
                  "webhook", "Webhook", hook.getMetadata().getName(), Refs.href(hook)));
        }
      }
    }
    return out;
  }

  private List<RunRow> recentRuns(ResourceStore view, Job job) {
    Instant now = services.clock().instant();
    return view.list(JobRun.class, job.getMetadata().getNamespace(), Map.of()).stream()
        .filter(run -> job.getMetadata().getName().equals(run.getSpec().jobName))
        .sorted(
            Comparator.comparing(
                    (JobRun run) -> String.valueOf(run.getMetadata().getCreationTimestamp()))
                .reversed())
        .limit(10)
        .map(run -> RunRow.of(run, now))
        .toList();
  }

  /** A link to the named object; to nothing (shown as missing) when it does not exist. */
  private static ResourceLink link(
      ResourceStore view,
      String relation,
      Class<? extends GrytResource<?, ?>> type,
      String ns,
      String name) {
    if (name == null) {
      return null;
    }
    ResourceKind kind = ResourceKind.of(type);
    return view.get(type, ns, name)
        .map(found -> new ResourceLink(relation, kind.kind(), name, Refs.href(found)))
        .orElse(new ResourceLink(relation, kind.kind(), name, null));
  }
}
