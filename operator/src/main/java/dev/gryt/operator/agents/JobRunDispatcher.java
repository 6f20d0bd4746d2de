package dev.gryt.operator.agents;

import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunPhase;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.RunResolver;
import dev.gryt.crds.agent.AgentProtocol;
import dev.gryt.crds.agent.RunAssignment;
import dev.gryt.crds.agent.RunReports;
import dev.gryt.operator.Lookup;
import dev.gryt.operator.Placement;
import dev.gryt.operator.RepoTokens;
import dev.gryt.operator.TokenUnavailableException;
import dev.gryt.operator.loop.ControlLoop;
import dev.gryt.store.ConflictException;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.ResourceStore;
import dev.gryt.store.Watch;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places waiting JobRuns on agents and takes them back from agents that go silent (standalone
 * mode); the decisions are {@link Placement}'s, this class does the reading, writing and HTTP.
 *
 * <p>A placement is claimed by a status write fenced by the run's resourceVersion (the store's
 * conditional update): of two writers only one wins, so no run is placed twice; only the winner
 * sends the assignment. Each placement carries a fresh 256-bit report token, of which the run's
 * status keeps only the hash. Runs that end on the server's side while on an agent (cancelled,
 * timed out, replaced, taken back) are cancelled on the agent too; should that request be lost, the
 * agent's next report is answered 410 or 409 and it stops anyway.
 *
 * <p>Runs in one thread, woken by JobRun changes, agent health changes and the next lease end; idle
 * when nothing happens. Run it only while this process leads (it is a {@link
 * ControlLoop.Companion}).
 */
