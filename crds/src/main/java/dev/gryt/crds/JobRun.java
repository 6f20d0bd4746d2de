package dev.gryt.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
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

  /**
   * The phase the run is in as lists show and filter it: its status's phase, {@code Pending} while
   * it has none.
   */
  @JsonIgnore
  public String phase() {
    return getStatus() == null || getStatus().phase == null
        ? JobRunPhase.PENDING.value()
        : getStatus().phase;
  }

  /**
   * The branch the run is about: the one recorded at its start, else the one its ref names; null
   * for none (a tag, a bare commit).
   */
  @JsonIgnore
  public String branch() {
    if (getSpec() == null) {
      return null;
    }
    return getSpec().branch != null ? getSpec().branch : JobRunFactory.branchOf(getSpec().ref);
  }
}
