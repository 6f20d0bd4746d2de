package dev.gryt.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A trigger endpoint that starts runs of a Job. */
@Group(GrytResource.GROUP)
@Version(GrytResource.VERSION)
@Plural("webhooks")
@ShortNames("gwh")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
public class Webhook extends GrytResource<WebhookSpec, WebhookStatus> {
  @Override
  protected WebhookStatus initStatus() {
    return null;
  }
}
