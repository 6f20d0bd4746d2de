package dev.gryt.operator;

import dev.gryt.crds.GitHubRepoReason;
import java.time.Instant;
import java.util.Objects;

/**
 * The answer a GitHubRepo's last probe gave: to which {@link ProbeQuestion} (its {@code spec}),
 * when, and either the probe's {@code result} or, when the token the repo names could not be read
 * (nothing was sent), that failure's reason and message.
 */
public record ProbeAnswer(
    String question,
    Instant at,
    ProbeResult result,
    GitHubRepoReason tokenReason,
    String tokenMessage) {
  public ProbeAnswer {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(at, "at");
    if ((result == null) == (tokenReason == null)) {
      throw new IllegalArgumentException("an answer is a probe result or a token failure");
    }
  }

  /** The probe answered {@code result}. */
  public static ProbeAnswer probed(ProbeQuestion question, Instant at, ProbeResult result) {
    return new ProbeAnswer(question.spec(), at, result, null, null);
  }

  /** The token could not be read, so nothing was asked. */
  public static ProbeAnswer tokenUnavailable(
      ProbeQuestion question, Instant at, TokenUnavailableException e) {
    return new ProbeAnswer(question.spec(), at, null, e.reason(), e.getMessage());
  }
}
