package dev.gryt.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gryt.cli.cloud.GrytApiClient;
import dev.gryt.crds.ResourceCodec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's generation and evolution endpoints ({@code /api/v1/generations}, {@code
 * /api/v1/evolutions}) over the cloud client, so authentication plugs in through its {@link
 * dev.gryt.cli.cloud.RequestDecorator}.
 */
public final class ReleaseClient {
  private final GrytApiClient api;

  public ReleaseClient(GrytApiClient api) {
    this.api = api;
  }

  public URI server() {
    return api.server();
  }

  public List<JsonNode> generations(String version) {
    return items(
        api.get(
            "generations" + (version == null ? "" : "?version=" + GrytApiClient.segment(version))));
  }

  public JsonNode generation(String id) {
    return api.get("generations/" + GrytApiClient.segment(id));
  }

  public JsonNode createGeneration(LocalGeneration g) {
    return api.post("generations", body(g));
  }

  public JsonNode updateGeneration(String remoteId, LocalGeneration g) {
    return api.patch("generations/" + GrytApiClient.segment(remoteId), body(g));
  }

  public JsonNode promote(String remoteId, String by, String at) {
    ObjectNode body = ResourceCodec.json().createObjectNode();
    body.put("promoted_by", by);
    body.put("promoted_at", at);
    return api.post("generations/" + GrytApiClient.segment(remoteId) + "/promote", body);
  }

  public void deleteGeneration(String remoteId) {
    api.delete("generations/" + GrytApiClient.segment(remoteId));
  }

  public List<JsonNode> evolutions(String generationRemoteId) {
    return items(
        api.get(
            "evolutions"
                + (generationRemoteId == null
                    ? ""
                    : "?generation_id=" + GrytApiClient.segment(generationRemoteId))));
  }

  public JsonNode createEvolution(LocalEvolution e, String generationRemoteId) {
    ObjectNode body = ResourceCodec.json().createObjectNode();
    body.put("generation_id", generationRemoteId);
    body.put("change_id", e.changeId());
    body.put("code_name", e.codeName());
    body.put("status", e.status());
    body.put("pipeline", e.pipeline());
    body.put("started_at", e.startedAt());
    body.put("completed_at", e.completedAt());
    if (e.runId() != null) {
      body.put("pipeline_run_id", e.runId());
    }
    return api.post("evolutions", body);
  }

  /** Uploads a run that proved an evolution ({@link LocalStore#proofRun}). */
  public JsonNode uploadProofRun(ObjectNode run) {
    return api.post("pipeline-runs", run);
  }

  public JsonNode updateEvolution(LocalEvolution e) {
    ObjectNode body = ResourceCodec.json().createObjectNode();
    body.put("status", e.status());
    body.put("pipeline", e.pipeline());
    body.put("completed_at", e.completedAt());
    if (e.runId() != null) {
      body.put("pipeline_run_id", e.runId());
    }
    return api.patch("evolutions/" + GrytApiClient.segment(e.remoteId()), body);
  }

  static ObjectNode body(LocalGeneration g) {
    ObjectNode body = ResourceCodec.json().createObjectNode();
    body.put("version", g.version());
    body.put("description", g.description());
    ArrayNode changes = body.putArray("changes");
    for (Change c : g.changes()) {
      ObjectNode change = changes.addObject();
      change.put("id", c.id());
      change.put("type", c.type());
      change.put("title", c.title());
      change.put("description", c.description());
    }
    return body;
  }

  /** The content the server holds, as a generation file, for comparing and pulling. */
  static GenerationFile fileOf(JsonNode remote) {
    List<Change> changes = new ArrayList<>();
    for (JsonNode c : remote.path("changes")) {
      changes.add(
          new Change(
              c.path("id").asText(),
              c.path("type").asText(),
              c.path("title").asText(),
              c.path("description").asText("")));
    }
    return new GenerationFile(
        remote.path("version").asText(), remote.path("description").asText(""), changes);
  }

  private static List<JsonNode> items(JsonNode data) {
    List<JsonNode> items = new ArrayList<>();
    data.path("items").forEach(items::add);
    return items;
  }
}
