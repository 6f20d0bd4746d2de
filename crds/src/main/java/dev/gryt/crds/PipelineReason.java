package dev.gryt.crds;

/** Why a Pipeline's {@code Ready} condition says what it says. */
public enum PipelineReason implements ConditionReason {
  VALID("Valid"),
  INVALID_SPEC("InvalidSpec");

  private final String value;

  PipelineReason(String value) {
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
