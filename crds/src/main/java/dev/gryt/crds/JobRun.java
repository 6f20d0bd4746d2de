package dev.gryt.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One execution of a Job. */
@Group(GrytResource.GROUP)
@Version(GrytResource.VERSION)
@Plural("jobruns")
@ShortNames("jr")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
public class JobRun extends GrytResource<JobRunSpec, JobRunStatus> {
  @Override
  protected JobRunStatus initStatus() {
    return null;
  }
}
