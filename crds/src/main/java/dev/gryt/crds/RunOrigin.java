package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Who or what started a JobRun ({@code spec.started_by}), as the server saw it: the account and,
 * when the request was signed with one, the API key; or the Webhook and its delivery. The server
 * sets it where it creates the run; nothing a client sends fills it in.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"account", "api_key", "webhook", "delivery", "delivery_id"})
public class RunOrigin {
  /** The username of the account that started or retried the run. */
  public String account;

  /** The id ({@code key_…}) of the API key the request was signed with; null for a password. */
  @JsonProperty("api_key")
  public String apiKey;

  /** The name of the Webhook whose delivery started the run. */
  public String webhook;

  /** The id ({@code dlv-…}) of the delivery record that started the run. */
  public String delivery;

  /** The sender's delivery id ({@code X-GitHub-Delivery}); null when it sent none. */
  @JsonProperty("delivery_id")
  public String deliveryId;

  /** Started by an account, with {@code apiKey} when the request was signed with one. */
  public static RunOrigin account(String username, String apiKey) {
    RunOrigin origin = new RunOrigin();
    origin.account = username;
    origin.apiKey = apiKey;
    return origin;
  }

  /** Started by a delivery to a Webhook. */
  public static RunOrigin webhook(String webhook, String delivery, String deliveryId) {
    RunOrigin origin = new RunOrigin();
    origin.webhook = webhook;
    origin.delivery = delivery;
    origin.deliveryId = deliveryId;
    return origin;
  }

  /** One line for a person: {@code alice (key_…)} or {@code webhook/push-hook dlv-…}. */
  public String describe() {
    if (webhook != null) {
      return "webhook/" + webhook + (delivery == null ? "" : " " + delivery);
    }
    if (account != null) {
      return account + (apiKey == null ? "" : " (" + apiKey + ")");
    }
    return "";
  }
}
