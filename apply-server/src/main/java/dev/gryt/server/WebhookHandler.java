package dev.gryt.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunFactory;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.RunOrigin;
import dev.gryt.crds.Webhook;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.server.http.QueryParams;
import dev.gryt.store.Delivery;
import dev.gryt.store.Mutation;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.TriggerStore;
import dev.gryt.store.WebhookKey;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Webhook's trigger and its key: {@code POST /api/v1/webhooks/run/{key}} (public: the key is the
 * credential, with GitHub's signature on top when the Webhook has a secret), {@code GET
 * /api/v1/webhooks/{ref}} (the resource plus its key and URL), {@code POST
 * /api/v1/webhooks/{ref}/rotate-key}, {@code GET /api/v1/webhooks/{ref}/deliveries[/{id}]} and
 * {@code POST /api/v1/webhooks/{ref}/deliveries/{id}/redeliver}.
 *
 * <p>Answers of the trigger: 202 {@code {run_id}} for a run started; 202 {@code {run_id: null,
 * skipped: why}} for a delivery the Webhook's filters turned away (it is recorded, so GitHub and
 * the deliveries list both show why); 200 with the first answer's run id for a repeated {@code
 * X-GitHub-Delivery}; 404 unknown key; 413 body over {@link #MAX_BODY_BYTES}; 401 missing or wrong
 * signature; 400 a body that is not JSON.
 */
final class WebhookHandler {
  static final String TRIGGER_PATH = "/api/v1/webhooks/run/";

  /** GitHub caps a delivery's payload at 25 MB; we accept no more. */
  static final long MAX_BODY_BYTES = 25L * 1024 * 1024;

  private static final int DEFAULT_DELIVERIES = 100;
  private static final int MAX_DELIVERIES = 1000;

  private final ResourceStore store;
  private final TenantLimits limits;

  WebhookHandler(ResourceStore store, TenantLimits limits) {
    this.store = store;
    this.limits = limits;
  }

  /** Whether a request is the public trigger, which no account authenticates. */
  static boolean isPublic(Context ctx) {
    String path = ctx.path();
    return "POST".equals(ctx.method().name())
        && path.startsWith(TRIGGER_PATH)
        && path.indexOf('/', TRIGGER_PATH.length()) < 0;
  }

  void trigger(Context ctx) {
    Webhook webhook =
        store
            .triggers()
            .webhookByKey(ctx.pathParam("key"))
            .orElseThrow(() -> ApiException.notFound("no webhook has this key"));
    String tenant = TenantLimits.tenantOf(webhook.getMetadata().getNamespace());
    if (!tenant.isEmpty()) {
      limits.refuseIfDisabled(tenant);
    }
    long declared = ctx.contentLength();
    if (declared > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    byte[] body = ctx.bodyAsBytes();
    if (body.length > MAX_BODY_BYTES) {
      throw tooLarge();
    }
    String secret = webhook.getSpec().secret;
    if (secret != null && !secret.isEmpty()) {
      String signature = ctx.header(GitHubSignature.HEADER);
      if (signature == null) {
        throw new ApiException(
            401, "this webhook has a secret: sign the body in " + GitHubSignature.HEADER, null);
      }
      if (!GitHubSignature.verifies(secret, body, signature)) {
        throw new ApiException(
            401,
            GitHubSignature.HEADER + " does not match the body under this webhook's secret",
            null);
      }
    }
    JsonNode payload = parse(body);
    String deliveryId = blankToNull(ctx.header("X-GitHub-Delivery"));
    boolean signed = secret != null && !secret.isEmpty();
    Delivery.Recorded recorded =
        deliver(
            webhook,
            WebhookEvent.of(ctx.header("X-GitHub-Event"), payload),
            Kept.of(body, payload),
            deliveryId,
            signed,
            null,
            null);
    Delivery delivery = recorded.delivery();
    String message =
        recorded.duplicate()
            ? "delivery " + deliveryId + " was received before"
            : delivery.runId() != null
                ? "run " + delivery.runId() + " started"
                : "skipped: " + delivery.reason();
    Envelope.reply(
        ctx, recorded.duplicate() ? 200 : 202, Envelope.success(message, answer(recorded)));
  }

  /**
   * {@code POST /api/v1/webhooks/{ref}/deliveries/{id}/redeliver}: replays a delivery's kept
   * payload as a new delivery of the same event, marked as a redelivery of it. It passes the
   * Webhook's filters as they are now (it may be skipped), is never a duplicate (it has no sender's
   * delivery id), and its run names who redelivered it. Another account's delivery is 404.
   */
  void redeliver(Context ctx) {
    Webhook view = ResourceRefs.find(TenantStore.of(this.store, ctx), ctx, Webhook.class);
    String id = ctx.pathParam("id");
    Delivery.Recorded recorded = redeliver(view, id, RunOrigins.of(ctx));
    Delivery delivery = recorded.delivery();
    String message =
        delivery.runId() != null
            ? "delivery " + id + " redelivered: run " + delivery.runId() + " started"
            : "delivery " + id + " redelivered: skipped: " + delivery.reason();
    Envelope.reply(ctx, 202, Envelope.success(message, answer(recorded)));
  }

  /**
   * Replays delivery {@code id} of {@code view} (a Webhook as its caller's view answered it) as
   * {@link #redeliver(Context)} does, the run naming {@code by}.
   */
  Delivery.Recorded redeliver(Webhook view, String id, RunOrigin by) {
    // The stored object (its stored namespace), found by the id the caller's view answered.
    Webhook webhook =
        store
            .getById(view.id())
            .filter(Webhook.class::isInstance)
            .map(Webhook.class::cast)
            .orElseThrow(() -> ApiException.notFound("webhook not found"));
    String ns = webhook.getMetadata().getNamespace();
    String name = webhook.getMetadata().getName();
    Delivery original =
        store
            .triggers()
            .delivery(ns, name, id)
            .orElseThrow(() -> ApiException.notFound("webhook " + name + " has no delivery " + id));
    if (original.details().signatureChecked() == null) {
      throw ApiException.conflict(
          "delivery " + id + " was recorded before payloads were kept: it cannot be replayed");
    }
    String text = store.triggers().payload(ns, name, id).orElse(null);
    if (text == null && original.details().payloadBytes() > 0) {
      throw ApiException.conflict(
          "the payload of delivery "
              + id
              + " was over the cap and not kept: it cannot be replayed");
    }
    byte[] body = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    JsonNode payload = parse(body);
    Kept kept =
        new Kept(text, original.details().payloadBytes(), original.details().payloadTruncated());
    return deliver(
        webhook,
        WebhookEvent.of(original.event(), payload),
        kept,
        null,
        original.details().signatureChecked(),
        original.id(),
        by);
  }

  /**
   * Records a delivery to {@code webhook} (as stored) and, unless its filters skip it, the run it
   * starts, in one transaction.
   *
   * @param redeliveryOf the record id of the delivery replayed; null for one received
   * @param redeliveredBy who asked for the replay; null for one received
   */
  private Delivery.Recorded deliver(
      Webhook webhook,
      WebhookEvent event,
      Kept kept,
      String deliveryId,
      Boolean signatureChecked,
      String redeliveryOf,
      RunOrigin redeliveredBy) {
    String ns = webhook.getMetadata().getNamespace();
    String name = webhook.getMetadata().getName();
    String tenant = TenantLimits.tenantOf(ns);
    Delivery.Details details =
        new Delivery.Details(
            event.branch(),
            event.sha(),
            signatureChecked,
            kept.bytes(),
            kept.truncated(),
            redeliveryOf);
    Optional<String> skip = event.skipReason(webhook.getSpec());
    if (skip.isPresent()) {
      return store
          .triggers()
          .recordDelivery(
              Delivery.skipped(ns, name, event.event(), deliveryId, skip.get()).with(details),
              kept.text(),
              Optional.empty());
    }
    // The store checks, in the delivery's transaction, that the Job exists (409 when not).
    // The record's id is made here so that the run can name the delivery that started it.
    String recordId = Delivery.newId();
    RunOrigin origin = RunOrigin.webhook(name, recordId, deliveryId);
    if (redeliveredBy != null) {
      origin.account = redeliveredBy.account;
      origin.apiKey = redeliveredBy.apiKey;
    }
    JobRun run =
        JobRunFactory.webhook(
            ns, webhook.getSpec().jobName, event.event(), event.ref(), event.sha(), origin);
    Delivery delivery =
        Delivery.triggered(ns, name, event.event(), deliveryId).withId(recordId).with(details);
    return limits.startRun(
        tenant,
        () ->
            store
                .triggers()
                .recordDelivery(delivery, kept.text(), Optional.of(new Mutation.Create(run))));
  }

  private static Map<String, Object> answer(Delivery.Recorded recorded) {
    Delivery delivery = recorded.delivery();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("run_id", delivery.runId());
    if (delivery.reason() != null) {
      data.put("skipped", delivery.reason());
    }
    data.put("delivery", delivery.id());
    data.put("duplicate", recorded.duplicate());
    if (delivery.details().redeliveryOf() != null) {
      data.put("redelivery_of", delivery.details().redeliveryOf());
    }
    return data;
  }

  /**
   * The payload kept with a delivery: the body itself up to {@link TriggerStore#MAX_PAYLOAD_CHARS},
   * else the digest of what gryt reads from it ({@link WebhookEvent#digest}), which replays the
   * same; nothing when even that is over the cap. A larger body is still taken, never refused for
   * the cap.
   *
   * @param text what is kept; null for nothing (an empty body)
   * @param bytes the size of the body as received
   * @param truncated whether {@code text} is not the body itself
   */
  record Kept(String text, long bytes, boolean truncated) {
    static Kept of(byte[] body, JsonNode payload) {
      if (body.length == 0) {
        return new Kept(null, 0, false);
      }
      if (body.length <= TriggerStore.MAX_PAYLOAD_CHARS) {
        return new Kept(new String(body, StandardCharsets.UTF_8), body.length, false);
      }
      String digest = ResourceCodec.toJson(WebhookEvent.digest(payload));
      return new Kept(
          digest.length() <= TriggerStore.MAX_PAYLOAD_CHARS ? digest : null, body.length, true);
    }
  }

  void get(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    Webhook webhook = ResourceRefs.find(store, ctx, Webhook.class);
    WebhookKey key =
        store
            .triggers()
            .webhookKey(webhook.getMetadata().getNamespace(), webhook.getMetadata().getName());
    ObjectNode view = ResourceView.of(webhook);
    view.put("webhook_key", key.key());
    view.put("url", TRIGGER_PATH + key.key());
    Envelope.reply(ctx, 200, Envelope.success("webhook/" + webhook.getMetadata().getName(), view));
  }

  void rotateKey(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    Webhook webhook = ResourceRefs.find(store, ctx, Webhook.class);
    WebhookKey key =
        store
            .triggers()
            .rotateWebhookKey(
                webhook.getMetadata().getNamespace(), webhook.getMetadata().getName());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", webhook.id());
    data.put("webhook_key", key.key());
    data.put("url", TRIGGER_PATH + key.key());
    Envelope.reply(
        ctx,
        200,
        Envelope.success(
            "webhook/" + webhook.getMetadata().getName() + " has a new key; the old one is void",
            data));
  }

  void deliveries(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    Webhook webhook = ResourceRefs.find(store, ctx, Webhook.class);
    int limit = QueryParams.integer(ctx, "limit", DEFAULT_DELIVERIES, 1, MAX_DELIVERIES);
    List<Map<String, Object>> items =
        store
            .triggers()
            .deliveries(
                webhook.getMetadata().getNamespace(), webhook.getMetadata().getName(), limit)
            .stream()
            .map(WebhookHandler::view)
            .toList();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("items", items);
    data.put("total", items.size());
    Envelope.reply(ctx, 200, Envelope.success(items.size() + " deliveries", data));
  }

  /** {@code GET /api/v1/webhooks/{ref}/deliveries/{id}}: one delivery with its kept payload. */
  void delivery(Context ctx) {
    ResourceStore store = TenantStore.of(this.store, ctx);
    Webhook webhook = ResourceRefs.find(store, ctx, Webhook.class);
    String ns = webhook.getMetadata().getNamespace();
    String name = webhook.getMetadata().getName();
    String id = ctx.pathParam("id");
    Delivery delivery =
        store
            .triggers()
            .delivery(ns, name, id)
            .orElseThrow(() -> ApiException.notFound("webhook " + name + " has no delivery " + id));
    Map<String, Object> item = view(delivery);
    String payload = store.triggers().payload(ns, name, id).orElse(null);
    item.put("payload", payload == null ? null : payloadTree(payload));
    Envelope.reply(ctx, 200, Envelope.success("delivery " + id, item));
  }

  /**
   * A delivery as the API shows it: never the signature nor anything of the Webhook's secret, only
   * whether the signature was checked.
   */
  static Map<String, Object> view(Delivery delivery) {
    Map<String, Object> item = new LinkedHashMap<>();
    Delivery.Details details = delivery.details();
    item.put("id", delivery.id());
    item.put("event", delivery.event());
    item.put("delivery_id", delivery.deliveryId());
    item.put("received_at", delivery.receivedAt().toString());
    item.put("status", delivery.status());
    item.put("reason", delivery.reason());
    item.put("run_id", delivery.runId());
    item.put("branch", details.branch());
    item.put("commit", details.sha());
    item.put("signature_checked", details.signatureChecked());
    item.put("payload_bytes", details.payloadBytes());
    item.put("payload_truncated", details.payloadTruncated());
    item.put("redelivery_of", details.redeliveryOf());
    return item;
  }

  private static JsonNode payloadTree(String payload) {
    try {
      return ResourceCodec.json().readTree(payload);
    } catch (IOException e) {
      return ResourceCodec.json().getNodeFactory().textNode(payload);
    }
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      JsonNode payload = ResourceCodec.json().readTree(body);
      if (payload == null || !payload.isObject()) {
        throw ApiException.badRequest("the body must be a JSON object (a GitHub payload)");
      }
      return payload;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("the body is not JSON");
    }
  }

  private static ApiException tooLarge() {
    return ApiException.tooLarge("a delivery's body must be at most 25 MB");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
