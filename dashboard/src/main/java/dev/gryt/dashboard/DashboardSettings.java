package dev.gryt.dashboard;

import java.time.Duration;

/**
 * How the dashboard signs people in.
 *
 * @param sessionTtl how long a session lasts from sign-in
 * @param linkTtl how long a one-time sign-in link may wait to be used
 */
public record DashboardSettings(Duration sessionTtl, Duration linkTtl) {
  /** Twelve-hour sessions, links good for ten minutes. */
  public static final DashboardSettings DEFAULT =
      new DashboardSettings(Duration.ofHours(12), Duration.ofMinutes(10));
}
