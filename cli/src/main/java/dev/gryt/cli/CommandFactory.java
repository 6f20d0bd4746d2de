package dev.gryt.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Creates commands, handing the {@link CliEnvironment} to those whose constructor takes it; every
 * other class is created by picocli's default factory.
 */
final class CommandFactory implements IFactory {
  private final CliEnvironment environment;
  private final IFactory fallback = CommandLine.defaultFactory();

  CommandFactory(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    try {
      Constructor<K> constructor = type.getDeclaredConstructor(CliEnvironment.class);
      constructor.setAccessible(true);
      return constructor.newInstance(environment);
    } catch (NoSuchMethodException e) {
      return fallback.create(type);
    }
  }
}
