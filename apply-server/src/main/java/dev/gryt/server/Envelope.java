package dev.gryt.server;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The wire envelope of every reply: {@code {"status","message","data"|"detail"}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope(String status, String message, Object data, Object detail) {
  public static Envelope success(String message, Object data) {
    return new Envelope("success", message, data, null);
  }

  public static Envelope error(String message, Object detail) {
    return new Envelope("error", message, null, detail);
  }
}
