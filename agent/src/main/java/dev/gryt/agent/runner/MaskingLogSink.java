package dev.gryt.agent.runner;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Replaces every occurrence of the given secrets with {@code ***} before passing a line on. Longer
 * secrets are replaced first, so a secret containing another is masked whole. Blank secrets are
 * ignored (masking "" would mangle every line).
 */
public final class MaskingLogSink implements LogSink {
  public static final String MASK = "***";

  private final LogSink next;
  private final List<String> secrets;

  public MaskingLogSink(LogSink next, Collection<String> secrets) {
    this.next = Objects.requireNonNull(next);
    this.secrets =
        secrets.stream()
            .filter(s -> s != null && !s.isBlank())
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
  }

  /** {@code next} itself when there is nothing to mask. */
  public static LogSink wrap(LogSink next, Collection<String> secrets) {
    MaskingLogSink masking = new MaskingLogSink(next, secrets);
    return masking.secrets.isEmpty() ? next : masking;
  }

  public String mask(String line) {
    String masked = line;
    for (String secret : secrets) {
      if (masked.contains(secret)) {
        masked = masked.replace(secret, MASK);
      }
    }
    return masked;
  }

  @Override
  public void line(String line) {
    next.line(mask(line));
  }
}
