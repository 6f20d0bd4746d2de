package dev.gryt.server.apply;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What apply does (or would do) to one resource. */
public enum ApplyAction {
  CREATED,
  CONFIGURED,
  UNCHANGED,
  PRUNED;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
