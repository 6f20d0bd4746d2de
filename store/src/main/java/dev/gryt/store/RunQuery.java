package dev.gryt.store;

import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A page of the runs list ({@link ResourceStore#runs}): newest first (creationTimestamp, then name,
 * both descending, compared as strings), filtered, from {@code offset}, at most {@code limit}.
 *
 * <p>{@link #select} is the meaning of every field, in memory; a store that answers in SQL must
 * answer the same.
 *
 * @param namespacePrefix only runs whose namespace starts with it ({@code ""}: every namespace the
 *     store shows); a tenant's view puts its tenant prefix in front
 * @param job only runs of the Job of this name; null for any
 * @param phases only runs in one of these phases ({@link JobRun#phase()}: a run with no phase yet
 *     is {@code Pending}); empty for any
 * @param branch only runs about this branch ({@link JobRun#branch()}); null for any
 */
public record RunQuery(
    String namespacePrefix,
    String job,
    Set<JobRunPhase> phases,
    String branch,
    int offset,
    int limit) {
  /** The most runs one page holds. */
  public static final int MAX_LIMIT = 500;

  /** The longest name a filter can match (a Kubernetes name). */
  static final int MAX_NAME = 253;

  /** Newest first; ties by name, descending. */
  public static final Comparator<JobRun> NEWEST_FIRST =
      Comparator.comparing(
              (JobRun r) -> r.getMetadata().getCreationTimestamp(),
              Comparator.nullsFirst(Comparator.<String>naturalOrder()))
          .thenComparing(r -> r.getMetadata().getName())
          .reversed();

  /**
   * @throws IllegalArgumentException listing every problem: a null prefix or phase set, a blank or
   *     over-long job or branch (null means any), an offset below 0, a limit outside 1..{@value
   *     #MAX_LIMIT}
   */
  public RunQuery {
    List<String> problems = new ArrayList<>();
    if (namespacePrefix == null) {
      problems.add("namespacePrefix: null (\"\" for every namespace)");
    } else if (namespacePrefix.length() > MAX_NAME) {
      problems.add("namespacePrefix: at most " + MAX_NAME + " characters");
    }
    checkName("job", job, problems);
    checkName("branch", branch, problems);
    if (phases == null || phases.stream().anyMatch(Objects::isNull)) {
      problems.add("phases: a set of phases (empty for any)");
    }
    if (offset < 0) {
      problems.add("offset: at least 0, not " + offset);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      problems.add("limit: between 1 and " + MAX_LIMIT + ", not " + limit);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("bad run query: " + String.join("; ", problems));
    }
    phases = phases.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(phases));
  }

  /** Every run the store shows, newest first, from {@code offset}, at most {@code limit}. */
  public static RunQuery newest(int offset, int limit) {
    return new RunQuery("", null, Set.of(), null, offset, limit);
  }

  public RunQuery withJob(String job) {
    return new RunQuery(namespacePrefix, job, phases, branch, offset, limit);
  }

  public RunQuery withPhases(Set<JobRunPhase> phases) {
    return new RunQuery(namespacePrefix, job, phases, branch, offset, limit);
  }

  public RunQuery withBranch(String branch) {
    return new RunQuery(namespacePrefix, job, phases, branch, offset, limit);
  }

  public RunQuery withNamespacePrefix(String namespacePrefix) {
    return new RunQuery(namespacePrefix, job, phases, branch, offset, limit);
  }

  /** Whether {@code run} passes every filter. */
  public boolean matches(JobRun run) {
    String namespace = run.getMetadata().getNamespace();
    return (namespacePrefix.isEmpty()
            || (namespace != null && namespace.startsWith(namespacePrefix)))
        && (job == null || job.equals(run.getSpec() == null ? null : run.getSpec().jobName))
        && (phases.isEmpty() || phases.stream().anyMatch(p -> p.is(run.phase())))
        && (branch == null || branch.equals(run.branch()));
  }

  /** The page of {@code runs} this query asks for, worked out in memory. */
  public RunPage select(Collection<JobRun> runs) {
    List<JobRun> matching = runs.stream().filter(this::matches).sorted(NEWEST_FIRST).toList();
    int from = Math.min(offset, matching.size());
    return new RunPage(
        matching.subList(from, Math.min(matching.size(), from + limit)), matching.size());
  }

  private static void checkName(String field, String value, List<String> problems) {
    if (value == null) {
      return;
    }
    if (value.isBlank()) {
      problems.add(field + ": blank (null for any)");
    } else if (value.length() > MAX_NAME) {
      problems.add(field + ": at most " + MAX_NAME + " characters");
    }
  }
}
