package dev.gryt.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.GrytStatus;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.ResourceKind;
import dev.gryt.crds.manifest.Manifest;
import dev.gryt.crds.manifest.ManifestParser;
import dev.gryt.crds.manifest.ParseResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A named sequence of steps (create from YAML, delete, expect a status) that any {@link
 * ScenarioDriver} must pass; each expectation is awaited, never slept for. Statuses are compared by
 * condition type, status and reason, not by timestamps or messages.
 */
record Scenario(String name, List<Step> steps) {
  static final Duration CONVERGENCE = Duration.ofSeconds(30);

  /** One thing a scenario does or checks. */
  sealed interface Step {}

  /** Parses a manifest and creates its resources in order. */
  record Create(String yaml) implements Step {}

  record Delete(ResourceKind kind, String name) implements Step {}

  /**
   * The resource exists, has reconciled its current generation, and carries exactly these
   * conditions (and this phase, for a JobRun; null to not check).
   */
  record Expect(ResourceKind kind, String name, String phase, Set<Cond> conditions)
      implements Step {}

  /** A condition as two drivers must agree on it. */
  record Cond(String type, String status, String reason) {
    @Override
    public String toString() {
      return type + "=" + status + "(" + reason + ")";
    }
  }

  static Scenario named(String name) {
    return new Scenario(name, List.of());
  }

  Scenario create(String yaml) {
    return then(new Create(yaml));
  }

  Scenario delete(ResourceKind kind, String name) {
    return then(new Delete(kind, name));
  }

  Scenario expect(ResourceKind kind, String name, Cond... conditions) {
    return then(new Expect(kind, name, null, Set.of(conditions)));
  }

  Scenario expectRun(String name, String phase, Cond... conditions) {
    return then(new Expect(ResourceKind.JOB_RUN, name, phase, Set.of(conditions)));
  }

  private Scenario then(Step step) {
    List<Step> next = new ArrayList<>(steps);
    next.add(step);
    return new Scenario(name, List.copyOf(next));
  }

  static Cond ready(String status, String reason) {
    return new Cond("Ready", status, reason);
  }

  static Cond succeeded(String status, String reason) {
    return new Cond("Succeeded", status, reason);
  }

  /** Runs every step on {@code driver}, failing at the first expectation not met in time. */
  void runOn(ScenarioDriver driver) {
    for (Step step : steps) {
      if (step instanceof Create create) {
        parse(create.yaml()).forEach(m -> driver.create(m.resource()));
      } else if (step instanceof Delete delete) {
        driver.delete(delete.kind(), delete.name());
      } else if (step instanceof Expect expect) {
        await(expect.toString()).atMost(CONVERGENCE).untilAsserted(() -> check(expect, driver));
      }
    }
  }

  private static void check(Expect expect, ScenarioDriver driver) {
    GrytResource<?, ?> resource =
        driver
            .get(expect.kind(), expect.name())
            .orElseThrow(() -> new AssertionError(expect.kind() + " " + expect.name() + " absent"));
    GrytStatus status = resource.getStatus();
    assertThat(status).as("status of %s", expect.name()).isNotNull();
    assertThat(status.observedGeneration)
        .as("observedGeneration of %s", expect.name())
        .isNotNull()
        .isEqualTo(resource.getMetadata().getGeneration());
    assertThat(summary(status))
        .as("conditions of %s", expect.name())
        .isEqualTo(expect.conditions());
    if (expect.phase() != null) {
      assertThat(((JobRunStatus) status).phase)
          .as("phase of %s", expect.name())
          .isEqualTo(expect.phase());
    }
  }

  /**
   * Every resource the driver holds, by kind and name, with its phase (JobRuns) and conditions:
   * what must be the same whichever driver ran the scenario.
   */
  static Map<String, String> snapshot(ScenarioDriver driver) {
    Map<String, String> out = new TreeMap<>();
    for (ResourceKind kind : ResourceKind.values()) {
      for (GrytResource<?, ?> r : driver.list(kind)) {
        GrytStatus status = r.getStatus();
        String phase = status instanceof JobRunStatus run ? run.phase + " " : "";
        out.put(
            kind.kind() + "/" + r.getMetadata().getName(),
            status == null
                ? "no status"
                : phase + summary(status).stream().map(Cond::toString).sorted().toList());
      }
    }
    return out;
  }

  private static Set<Cond> summary(GrytStatus status) {
    return status.conditions == null
        ? Set.of()
        : status.conditions.stream()
            .map(c -> new Cond(c.type, c.status, c.reason))
            .collect(Collectors.toSet());
  }

  private List<Manifest> parse(String yaml) {
    ParseResult parsed =
        ManifestParser.parse(name + ".yaml", yaml.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.problems()).as("problems in %s", name).isEmpty();
    return parsed.manifests();
  }

  @Override
  public String toString() {
    return name;
  }
}
