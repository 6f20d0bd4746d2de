package dev.gryt.cli.cloud;

import dev.gryt.cli.FailureExitCode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gryt cloud diff}: what {@code apply} would change. Exit codes follow {@code kubectl diff}:
 * 0 nothing differs, 1 something differs, 2 the diff itself failed.
 */
@Command(
    name = "diff",
    description = "Show what applying the manifests would change.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:nothing differs", "1:something differs", "2:error"})
public final class DiffCommand implements Callable<Integer>, FailureExitCode {
  static final int DIFFERENT = 1;
  static final int FAILED = 2;

  @ParentCommand CloudCommand cloud;
  @Spec CommandSpec spec;
  @Mixin ManifestOptions manifests;

  @Override
  public Integer call() {
    String yaml =
        ManifestInput.read(manifests.files, manifests.recursive, cloud.environment())
            .validatedYaml();
    List<ApplyResult> results = ApplyResult.listFrom(cloud.client().apply(yaml, true, null));
    PrintWriter out = spec.commandLine().getOut();
    ApplyOutput.printDiff(out, results);
    out.flush();
    return results.stream().anyMatch(ApplyResult::changed) ? DIFFERENT : 0;
  }

  @Override
  public int failureExitCode() {
    return FAILED;
  }
}
