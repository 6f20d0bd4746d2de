package dev.gryt.cli.local;

import dev.gryt.cli.CliEnvironment;
import dev.gryt.cli.cloud.Credentials;
import dev.gryt.cli.cloud.GrytApiClient;
import dev.gryt.cli.cloud.RequestDecorator;
import dev.gryt.cli.cloud.ServerUrl;
import java.io.PrintWriter;
import java.net.URI;

/**
 * What a local-first command works with: the project, its open database, its config, and an event
 * bus whose sync handler pushes by execution mode. Config and the cloud client are made on first
 * use, so a read-only command such as {@code generation list} loads neither.
 */
public final class LocalSession implements AutoCloseable {
  private final CliEnvironment environment;
  private final Project project;
  private final LocalDatabase db;
  private final LocalStore store;
  private final PrintWriter out;
  private final PrintWriter err;
  private LocalConfig config;
  private EventBus bus;

  private LocalSession(
      CliEnvironment environment, Project project, PrintWriter out, PrintWriter err) {
    this.environment = environment;
    this.project = project;
    this.db = project.open(environment.grytHome().resolve("native"));
    this.store = new LocalStore(db);
    this.out = out;
    this.err = err;
  }

  /** Finds the project from the working directory and opens its database. */
  public static LocalSession open(CliEnvironment environment, PrintWriter out, PrintWriter err) {
    return new LocalSession(environment, Project.find(environment), out, err);
  }

  public CliEnvironment environment() {
    return environment;
  }

  public Project project() {
    return project;
  }

  public LocalDatabase db() {
    return db;
  }

  public LocalStore store() {
    return store;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  public LocalConfig config() {
    if (config == null) {
      config = LocalConfig.read(project.config());
    }
    return config;
  }

  /** The bus, with the sync handler of the configured execution mode subscribed. */
  public EventBus bus() {
    if (bus == null) {
      bus = new EventBus();
      bus.subscribe(new SyncHandler(config().executionMode(), store, this::cloudSync, err));
    }
    return bus;
  }

  /**
   * The server: {@code $GRYT_URL}, else {@code server_url} of the project, else of {@code
   * $GRYT_HOME/config.json}, else the default.
   */
  public URI serverUrl() {
    String projectUrl =
        environment.variable("GRYT_URL") != null ? null : config().get(LocalConfig.Key.SERVER_URL);
    return ServerUrl.resolve(projectUrl, environment);
  }

  public ReleaseClient client() {
    return new ReleaseClient(api());
  }

  /** The Cloud API of {@link #serverUrl()}, for runs on the server's agents. */
  public GrytApiClient api() {
    // The same credentials as gryt cloud: an API key or login for this server, if any.
    URI url = serverUrl();
    Credentials credentials = Credentials.find(url, environment);
    return new GrytApiClient(
        url,
        credentials == null ? RequestDecorator.NONE : credentials.decorator(environment.clock()));
  }

  public CloudSync cloudSync() {
    return new CloudSync(
        store,
        project,
        client(),
        line -> {
          out.println(line);
          out.flush();
        });
  }

  @Override
  public void close() {
    db.close();
  }
}
