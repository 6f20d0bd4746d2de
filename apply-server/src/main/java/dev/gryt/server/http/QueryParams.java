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

  /**
   * Reads several numeric parameters, then {@link #check()} refuses the request (400) listing every
   * bad one at once as {@code {path, message}}.
   */
  public static final class All {
    private final Context ctx;
    private final java.util.List<java.util.Map<String, Object>> problems =
        new java.util.ArrayList<>();

    public All(Context ctx) {
      this.ctx = ctx;
    }

    /** {@link QueryParams#number}, recording a problem (and answering the fallback) instead. */
    public long number(String name, long fallback, long min, long max) {
      try {
        return QueryParams.number(ctx, name, fallback, min, max);
      } catch (ApiException e) {
        java.util.Map<String, Object> problem = new java.util.LinkedHashMap<>();
        problem.put("path", name);
        problem.put("message", e.getMessage());
        problems.add(problem);
        return fallback;
      }
    }

    /** Refuses the request (400) when any parameter was bad. */
    public void check() {
      if (!problems.isEmpty()) {
        throw new ApiException(
            400, problems.size() + " problem(s) with the query", java.util.List.copyOf(problems));
      }
    }
  }

  /** {@link #number} for a parameter whose bounds fit an {@code int}. */
  public static int integer(Context ctx, String name, int fallback, int min, int max) {
    return (int) number(ctx, name, fallback, min, max);
  }
}
