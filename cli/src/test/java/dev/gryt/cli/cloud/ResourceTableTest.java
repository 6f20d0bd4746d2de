package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.crds.ResourceKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceTableTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void alignsColumnsAndShowsReadyReasonAndAge() throws Exception {
    JsonNode ready =
        json(
            """
            {"id":"pipe-abc","metadata":{"name":"test-and-build",
              "creationTimestamp":"2026-01-01T11:55:00Z"},
             "status":{"conditions":[{"type":"Other","status":"False"},
                                     {"type":"Ready","status":"True","reason":"Valid"}]}}
            """);
    JsonNode fresh =
        json(
            """
            {"metadata":{"name":"x","labels":{"gryt.io/id":"pipe-x"},
              "creationTimestamp":"2026-01-01T11:59:30Z"}}
            """);

    StringWriter text = new StringWriter();
    ResourceTable.print(
        new PrintWriter(text, true), ResourceKind.PIPELINE, List.of(ready, fresh), NOW);

    assertThat(text.toString().lines())
        .containsExactly(
            "NAME             ID         READY   REASON   AGE",
            "test-and-build   pipe-abc   True    Valid    5m",
            "x                pipe-x     -       -        30s");
  }

  @Test
  void runsShowTheirJobPhaseAndReason() throws Exception {
    JsonNode pending =
        json(
            """
            {"id":"run-7","metadata":{"name":"my-app-ci-abc","creationTimestamp":"2026-01-01T11:00:00Z"},
             "spec":{"job_name":"my-app-ci","trigger":"manual","event":"manual","branch":"main",
                     "started_by":{"account":"alice","api_key":"key_1"}},
             "status":{"phase":"Pending",
                       "conditions":[{"type":"Ready","status":"False","reason":"NoAgent"}]}}
            """);
    JsonNode fresh = json("{\"id\":\"run-8\",\"metadata\":{\"name\":\"n\"},\"spec\":{}}");
    JsonNode hooked =
        json(
            """
            {"id":"run-9","metadata":{"name":"h"},
             "spec":{"job_name":"j","trigger":"webhook","event":"push","branch":"dev",
                     "started_by":{"webhook":"gh","delivery":"dlv-1"}}}
            """);

    StringWriter text = new StringWriter();
    ResourceTable.print(
        new PrintWriter(text, true), ResourceKind.JOB_RUN, List.of(pending, fresh, hooked), NOW);

    assertThat(text.toString().lines())
        .containsExactly(
            "NAME            ID      JOB         PHASE     REASON    TRIGGER   EVENT    BRANCH  "
                + " BY            AGE",
            "my-app-ci-abc   run-7   my-app-ci   Pending   NoAgent   manual    manual   main    "
                + " alice/key_1   1h",
            "n               run-8   -           -         -         -         -        -       "
                + " -             -",
            "h               run-9   j           -         -         webhook   push     dev     "
                + " webhook/gh    -");
  }

  @Test
  void agesReadLikeKubectl() {
    assertThat(ResourceTable.age("2026-01-01T11:59:59Z", NOW)).isEqualTo("1s");
    assertThat(ResourceTable.age("2026-01-01T09:00:00Z", NOW)).isEqualTo("3h");
    assertThat(ResourceTable.age("2025-12-20T12:00:00Z", NOW)).isEqualTo("12d");
    assertThat(ResourceTable.age("2026-01-01T12:00:10Z", NOW)).isEqualTo("0s");
    assertThat(ResourceTable.age(null, NOW)).isEqualTo("-");
    assertThat(ResourceTable.age("yesterday", NOW)).isEqualTo("-");
  }

  private static JsonNode json(String text) throws Exception {
    return ResourceCodec.json().readTree(text);
  }
}
