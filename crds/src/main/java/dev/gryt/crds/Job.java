package dev.gryt.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Binds a Pipeline to a GitHubRepo; what a trigger runs. */
@Group(GrytResource.GROUP)
@Version(GrytResource.VERSION)
@Plural("jobs")
@ShortNames("gj")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
public class Job extends GrytResource<JobSpec, JobStatus> {
  @Override
  protected JobStatus initStatus() {
    return null;
  }
}
