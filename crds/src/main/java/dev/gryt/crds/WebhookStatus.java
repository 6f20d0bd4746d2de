package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Observed state of a Webhook, with the URL that triggers it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebhookStatus extends GrytStatus {
  public String url;
}
