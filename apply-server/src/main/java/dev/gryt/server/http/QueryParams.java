package dev.gryt.server.http;

import io.javalin.http.Context;

/** Reads a request's query parameters, refusing a malformed one with 400 before any work. */
public final class QueryParams {
  private QueryParams() {}

  /**
   * The whole number in parameter {@code name}, or {@code fallback} when it is absent or blank.
   *
   * @throws ApiException 400 when it is not a whole number from {@code min} to {@code max}
   */
  public static long number(Context ctx, String name, long fallback, long min, long max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        name
            + (max == Long.MAX_VALUE
                ? " must be a whole number of at least " + min
                : " must be a whole number from " + min + " to " + max)
            + ", not "
            + v);
  }

  /** {@link #number} for a parameter whose bounds fit an {@code int}. */
  public static int integer(Context ctx, String name, int fallback, int min, int max) {
    return (int) number(ctx, name, fallback, min, max);
  }
}
