package dev.gryt.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A git repository a Job checks out. */
@Group(GrytResource.GROUP)
@Version(GrytResource.VERSION)
@Plural("githubrepos")
@ShortNames("ghr")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
public class GitHubRepo extends GrytResource<GitHubRepoSpec, GitHubRepoStatus> {
  @Override
  protected GitHubRepoStatus initStatus() {
    return null;
  }
}
