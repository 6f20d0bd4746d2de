package dev.gryt.store;

/**
 * A pipeline run a client uploaded as the proof of an evolution ({@code /api/v1/pipeline-runs}):
 * its summary in columns, the whole upload (run, runners and step outputs, already checked, capped
 * and masked by the API) as {@code bodyJson}.
 *
 * @param pipelineId the client's id of the run, unique per account
 * @param status as the client reported it ({@code completed}, {@code failed}, …)
 */
public record ProofRun(
    String accountId,
    String pipelineId,
    String name,
    String status,
    String startedAt,
    String endedAt,
    String bodyJson,
    String createdAt,
    String updatedAt) {}
