package dev.gryt.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.cli.ProblemsException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationFileTest {
  @Test
  void readsWhatItWrites() {
    GenerationFile file =
        new GenerationFile(
            "v1.2.0",
            "quotes \" and \\ and\nnew lines: #not a comment",
            List.of(
                new Change("AUTH-1", "add", "login: with a colon", ""),
                new Change("DB-22", "fix", "yes", "no")));
    assertThat(GenerationFile.parse("g.yaml", file.render())).isEqualTo(file);
  }

  @Test
  void acceptsAVersionWithoutItsV() {
    assertThat(GenerationFile.parse("g.yaml", "version: 1.0.0\n").version()).isEqualTo("v1.0.0");
  }

  /** Each bad input gives file:line: field: message. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "version: 1.0|g.yaml:1: version: '1.0' is not a semantic version",
        "description: x|g.yaml:1: version: required",
        "version: v1.0.0\\nchanges: {a: 1}|g.yaml:2: changes: must be a list",
        "version: v1.0.0\\nchanges:\\n  - id: A-1\\n    type: add|g.yaml:3: changes[0].title: required",
        "version: v1.0.0\\nchanges:\\n  - {id: a_1, type: add, title: t}|g.yaml:3: changes[0].id: 'a_1' must be letters, digits and single dashes",
        "version: v1.0.0\\nchanges:\\n  - {id: A-1, type: feat, title: t}|g.yaml:3: changes[0].type: 'feat' is not one of fix, refine, add, remove",
        "version: v1.0.0\\nchanges:\\n  - {id: A-1, type: add, title: t}\\n  - {id: A-1, type: add, title: u}|g.yaml:4: changes[1].id: duplicate change id A-1",
        "version: v1.0.0\\nowner: me|g.yaml:2: owner: unknown field",
        "version: v1.0.0\\nchanges:\\n  - {id: A-1, type: add, title: [t]}|g.yaml:3: changes[0].title: must be a string",
        "version: [v1|g.yaml:1: YAML syntax error",
        "- just\\n- a list|g.yaml:1: the file must be a mapping",
        "version: v1.0.0\\nversion: v2.0.0|g.yaml:2: version: duplicate field",
      })
  void reportsFileLineAndField(String yaml, String expected) {
    assertThatThrownBy(() -> GenerationFile.parse("g.yaml", yaml.replace("\\n", "\n")))
        .isInstanceOfSatisfying(
            ProblemsException.class,
            e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(expected)));
  }

  @Test
  void refusesScalarAliasesThatExpandPastTheObjectLimit() {
    StringBuilder yaml =
        new StringBuilder("version: v1.0.0\ndescription: &x ")
            .append("b".repeat(64 * 1024))
            .append("\nchanges:\n");
    for (int i = 0; i < 500; i++) {
      yaml.append("  - {id: A-").append(i).append(", type: add, title: *x}\n");
    }

    assertThatThrownBy(() -> GenerationFile.parse("g.yaml", yaml.toString()))
        .isInstanceOfSatisfying(
            ProblemsException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .startsWith("g.yaml:1: aliases expand this document past 512 KiB (*x"));
  }

  @Test
  void listsEveryProblemAtOnce() {
    assertThatThrownBy(
            () ->
                GenerationFile.parse(
                    "g.yaml", "version: nope\nchanges:\n  - {id: x_1, type: y, title: z}\n"))
        .isInstanceOfSatisfying(ProblemsException.class, e -> assertThat(e.problems()).hasSize(3));
  }
}
