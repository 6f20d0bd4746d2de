package dev.gryt.cli.local;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.CliException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gryt evolution ...}: proofs of a generation's changes. */
@Command(name = "evolution", description = "Proofs of changes: start, prove, list.")
public final class EvolutionCommand {
  private final CliEnvironment environment;
  @Spec CommandSpec spec;

  EvolutionCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  private LocalSession open() {
    return LocalSession.open(environment, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  @Command(name = "start", description = "Start proving one change of a generation.")
  int start(
      @Parameters(paramLabel = "VERSION") String version,
      @Option(
              names = "--change",
              required = true,
              paramLabel = "ID",
              description = "The change, e.g. AUTH-12.")
          String change) {
    try (LocalSession session = open()) {
      LocalEvolution e = new LocalReleases(session).startEvolution(version, change);
      session.out().println("started evolution " + e.codeName() + " for " + change);
      session.out().println("  prove it with: gryt evolution prove " + e.codeName());
      return 0;
    }
  }

  @Command(
      name = "prove",
      description =
          "Run the pipeline for an evolution (on the server's agents when execution_mode is"
              + " cloud) and mark it pass or fail from the real step results.")
  int prove(
      @Parameters(paramLabel = "EVOLUTION") String codeName,
      @Option(
              names = "--pipeline",
              paramLabel = "NAME|FILE",
              description =
                  "Default: default_pipeline in config.json, else the only pipeline in .gryt/pipelines/.")
          String pipeline,
      @Option(names = "--runner", paramLabel = "process|container|sandbox") String runner,
      @Option(names = "--local", description = "Run here even when execution_mode is cloud.")
          boolean local) {
    try (LocalSession session = open()) {
      LocalReleases releases = new LocalReleases(session);
      LocalEvolution e = releases.requireEvolution(codeName);
      LocalGeneration g = session.store().generationById(e.generationId()).orElseThrow();
      LocalReleases.refuseIfPromoted(g);
      if (e.completed()) {
        throw new CliException(
            "evolution "
                + e.codeName()
                + " already ended ("
                + e.status()
                + "); prove the change again with a new one: gryt evolution start "
                + g.version()
                + " --change "
                + e.changeId());
      }
      LocalPipelines.Found found =
          LocalPipelines.resolve(
              session.project(), environment.workingDirectory(), pipelineName(session, pipeline));
      LocalRun.Outcome outcome = RunCommand.execute(session, found, runner, false, false, local);
      LocalEvolution done = releases.complete(e, found.name(), outcome.runId(), outcome.passed());
      session
          .out()
          .println("evolution " + done.codeName() + " (" + done.changeId() + "): " + done.status());
      if (!outcome.passed()) {
        session
            .err()
            .println(
                "error: the proof failed: "
                    + RunCommand.failedSteps(outcome)
                    + "; fix it, then: gryt evolution start "
                    + g.version()
                    + " --change "
                    + e.changeId());
        return 1;
      }
      return 0;
    }
  }

  private static String pipelineName(LocalSession session, String given) {
    if (given != null) {
      return given;
    }
    String configured = session.config().get(LocalConfig.Key.DEFAULT_PIPELINE);
    if (configured != null) {
      return configured;
    }
    List<String> names = LocalPipelines.names(session.project());
    if (names.size() == 1) {
      return names.get(0);
    }
    throw new CliException(
        names.isEmpty()
            ? "no pipeline to prove with: add one to .gryt/pipelines/ (gryt init --force writes an example)"
            : "which pipeline proves it? "
                + String.join(", ", names)
                + ": pass --pipeline NAME, or set one: gryt config default_pipeline NAME");
  }

  @Command(name = "list", description = "List the evolutions of a generation.")
  int list(@Parameters(paramLabel = "VERSION") String version) {
    try (LocalSession session = open()) {
      LocalGeneration g = session.store().requireGeneration(version);
      PrintWriter out = session.out();
      List<LocalEvolution> evolutions = session.store().evolutions(g.id());
      if (evolutions.isEmpty()) {
        out.println(
            "no evolutions of "
                + g.version()
                + " yet; start one with: gryt evolution start "
                + g.version()
                + " --change ID");
        return 0;
      }
      out.println(
          String.format(
              "%-32s %-10s %-12s %-10s %-11s %s",
              "EVOLUTION", "CHANGE", "STATUS", "PIPELINE", "SYNC", "STARTED"));
      for (LocalEvolution e : evolutions) {
        out.println(
            String.format(
                "%-32s %-10s %-12s %-10s %-11s %s",
                e.codeName(),
                e.changeId(),
                e.status(),
                e.pipeline() == null ? "-" : e.pipeline(),
                e.syncStatus(),
                e.startedAt()));
      }
      return 0;
    }
  }
}
