package dev.gryt.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.ApiServices;
import dev.gryt.server.ChangeProof;
import dev.gryt.store.Evolution;
import dev.gryt.store.Generation;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Releases: the signed-in account's generations by version, newest first, each with its changes,
 * each change with its evolutions and whether they prove it; promoted generations marked.
 */
final class ReleasePages {
  private final ApiServices services;
  private final Views views;

  ReleasePages(ApiServices services, Views views) {
    this.services = services;
    this.views = views;
  }

  void list(Context ctx, SignedIn signedIn) throws IOException {
    String account = signedIn.acting().accountId();
    var releases = services.store().releases();
    List<Models.GenerationRow> rows = new ArrayList<>();
    List<Generation> generations = new ArrayList<>(releases.generations(account, null));
    generations.sort(
        Comparator.comparing(
                Generation::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .reversed());
    for (Generation g : generations) {
      List<Evolution> evolutions = releases.evolutions(account, g.id());
      List<Models.ChangeRow> changes = new ArrayList<>();
      JsonNode parsed =
          ResourceCodec.json().readTree(g.changesJson() == null ? "[]" : g.changesJson());
      for (JsonNode change : parsed) {
        String id = change.path("id").asText();
        String why = ChangeProof.unprovenBecause(id, evolutions);
        List<Models.EvolutionRow> mine =
            evolutions.stream()
                .filter(e -> id.equals(e.changeId()))
                .map(
                    e ->
                        new Models.EvolutionRow(
                            e.codeName(), e.status(), nz(e.pipeline()), nz(e.completedAt())))
                .toList();
        changes.add(
            new Models.ChangeRow(
                id,
                change.path("type").asText(""),
                change.path("title").asText(""),
                why == null,
                why == null ? "" : why,
                mine));
      }
      rows.add(
          new Models.GenerationRow(
              g.id(),
              g.version(),
              nz(g.description()),
              g.promoted(),
              nz(g.promotedBy()),
              nz(g.promotedAt()),
              changes));
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("chrome", Dashboard.chrome(services, signedIn, "releases"));
    params.put("generations", rows);
    views.render(ctx, 200, "releases.jte", params);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
