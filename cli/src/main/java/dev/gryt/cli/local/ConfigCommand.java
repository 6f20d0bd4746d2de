package dev.gryt.cli.local;

import dev.gryt.cli.CliEnvironment;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gryt config KEY [VALUE]}, {@code gryt config get KEY}, {@code gryt config list}, {@code
 * gryt config unset KEY}: the project's {@code .gryt/config.json}.
 */
@Command(
    name = "config",
    description = {
      "Show or set a project setting: gryt config KEY [VALUE] | get KEY | list | unset KEY.",
      "Settings: execution_mode (local|cloud|hybrid), server_url, runner (process|container|sandbox),"
          + " default_pipeline, user."
    })
public final class ConfigCommand implements Callable<Integer> {
  private final CliEnvironment environment;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "KEY|get|list|unset",
      description = "A setting, or get, list, unset.")
  String first;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE")
  String second;

  ConfigCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Project project = Project.find(environment);
    LocalConfig config = LocalConfig.read(project.config());
    switch (first) {
      case "list" -> {
        if (second != null) {
          throw new dev.gryt.cli.CliException("gryt config list takes no value");
        }
        for (Map.Entry<String, String> e : config.effective().entrySet()) {
          out.println(e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue()));
        }
      }
      case "get" -> out.println(valueOf(config, required(second, "get")));
      case "unset" -> {
        config.unset(LocalConfig.Key.named(required(second, "unset")));
        config.write();
      }
      default -> {
        LocalConfig.Key key = LocalConfig.Key.named(first);
        if (second == null) {
          out.println(valueOf(config, first));
        } else {
          config.set(key, second);
          config.write();
          out.println(key.key() + "=" + config.get(key));
        }
      }
    }
    return 0;
  }

  private static String valueOf(LocalConfig config, String key) {
    String value = config.get(LocalConfig.Key.named(key));
    return value == null ? "" : value;
  }

  private static String required(String value, String verb) {
    if (value == null) {
      throw new dev.gryt.cli.CliException(
          "gryt config "
              + verb
              + " needs a KEY (one of "
              + String.join(", ", LocalConfig.Key.names())
              + ")");
    }
    return value;
  }
}