public final class JobRunDispatcher implements ControlLoop.Companion {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunDispatcher.class);
  private static final Duration MAX_SLEEP = Duration.ofSeconds(5);

  private final ResourceStore store;
  private final Clock clock;
  private final AgentRegistry agents;
  private final RepoTokens tokens;
  private final Placement.Settings settings;
  private final String reportBase;
  private final Long maxStepLogBytes;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Holder> onAgents = new ConcurrentHashMap<>();
  private final Object signal = new Object();
  private ExecutorService senders;
  private boolean dirty;
  private volatile boolean running;
  private Thread thread;
  private Watch watch;

  /** Where the current attempt of a run is, as last seen. */
  private record Holder(String agent, int attempt) {}

  /**
   * @param reportBase the URL agents reach this server's API at ({@code http://host:port})
   */
  public JobRunDispatcher(
      ResourceStore store,
      Clock clock,
      AgentRegistry agents,
      RepoTokens tokens,
      Placement.Settings settings,
      String reportBase) {
    this(store, clock, agents, tokens, settings, reportBase, null);
  }

  /**
   * @param reportBase the URL agents reach this server's API at ({@code http://host:port})
   * @param maxStepLogBytes the cap on each step's log sent with every assignment; null leaves it to
   *     the agents
   */
  public JobRunDispatcher(
      ResourceStore store,
      Clock clock,
      AgentRegistry agents,
      RepoTokens tokens,
      Placement.Settings settings,
      String reportBase,
      Long maxStepLogBytes) {
    this.maxStepLogBytes = maxStepLogBytes;
    this.store = store;
    this.clock = clock;
    this.agents = agents;
    this.tokens = tokens;
    this.settings = settings;
    this.reportBase = AgentRegistry.nameOf(URI.create(reportBase));
  }

  @Override
  public synchronized void start() {
    running = true;
    senders =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "gryt-dispatch-send");
              t.setDaemon(true);
              return t;
            });
    agents.onChange(this::wake);
    agents.start();
    watch =
        store.watch(
            store.resourceVersion(),
            e -> {
              if (e.resource() instanceof JobRun) {
                wake();
              }
            });
    thread = new Thread(this::loop, "gryt-dispatch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Looks at the runs again now (a change, or a clock moved by a test). */
  public void wake() {
    synchronized (signal) {
      dirty = true;
      signal.notifyAll();
    }
  }

  private void loop() {
    while (running) {
      synchronized (signal) {
        dirty = false;
      }
      Instant next = null;
      try {
        next = pass();
      } catch (RuntimeException e) {
        LOG.warn("placing runs failed (trying again): {}", e.toString());
        next = clock.instant().plusSeconds(1);
      }
      synchronized (signal) {
        long ms =
            next == null
                ? MAX_SLEEP.toMillis()
                : Math.min(
                    MAX_SLEEP.toMillis(), Duration.between(clock.instant(), next).toMillis());
        if (!dirty && running && ms > 0) {
          try {
            signal.wait(ms);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  /**
   * One look at every run: takes back lost leases, stops runs on agents that ended here, places the
   * waiting ones. Returns when it wants to look again at the latest (the next lease end).
   */
  Instant pass() {
    Instant now = clock.instant();
    List<JobRun> runs = store.list(JobRun.class, null, Map.of());
    Instant next = null;
    Set<String> present = new HashSet<>();
    for (JobRun run : runs) {
      String id = run.id();
      present.add(id);
      JobRunStatus status = run.getStatus();
      if (Placement.placed(status) && status.agent != null && status.attempt != null) {
        Holder was = onAgents.put(id, new Holder(status.agent, status.attempt));
        if (was != null && was.attempt() != status.attempt) {
          cancelOnAgent(id, was);
        }
        if (Placement.leaseLost(run, now, settings)) {
          takeBack(run, now);
        } else if (status.heartbeatAt != null) {
          Instant end = Placement.leaseEnd(run, settings);
          next = next == null || end.isBefore(next) ? end : next;
        }
      } else {
        Holder was = onAgents.remove(id);
        if (was != null && (Placement.endedByServer(run) || !JobRunPhase.terminal(phase(run)))) {
          cancelOnAgent(id, was);
        } else if (was != null) {
          // Ended on the agent: its free slot counts once the agent says so (Placement counts the
          // larger of the runs placed here and what the agent last said it runs).
          agents.pollSoon(was.agent());
        }
      }
    }
    for (String id : Set.copyOf(onAgents.keySet())) {
      if (!present.contains(id)) {
        cancelOnAgent(id, onAgents.remove(id));
      }
    }
    agents.busy(!onAgents.isEmpty() || runs.stream().anyMatch(Placement::waiting));
    List<Placement.Agent> seen = agents.snapshot();
    Set<String> assigned = new HashSet<>();
    for (Placement.Assignment a : Placement.assign(runs, seen)) {
      assigned.add(a.run().id());
      place(a, now);
    }
    for (JobRun run : runs) {
      if (Placement.waiting(run) && !assigned.contains(run.id())) {
        Placement.stillWaiting(run, seen, now).ifPresent(status -> write(run, status));
      }
    }
    return next;
  }

  private void takeBack(JobRun run, Instant now) {
    JobRunStatus status = Placement.takenBack(run, now, settings);
    LOG.warn(
        "run {} lost its lease on {} (attempt {}): {}",
        run.id(),
        run.getStatus().agent,
        run.getStatus().attempt,
        JobRunPhase.FAILED.is(status.phase) ? "failed" : "placing it again");
    if (write(run, status) != null) {
      Holder was = onAgents.remove(run.id());
      if (was != null) {
        cancelOnAgent(run.id(), was);
      }
    }
  }

  private void place(Placement.Assignment a, Instant now) {
    JobRun run = a.run();
    RunResolver.Resolution resolution = RunResolver.resolve(run, lookup());
    if (resolution instanceof RunResolver.Unresolvable u) {
      write(run, Placement.unplaceable(run, u.reason(), u.message(), now));
      return;
    }
    RunResolver.Resolved resolved = (RunResolver.Resolved) resolution;
    Optional<String> repoToken;
    try {
      repoToken =
          resolved.repo() == null
              ? Optional.empty()
              : tokens.token(run.getMetadata().getNamespace(), resolved.repo().getSpec());
    } catch (TokenUnavailableException e) {
      write(run, Placement.unplaceable(run, e.runReason(), e.getMessage(), now));
      return;
    }
    String reportToken = newToken();
    JobRun claimed =
        write(
            run,
            Placement.placedOn(
                run, a.agent(), a.attempt(), RunReports.sha256Hex(reportToken), now));
    if (claimed == null) {
      return;
    }
    onAgents.put(claimed.id(), new Holder(a.agent(), a.attempt()));
    byte[] body =
        AgentProtocol.toJson(
            RunAssignment.of(
                    resolved,
                    a.attempt(),
                    repoToken,
                    reportBase + AgentProtocol.reportPath(claimed.id()),
                    reportToken)
                .withMaxStepLogBytes(maxStepLogBytes));
    senders.submit(() -> send(claimed, a.agent(), a.attempt(), body));
  }

  private void send(JobRun run, String agent, int attempt, byte[] body) {
    URI url = agents.url(agent);
    AgentClient.Sent sent;
    try {
      sent = agents.client().start(url, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    switch (sent.delivery()) {
      case ACCEPTED -> LOG.debug("run {} attempt {} started on {}", run.id(), attempt, agent);
      case UNKNOWN ->
          LOG.warn(
              "run {} attempt {} sent to {}: {}; its lease decides",
              run.id(),
              attempt,
              agent,
              sent.detail());
      case REFUSED -> {
        LOG.info("run {} refused by {}: {}", run.id(), agent, sent.detail());
        // Out of placement until its next health check says otherwise.
        agents.markDown(agent, sent.detail());
        giveBack(run, agent, attempt, sent.detail());
      }
    }
  }

  /** A refused placement waits again, unless the run moved on meanwhile. */
  private void giveBack(JobRun placed, String agent, int attempt, String why) {
    Optional<JobRun> now =
        store.get(
            JobRun.class, placed.getMetadata().getNamespace(), placed.getMetadata().getName());
    if (now.isEmpty()) {
      return;
    }
    JobRunStatus s = now.get().getStatus();
    if (s != null
        && JobRunPhase.SCHEDULED.is(s.phase)
        && agent.equals(s.agent)
        && Integer.valueOf(attempt).equals(s.attempt)) {
      if (write(now.get(), Placement.refused(now.get(), agent + ": " + why, clock.instant()))
          != null) {
        onAgents.remove(placed.id());
      }
    }
    wake();
  }

  private void cancelOnAgent(String runId, Holder holder) {
    URI url = agents.url(holder.agent());
    if (url == null || senders == null || senders.isShutdown()) {
      return;
    }
    senders.submit(
        () -> {
          try {
            if (!agents.client().cancel(url, runId)) {
              LOG.info(
                  "could not cancel run {} on {}; its next report stops it", runId, holder.agent());
            }
            agents.pollSoon(holder.agent());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /** Writes a run's status if nobody changed the run since it was read; null when someone did. */
  private JobRun write(JobRun run, JobRunStatus status) {
    JobRun copy = ResourceCodec.copy(run);
    copy.setStatus(status);
    try {
      return store.updateStatus(copy);
    } catch (ConflictException | NotFoundException e) {
      wake();
      return null;
    }
  }

  private String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String phase(JobRun run) {
    return run.getStatus() == null ? null : run.getStatus().phase;
  }

  private Lookup lookup() {
    return new Lookup() {
      @Override
      public <R extends GrytResource<?, ?>> Optional<R> get(
          Class<R> type, String namespace, String name) {
        return store.get(type, namespace, name);
      }

      @Override
      public <R extends GrytResource<?, ?>> List<R> list(Class<R> type, String namespace) {
        return store.list(type, namespace, Map.of());
      }
    };
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    wake();
    if (watch != null) {
      watch.close();
    }
    agents.close();
    if (t != null) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (senders != null) {
      senders.shutdown();
      try {
        senders.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
