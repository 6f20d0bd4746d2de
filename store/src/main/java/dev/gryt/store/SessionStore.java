package dev.gryt.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The dashboard's sign-in sessions and one-time sign-in links, kept in the database so that they
 * survive a restart and are shared by every server on it. Only a hash of each token is stored: a
 * copy of the table signs nobody in.
 */
public interface SessionStore {
  /**
   * Stores a session or a link.
   *
   * @throws AlreadyExistsException when the token hash is taken
   */
  void create(Session session);

  /** The session with this token hash, expired or not; links are not sessions. */
  Optional<Session> session(String tokenHash);

  /**
   * Takes a one-time link out: it is deleted and returned, so that only one caller ever gets it,
   * also when two use it at once. Empty when there is no such link.
   */
  Optional<Session> consumeLink(String tokenHash);

  /** Changes the team a session acts for (null: the account itself); false when it is gone. */
  boolean actFor(String tokenHash, String team);

  /** Ends a session (sign-out); false when there was none. */
  boolean delete(String tokenHash);

  /** Deletes sessions and links that expired before {@code now}; returns how many. */
  int deleteExpired(Instant now);

  /**
   * A session or a one-time link.
   *
   * @param tokenHash hex SHA-256 of the token the browser (or the link) holds
   * @param kind {@value #SESSION} or {@value #LINK}
   * @param team the team the session acts for; null for the account itself
   */
  record Session(
      String tokenHash,
      String accountId,
      String kind,
      String team,
      Instant createdAt,
      Instant expiresAt) {
    public static final String SESSION = "session";
    public static final String LINK = "link";

    public boolean expiredAt(Instant now) {
      return !now.isBefore(expiresAt);
    }
  }
}
