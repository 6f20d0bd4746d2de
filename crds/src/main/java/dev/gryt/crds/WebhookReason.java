package dev.gryt.crds;

/** Why a Webhook's {@code Ready} condition says what it says. */
public enum WebhookReason implements ConditionReason {
  RESOLVED("Resolved"),
  JOB_NOT_FOUND("JobNotFound"),
  JOB_NOT_READY("JobNotReady");

  private final String value;

  WebhookReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
