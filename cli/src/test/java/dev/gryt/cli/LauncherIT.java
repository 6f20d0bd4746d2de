package dev.gryt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives {@code bin/gryt} as a user would: a real process, from another directory. */
class LauncherIT {
  /** Failsafe runs in the module directory; the launcher is at the repository root. */
  private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("bin/gryt");

  @TempDir Path dir;

  @Test
  void printsTheVersionFromAnyDirectory() throws Exception {
    Process process =
        new ProcessBuilder(LAUNCHER.toString(), "--version")
            .directory(dir.toFile())
            .redirectError(dir.resolve("stderr").toFile())
            .start();

    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(Files.readString(dir.resolve("stderr"))).isZero();
    assertThat(out).matches("gryt \\d+\\.\\d+\\.\\d+\\S*\\R");
  }

  @Test
  void unreachableServerExitsOneWithTheFix() throws Exception {
    Process process =
        new ProcessBuilder(
                LAUNCHER.toString(), "cloud", "get", "pipelines", "--server", "http://127.0.0.1:1")
            .directory(dir.toFile())
            .start();

    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    List<String> err = lines(process.getErrorStream().readAllBytes());
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(err)
        .endsWith(
            "error: cannot reach gryt server at http://127.0.0.1:1: connection refused (start one"
                + " with: gryt server)");
  }

  @Test
  void serverStartsWithManifestsAppliedAndStopsCleanlyOnSigterm() throws Exception {
    Path manifests = Files.createDirectories(dir.resolve("manifests"));
    try (var in = getClass().getResourceAsStream("/manifests/infra.yaml")) {
      Files.write(manifests.resolve("infra.yaml"), in.readAllBytes());
    }
    ProcessBuilder builder =
        new ProcessBuilder(LAUNCHER.toString(), "server", "--port", "0", "--apply", "manifests");
    builder.environment().put("GRYT_HOME", dir.resolve("home").toString());
    Process server =
        builder.directory(dir.toFile()).redirectError(dir.resolve("server.err").toFile()).start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
      String banner = out.readLine();
      assertThat(banner).as(Files.readString(dir.resolve("server.err"))).isNotNull();
      assertThat(banner).matches("gryt server listening on http://127\\.0\\.0\\.1:\\d+ .*");
      assertThat(out.readLine())
          .startsWith("admin API key key_")
          .contains(dir.resolve("home").toString());
      assertThat(out.readLine())
          .matches(
              "dashboard: http://127\\.0\\.0\\.1:\\d+/ \\(sign in as admin, once:"
                  + " http://127\\.0\\.0\\.1:\\d+/sign-in/link/[A-Za-z0-9_-]{43}\\)");
      assertThat(List.of(out.readLine(), out.readLine(), out.readLine(), out.readLine()))
          .containsExactly(
              "pipeline/test-and-build created",
              "githubrepo/my-app-repo created",
              "job/my-app-ci created",
              "webhook/github-webhook created");
      assertThat(dir.resolve(".gryt/server.db")).exists();

      server.destroy();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      server.destroyForcibly();
    }
    assertThat(Files.readString(dir.resolve("server.err")))
        .doesNotContain("Exception")
        .endsWith("gryt server stopped\n");
  }

  private static List<String> lines(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).lines().toList();
  }
}
