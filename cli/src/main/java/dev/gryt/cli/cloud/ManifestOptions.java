package dev.gryt.cli.cloud;

import java.util.List;
import picocli.CommandLine.Option;

/** The {@code -f} and {@code -R} options that {@code apply} and {@code diff} share. */
final class ManifestOptions {
  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE|DIR|-",
      required = true,
      description = "Manifest file, directory of .yaml/.yml files, or - for stdin. Repeatable.")
  List<String> files;

  @Option(
      names = {"-R", "--recursive"},
      description = "Include subdirectories of directories given with -f.")
  boolean recursive;
}
