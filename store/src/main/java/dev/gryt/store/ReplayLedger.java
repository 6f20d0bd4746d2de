package dev.gryt.store;

import java.time.Duration;
import java.time.Instant;

/**
 * The signed requests already seen, shared by every server on one database: a request signed once
 * and sent again (to this server or to another replica) inside its time window is refused. Entries
 * are kept until they expire, when the signature's timestamp check refuses the request anyway.
 *
 * <p>Two ways to record a signature. {@link #firstSighting} writes it before it returns: for
 * requests that change something, whose replay must never run twice. {@link #firstSightingOfRead}
 * looks it up (one indexed read) and has it written with others within {@link #WRITE_DELAY}, one
 * statement for all of them: for reads. A read replayed to another replica is refused once the
 * entry is written; a copy that reaches another replica inside those milliseconds is served (it
 * reads again what the original read) and the write says so in the log. Writing each read's entry
 * in a transaction of its own cost more CPU than serving the read.
 */
public interface ReplayLedger {
  /** At most how long {@link #firstSightingOfRead} entries wait before they are written. */
  Duration WRITE_DELAY = Duration.ofMillis(5);

  /**
   * Records a signature, and waits until it is written.
   *
   * @param signature what identifies the signed request (its key id and signature)
   * @param expiresAt when the entry may be forgotten
   * @return true the first time, false when any server recorded it before (and it has not expired)
   */
  boolean firstSighting(String signature, Instant expiresAt);

  /**
   * Whether no server has written the signature yet; records it within {@link #WRITE_DELAY},
   * without waiting. The caller has made sure that this server did not see it before.
   */
  boolean firstSightingOfRead(String signature, Instant expiresAt);

  /** Returns once every entry recorded before the call is written. */
  void flush();
}
