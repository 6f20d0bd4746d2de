package dev.gryt.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gryt.crds.ResourceCodec;
import io.javalin.http.Context;

/**
 * The wire envelope of every reply: {@code {"status","message","data"|"detail"}}. Handlers and the
 * server's error mapping answer through {@link #reply}, so that no handler needs the class that
 * wires the server.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope(String status, String message, Object data, Object detail) {
  public static Envelope success(String message, Object data) {
    return new Envelope("success", message, data, null);
  }

  public static Envelope error(String message, Object detail) {
    return new Envelope("error", message, null, detail);
  }

  /** Answers the request with {@code status} and {@code envelope} as JSON. */
  public static void reply(Context ctx, int status, Envelope envelope) {
    ctx.status(status).contentType("application/json").result(ResourceCodec.toJsonBytes(envelope));
  }
}
