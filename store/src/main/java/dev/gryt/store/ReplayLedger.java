package dev.gryt.store;

import java.time.Instant;

/**
 * The signed requests already seen, shared by every server on one database: a request signed once
 * and sent again (to this server or to another replica) inside its time window is refused. Entries
 * are kept until they expire, when the signature's timestamp check refuses the request anyway.
 */
public interface ReplayLedger {
  /**
   * Records a signature.
   *
   * @param signature what identifies the signed request (its key id and signature)
   * @param expiresAt when the entry may be forgotten
   * @return true the first time, false when any server recorded it before (and it has not expired)
   */
  boolean firstSighting(String signature, Instant expiresAt);
}
