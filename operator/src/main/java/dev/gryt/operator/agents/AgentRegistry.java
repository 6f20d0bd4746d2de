package dev.gryt.operator.agents;

import dev.gryt.operator.Placement;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents the server places runs on, from its configuration, each with what its last {@code GET
 * /health} said. Polled every {@code interval} while there is work (runs on agents or waiting for
 * one, see {@link #busy}) or an agent is down, else every {@code idleInterval}: an idle server
 * spends next to no CPU on it. An agent that does not answer is unhealthy until it answers again.
 * Listeners hear of every change (an agent up or down, its capacity or load).
 */
public final class AgentRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRegistry.class);

  private final Map<String, URI> agents = new LinkedHashMap<>();
  private final Map<String, Placement.Agent> states = new LinkedHashMap<>();
  // Agents whose state has been logged once: one down from the start (a wrong certificate, a
  // wrong port) must say so, though its state never changes from the initial "down".
  private final java.util.Set<String> logged = new java.util.HashSet<>();
  private final AgentClient client;
  private final Duration interval;
  private final Duration idleInterval;
  private volatile boolean busy;
  private volatile long lastPollNanos;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Set<String> soon = new HashSet<>();
  private ScheduledExecutorService poller;

  /** Polls every {@code interval} while busy, five times less often while idle. */
  public AgentRegistry(List<URI> urls, AgentClient client, Duration interval) {
    this(urls, client, interval, interval.multipliedBy(5));
  }

  public AgentRegistry(
      List<URI> urls, AgentClient client, Duration interval, Duration idleInterval) {
    this.idleInterval = idleInterval;
    for (URI url : urls) {
      String name = nameOf(url);
      agents.put(name, URI.create(name + "/"));
      states.put(name, new Placement.Agent(name, false, 0, 0));
    }
    this.client = client;
    this.interval = interval;
  }

  /** An agent's name: its URL without a trailing slash. */
  public static String nameOf(URI url) {
    String s = url.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  public AgentClient client() {
    return client;
  }

  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  public synchronized AgentRegistry start() {
    if (poller == null && !agents.isEmpty()) {
      poller =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "gryt-agent-health");
                t.setDaemon(true);
                return t;
              });
      poller.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  public synchronized List<Placement.Agent> snapshot() {
    return List.copyOf(states.values());
  }

  /** The agent's base URL, or null for a name not configured. */
  public synchronized URI url(String name) {
    return agents.get(name);
  }

  /** Takes an agent out of placement until its next good health check (it refused a connection). */
  public void markDown(String name, String why) {
    update(name, new Placement.Agent(name, false, 0, 0), why);
  }

  /**
   * Checks {@code name} again soon, off the caller's thread: a run placed on it just ended, so what
   * its last poll said it runs is out of date, and placement would count the ended run against it
   * until the next poll (up to {@code interval} later).
   */
  public void pollSoon(String name) {
    ScheduledExecutorService p;
    synchronized (this) {
      p = poller;
      if (p == null || !agents.containsKey(name) || !soon.add(name)) {
        return;
      }
    }
    try {
      p.execute(
          () -> {
            synchronized (this) {
              soon.remove(name);
            }
            poll(name);
          });
    } catch (RejectedExecutionException closed) {
      // Closing: no more polls.
    }
  }

  /**
   * Whether runs are on agents or waiting for one: then every {@code interval} counts, else polls
   * come every {@code idleInterval}.
   */
  public void busy(boolean busy) {
    this.busy = busy;
  }

  private void tick() {
    boolean anyDown;
    synchronized (this) {
      anyDown = states.values().stream().anyMatch(a -> !a.healthy());
    }
    if (busy || anyDown || System.nanoTime() - lastPollNanos >= idleInterval.toNanos()) {
      pollAll();
    }
  }

  /** Checks every agent now (also what the poller does each interval). */
  public void pollAll() {
    lastPollNanos = System.nanoTime();
    List<String> names;
    synchronized (this) {
      names = new ArrayList<>(agents.keySet());
    }
    for (String name : names) {
      if (!poll(name)) {
        return;
      }
    }
  }

  /** Checks one agent; false when interrupted. */
  private boolean poll(String name) {
    URI url;
    synchronized (this) {
      url = agents.get(name);
    }
    try {
      AgentClient.Health h = client.health(url);
      boolean healthy = "ok".equals(h.status()) && h.capacity() > 0;
      update(
          name,
          new Placement.Agent(name, healthy, h.capacity(), h.running(), h.isolates()),
          h.status());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      update(name, new Placement.Agent(name, false, 0, 0), AgentClient.describe(e));
      return true;
    }
  }

  private void update(String name, Placement.Agent now, String why) {
    Placement.Agent before;
    boolean first;
    synchronized (this) {
      before = states.put(name, now);
      first = logged.add(name);
    }
    if (first || !Objects.equals(before, now)) {
      if (first || before == null || before.healthy() != now.healthy()) {
        LOG.info(
            "agent {} is {}{}",
            name,
            now.healthy() ? "up" : "down",
            !now.healthy()
                ? ": " + why
                : now.isolates()
                    ? " (isolates steps)"
                    : " (does not isolate steps: it gets only the admin's runs)");
      }
      listeners.forEach(Runnable::run);
    }
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }
}
