package dev.gryt.server;

/**
 * How much of the server one caller, and all callers together, may hold open at once. Long polls
 * (watches, log follows) hold no request thread while they wait, but each holds a connection, a
 * waiter in the {@link WatchHub} and a timer: these bounds keep a hostile tenant from taking them
 * all.
 */
final class HttpLimits {
  private HttpLimits() {}

  /** Long polls one login may have open at once; the next one answers 429. */
  static final int LONG_POLLS_PER_CALLER = 50;

  /** Long polls the whole server holds at once; the next one answers 503. */
  static final int LONG_POLLS = 4_000;

  /** The longest a long poll waits ({@code timeout_seconds} is capped to it). */
  static final int LONG_POLL_MAX_SECONDS = 60;

  /** How long a long poll waits when the caller does not say. */
  static final int LONG_POLL_DEFAULT_SECONDS = 25;

  /**
   * How many of the newest events the {@link WatchHub} keeps in memory; a watch that resumes from
   * further back reads the store's event log (or gets 410 when that is gone too).
   */
  static final int WATCH_WINDOW = 4_096;

  /** The most events one watch answer holds. */
  static final int WATCH_PAGE = 500;
}
