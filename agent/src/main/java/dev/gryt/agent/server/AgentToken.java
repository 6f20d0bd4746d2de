package dev.gryt.agent.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bearer token an agent without mutual TLS demands of every request: made at random when the
 * process starts, held only in its memory and given to the one client that dispatches to the agent
 * (the in-process agents of {@code gryt server}). Without it, any local process could post a run to
 * the agent's loopback port, or cancel real ones.
 */
public final class AgentToken {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String value;
  private final byte[] header;

  private AgentToken(String value) {
    this.value = value;
    this.header = ("Bearer " + value).getBytes(StandardCharsets.US_ASCII);
  }

  /** A new token of 256 random bits. */
  public static AgentToken random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return new AgentToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** What the client sends as {@code Authorization: Bearer VALUE}. */
  public String value() {
    return value;
  }

  /** Whether an {@code Authorization} header carries this token, compared in constant time. */
  boolean accepts(String authorization) {
    return authorization != null
        && MessageDigest.isEqual(header, authorization.getBytes(StandardCharsets.US_ASCII));
  }

  /** Never the token itself: it must not reach a log. */
  @Override
  public String toString() {
    return "AgentToken[redacted]";
  }
}
