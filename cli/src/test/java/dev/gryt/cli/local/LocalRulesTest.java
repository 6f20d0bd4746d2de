package dev.gryt.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.cli.CliException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure rules of the local-first side: versions, sync policy, config values, code names. */
class LocalRulesTest {
  @Test
  void versionsGetTheirLeadingV() {
    assertThat(Versions.normalize("1.2.3")).isEqualTo("v1.2.3");
    assertThat(Versions.normalize("v1.2.3-rc.1+build.5")).isEqualTo("v1.2.3-rc.1+build.5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1", "1.2", "01.2.3", "v1.2.3.4", "vv1.2.3", "1.2.x", "latest"})
  void refusesWhatIsNotASemanticVersion(String text) {
    assertThatThrownBy(() -> Versions.normalize(text))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("semantic version such as 1.2.0");
  }

  @Test
  void localNeverPushesHybridOnlyPromotionsAndPassesCloudEverything() {
    for (LocalEvent.Type type : LocalEvent.Type.values()) {
      assertThat(SyncPolicy.pushes(ExecutionMode.LOCAL, type, "pass")).isFalse();
      assertThat(SyncPolicy.pushes(ExecutionMode.CLOUD, type, "fail")).isTrue();
    }
    assertThat(SyncPolicy.pushes(ExecutionMode.HYBRID, LocalEvent.Type.GENERATION_PROMOTED, null))
        .isTrue();
    assertThat(SyncPolicy.pushes(ExecutionMode.HYBRID, LocalEvent.Type.EVOLUTION_COMPLETED, "pass"))
        .isTrue();
    assertThat(SyncPolicy.pushes(ExecutionMode.HYBRID, LocalEvent.Type.EVOLUTION_COMPLETED, "fail"))
        .isFalse();
    assertThat(SyncPolicy.pushes(ExecutionMode.HYBRID, LocalEvent.Type.GENERATION_CREATED, null))
        .isFalse();
    assertThat(SyncPolicy.pushes(ExecutionMode.HYBRID, LocalEvent.Type.GENERATION_UPDATED, null))
        .isFalse();
    assertThat(SyncPolicy.pushes(ExecutionMode.HYBRID, LocalEvent.Type.EVOLUTION_CREATED, null))
        .isFalse();
  }

  @Test
  void configAcceptsOnlyKnownKeysAndAllowedValues(@TempDir Path dir) {
    LocalConfig config = LocalConfig.empty(dir.resolve("config.json"));
    assertThat(config.executionMode()).isEqualTo(ExecutionMode.LOCAL);
    config.set(LocalConfig.Key.EXECUTION_MODE, "hybrid");
    config.write();
    assertThat(LocalConfig.read(dir.resolve("config.json")).executionMode())
        .isEqualTo(ExecutionMode.HYBRID);
    assertThatThrownBy(() -> config.set(LocalConfig.Key.EXECUTION_MODE, "remote"))
        .hasMessageContaining("allowed: local, cloud, hybrid");
    assertThatThrownBy(() -> config.set(LocalConfig.Key.RUNNER, "vm"))
        .hasMessageContaining("allowed: process, container, sandbox");
    assertThatThrownBy(() -> config.set(LocalConfig.Key.SERVER_URL, "ftp://x"))
        .hasMessageContaining("expected http://HOST:PORT");
    assertThatThrownBy(() -> LocalConfig.Key.named("colour"))
        .hasMessageContaining("known: execution_mode");
  }

  @Test
  void codeNamesAreThreeLowercaseWords() {
    Random random = new Random(7);
    for (int i = 0; i < 100; i++) {
      assertThat(CodeNames.next(random)).matches("[a-z]+-[a-z]+-[a-z]+");
    }
  }
}
