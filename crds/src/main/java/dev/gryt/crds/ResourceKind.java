package dev.gryt.crds;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The kinds of {@code gryt.io/v1}, with the names and id prefixes each is known by. */
public enum ResourceKind {
  PIPELINE(
      "Pipeline", "pipelines", "pipelines", "pipe-", Pipeline.class, List.of("pipeline", "pipe")),
  GITHUB_REPO(
      "GitHubRepo",
      "githubrepos",
      "github-repos",
      "repo-",
      GitHubRepo.class,
      List.of("githubrepo", "repo", "github-repos", "github-repo", "repos")),
  JOB("Job", "jobs", "jobs", "job-", Job.class, List.of("job")),
  WEBHOOK("Webhook", "webhooks", "webhooks", "webhook-", Webhook.class, List.of("webhook", "wh")),
  JOB_RUN("JobRun", "jobruns", "runs", "run-", JobRun.class, List.of("jobrun", "run", "runs"));

  private final String kind;
  private final String plural;
  private final String apiPath;
  private final String idPrefix;
  private final Class<? extends GrytResource<?, ?>> type;
  private final List<String> aliases;

  ResourceKind(
      String kind,
      String plural,
      String apiPath,
      String idPrefix,
      Class<? extends GrytResource<?, ?>> type,
      List<String> aliases) {
    this.kind = kind;
    this.plural = plural;
    this.apiPath = apiPath;
    this.idPrefix = idPrefix;
    this.type = type;
    this.aliases = aliases;
  }

  /** The kind as written in manifests, e.g. {@code GitHubRepo}. */
  public String kind() {
    return kind;
  }

  public String plural() {
    return plural;
  }

  /** The collection's segment under {@code /api/v1/}, e.g. {@code github-repos}. */
  public String apiPath() {
    return apiPath;
  }

  /** Lower-case kind used in CLI output, e.g. {@code githubrepo}. */
  public String singular() {
    return kind.toLowerCase(Locale.ROOT);
  }

  public String idPrefix() {
    return idPrefix;
  }

  public Class<? extends GrytResource<?, ?>> type() {
    return type;
  }

  /** Finds a kind by its manifest name ({@code Pipeline}), exactly. */
  public static Optional<ResourceKind> fromKind(String kind) {
    return Arrays.stream(values()).filter(k -> k.kind.equals(kind)).findFirst();
  }

  /** Finds a kind by any name a person types: kind, plural, singular or alias, any case. */
  public static Optional<ResourceKind> lookup(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(
            k ->
                k.kind.toLowerCase(Locale.ROOT).equals(n)
                    || k.plural.equals(n)
                    || k.aliases.contains(n))
        .findFirst();
  }

  /** Finds the kind whose id prefix starts the given id. */
  public static Optional<ResourceKind> fromId(String id) {
    return Arrays.stream(values()).filter(k -> id.startsWith(k.idPrefix)).findFirst();
  }

  private static final java.util.Map<Class<?>, ResourceKind> BY_TYPE = new java.util.HashMap<>();

  static {
    for (ResourceKind k : values()) {
      BY_TYPE.put(k.type, k);
    }
  }

  /** The kind of a resource class; a map lookup, as it runs for every event the controller sees. */
  public static ResourceKind of(Class<?> type) {
    ResourceKind kind = BY_TYPE.get(type);
    if (kind == null) {
      throw new IllegalArgumentException("not a gryt kind: " + type);
    }
    return kind;
  }
}
