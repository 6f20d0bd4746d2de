package dev.gryt.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gryt.crds.GrytResource;
import dev.gryt.crds.JobRun;
import dev.gryt.crds.JobRunStatus;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.agent.AgentProtocol;
import dev.gryt.crds.agent.RunReport;
import dev.gryt.crds.agent.RunReports;
import dev.gryt.server.http.ApiException;
import dev.gryt.server.http.Envelope;
import dev.gryt.store.ConflictException;
import dev.gryt.store.NotFoundException;
import dev.gryt.store.ResourceStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST} {@link AgentProtocol#REPORT}: an agent's report on the attempt it runs — its
 * heartbeat, steps, commit, ending and logs. No account authenticates it: the placement's bearer
 * token does ({@link RunReports#judge}), compared by hash in constant time.
 *
 * <p>Answers: 200 applied; 400 a body that is no report; 401 no or a wrong token; 409 the attempt
 * is stale (the run was taken back or placed again): the agent stops; 410 the run is finished,
 * cancelled or deleted: the agent stops. Status and logs are written in one transaction, fenced by
 * the run's resourceVersion; a report that lost a race with another writer is judged again.
 */
final class RunReportHandler {
  private static final int TRIES = 8;

  private final ResourceStore store;
  private final Clock clock;
  private final int maxLogCharsPerStep;
  private final TenantLimits limits;

  RunReportHandler(ResourceStore store, Clock clock, int maxLogCharsPerStep, TenantLimits limits) {
    this.store = store;
    this.clock = clock;
    this.maxLogCharsPerStep = maxLogCharsPerStep;
    this.limits = limits;
  }

  /** Whether a request is an agent's report, which its bearer token authenticates. */
  static boolean isPublic(Context ctx) {
    return "POST".equals(ctx.method().name()) && AgentProtocol.reportedRun(ctx.path()).isPresent();
  }

  void report(Context ctx) {
    String runId = ctx.pathParam(AgentProtocol.RUN_ID);
    RunReport report = parse(ctx.bodyAsBytes());
    List<String> problems = report.problems(runId);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest(problems.get(0));
    }
    String token = bearer(ctx);
    for (int attempt = 1; ; attempt++) {
      JobRun run = find(runId);
      switch (RunReports.judge(run, report, token)) {
        case STALE ->
            throw ApiException.conflict(
                "attempt "
                    + report.attempt()
                    + " of run "
                    + runId
                    + " is stale: the run is no longer placed with it; stop");
        case UNAUTHORIZED ->
            throw new ApiException(
                401, "the bearer token is not the one of this run's placement", null);
        case GONE -> throw gone(runId);
        case ACCEPT -> {
          JobRunStatus status = RunReports.apply(run, report, clock.instant());
          JobRun updated = ResourceCodec.copy(run);
          updated.setStatus(status);
          try {
            JobRun stored =
                store
                    .runLogs()
                    .report(
                        updated,
                        report.attempt(),
                        report.logs(),
                        maxLogCharsPerStep,
                        limits.logCharsPerRun(run.getMetadata().getNamespace()));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("run_id", runId);
            data.put("attempt", report.attempt());
            data.put("phase", stored.getStatus().phase);
            Envelope.reply(ctx, 200, Envelope.success("report recorded", data));
            return;
          } catch (ConflictException e) {
            if (attempt == TRIES) {
              throw new ApiException(503, "the run kept changing; report again", null);
            }
          } catch (NotFoundException e) {
            throw gone(runId);
          }
        }
      }
    }
  }

  private JobRun find(String runId) {
    Optional<GrytResource<?, ?>> found = store.getById(runId);
    return found.isPresent() && found.get() instanceof JobRun run ? run : null;
  }

  private static ApiException gone(String runId) {
    return new ApiException(410, "run " + runId + " is finished, cancelled or gone; stop", null);
  }

  private static String bearer(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiException(401, "a report needs Authorization: Bearer <report_token>", null);
    }
    return header.substring(7).strip();
  }

  private static RunReport parse(byte[] body) {
    try {
      RunReport report = AgentProtocol.json().readValue(body, RunReport.class);
      if (report == null) {
        throw ApiException.badRequest("the body must be a JSON report");
      }
      return report;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not a report: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("the body is not a report");
    }
  }
}
