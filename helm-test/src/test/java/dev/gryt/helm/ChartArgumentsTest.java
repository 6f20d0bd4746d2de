package dev.gryt.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.Main;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every {@code gryt} command line the chart renders (a container's command and arguments, its exec
 * probes) is parsed by the real picocli command the image runs: a flag renamed or removed in the
 * CLI, or a value it cannot read, fails here rather than in a cluster.
 */
class ChartArgumentsTest {
  static Stream<Arguments> renderings() {
    return Stream.of(
        rendering("default values", Chart::render),
        rendering("every option switched", () -> Chart.renderWithValues("all-options.yaml")),
        rendering(
            "storage in two namespaces",
            () -> Chart.renderWithValues("storage-two-namespaces.yaml")),
        rendering(
            "storage in all namespaces",
            () -> Chart.renderWithValues("storage-all-namespaces.yaml")),
        rendering("runs mode none", () -> Chart.render(t -> t.set("operator.runs.mode", "none"))),
        rendering(
            "kubernetes storage", () -> Chart.render(t -> t.set("server.storage", "kubernetes"))),
        rendering(
            "standalone agents",
            () -> Chart.render(t -> t.set("agents.enabled", true).set("agents.runner", "process"))),
        rendering(
            "kubernetes storage without operator",
            () ->
                Chart.render(
                    t -> t.set("server.storage", "kubernetes").set("operator.enabled", false))));
  }

  private static Arguments rendering(String name, Supplier<List<HasMetadata>> objects) {
    return Arguments.of(Named.of(name, objects));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void everyGrytCommandLineParses(Supplier<List<HasMetadata>> render) {
    List<List<String>> commandLines = new ArrayList<>();
    List<HasMetadata> objects = render.get();
    List<PodSpec> pods = new ArrayList<>();
    Chart.ofType(objects, Deployment.class)
        .forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
    Chart.ofType(objects, io.fabric8.kubernetes.api.model.apps.StatefulSet.class)
        .forEach(s -> pods.add(s.getSpec().getTemplate().getSpec()));
    for (PodSpec pod : pods) {
      List<Container> containers = new ArrayList<>(pod.getContainers());
      if (pod.getInitContainers() != null) {
        containers.addAll(pod.getInitContainers());
      }
      for (Container c : containers) {
        if (c.getCommand() != null && !c.getCommand().isEmpty()) {
          List<String> line = new ArrayList<>(c.getCommand());
          if (c.getArgs() != null) {
            line.addAll(c.getArgs());
          }
          commandLines.add(line);
        }
        for (Probe probe :
            Stream.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())
                .filter(p -> p != null && p.getExec() != null)
                .toList()) {
          commandLines.add(probe.getExec().getCommand());
        }
      }
    }
    List<List<String>> gryt = commandLines.stream().filter(l -> l.get(0).equals("gryt")).toList();
    assertThat(gryt).as("the chart's gryt command lines in %s", commandLines).isNotEmpty();
    for (List<String> line : gryt) {
      parse(line);
    }
  }

  @Test
  void theOperatorIsLeaderElectedUnderTheChartsLease() {
    Container operator =
        Chart.one(Chart.render(), Deployment.class, "gryt-operator")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    List<String> line = new ArrayList<>(operator.getCommand());
    line.addAll(operator.getArgs());
    CommandLine.ParseResult command = parse(line).subcommand();
    assertThat(command.commandSpec().name()).isEqualTo("operator");
    assertThat(command.hasMatchedOption("--no-leader-election")).isFalse();
    assertThat(command.<String>matchedOptionValue("--lease-name", null)).isEqualTo("gryt-operator");
    assertThat(command.<String>matchedOptionValue("--lease-namespace", null))
        .isEqualTo(Chart.NAMESPACE);
    assertThat(command.<Integer>matchedOptionValue("--health-port", null)).isEqualTo(8081);
  }

  /** Parses {@code gryt ARGS...} as the image's {@code gryt} would, failing on what it refuses. */
  static CommandLine.ParseResult parse(List<String> line) {
    assertThat(line.get(0)).isEqualTo("gryt");
    String[] args = line.subList(1, line.size()).toArray(String[]::new);
    CommandLine cli = Main.newCommandLine(CliEnvironment.system(), args);
    try {
      CommandLine.ParseResult result = cli.parseArgs(args);
      assertThat(result.hasSubcommand()).as("%s names a subcommand", line).isTrue();
      assertThat(result.unmatched()).as("%s", line).isEmpty();
      return result;
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError("the gryt CLI refuses " + line + ": " + e.getMessage(), e);
    }
  }
}
