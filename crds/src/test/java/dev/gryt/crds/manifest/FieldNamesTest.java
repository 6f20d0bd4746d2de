package dev.gryt.crds.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldNamesTest {
  private static final List<String> PIPELINE_FIELDS =
      List.of("description", "image", "env", "timeout_seconds", "resources", "steps");

  @ParameterizedTest
  @CsvSource({
    "stpes, steps",
    "step, steps",
    "timeout, ''",
    "timeout_second, timeout_seconds",
    "Descripton, description",
    "imgae, image",
    "xyz, ''"
  })
  void suggestsOnlyPlausibleTypos(String typed, String expected) {
    assertThat(FieldNames.nearest(typed, PIPELINE_FIELDS).orElse("")).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "spec, steps, spec.steps",
    "metadata.labels, app.kubernetes.io/name, 'metadata.labels[\"app.kubernetes.io/name\"]'",
    "'', kind, kind"
  })
  void buildsPathsThatQuoteOddNames(String parent, String name, String expected) {
    assertThat(FieldNames.child(parent, name)).isEqualTo(expected);
  }
}
