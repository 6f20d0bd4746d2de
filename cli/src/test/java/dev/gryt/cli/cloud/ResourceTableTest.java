package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceTableTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void alignsColumnsAndShowsReadyAndAge() throws Exception {
    JsonNode ready =
        json(
            """
            {"id":"pipe-abc","metadata":{"name":"test-and-build",
              "creationTimestamp":"2026-01-01T11:55:00Z"},
             "status":{"conditions":[{"type":"Other","status":"False"},
                                     {"type":"Ready","status":"True"}]}}
            """);
    JsonNode fresh =
        json(
            """
            {"metadata":{"name":"x","labels":{"gryt.io/id":"pipe-x"},
              "creationTimestamp":"2026-01-01T11:59:30Z"}}
            """);

    StringWriter text = new StringWriter();
    ResourceTable.print(new PrintWriter(text, true), List.of(ready, fresh), NOW);

    assertThat(text.toString().lines())
        .containsExactly(
            "NAME             ID         READY   AGE",
            "test-and-build   pipe-abc   True    5m",
            "x                pipe-x     -       30s");
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
