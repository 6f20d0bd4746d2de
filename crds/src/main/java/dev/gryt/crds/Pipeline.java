package dev.gryt.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A named, ordered list of steps that a Job runs. */
@Group(GrytResource.GROUP)
@Version(GrytResource.VERSION)
@Plural("pipelines")
@ShortNames("pl")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
public class Pipeline extends GrytResource<PipelineSpec, PipelineStatus> {
  @Override
  protected PipelineStatus initStatus() {
    return null;
  }
}
