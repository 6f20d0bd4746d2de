package dev.gryt.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gryt.cli.CliException;
import dev.gryt.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerUrlTest {
  @TempDir Path home;

  @Test
  void defaultsToLocalServer() {
    assertThat(ServerUrl.resolve(null, new CliRun(home).environment()))
        .hasToString("http://127.0.0.1:8080");
  }

  @Test
  void optionWinsOverEnvironmentAndConfig() throws IOException {
    writeConfig(home.resolve(".gryt"), "http://config:1");
    var env = new CliRun(home).env("GRYT_URL", "http://env:2").environment();

    assertThat(ServerUrl.resolve("http://option:3/", env)).hasToString("http://option:3");
    assertThat(ServerUrl.resolve(null, env)).hasToString("http://env:2");
  }

  @Test
  void readsServerUrlFromConfigUnderGrytHome() throws IOException {
    Path grytHome = home.resolve("elsewhere");
    writeConfig(grytHome, "https://gryt.example.com");
    var env = new CliRun(home).env("GRYT_HOME", grytHome.toString()).environment();

    assertThat(ServerUrl.resolve(null, env)).hasToString("https://gryt.example.com");
  }

  @Test
  void rejectsWhatIsNotAnHttpUrlNamingWhereItCameFrom() {
    var env = new CliRun(home).env("GRYT_URL", "localhost:8080").environment();

    assertThatThrownBy(() -> ServerUrl.resolve(null, env))
        .isInstanceOf(CliException.class)
        .hasMessage(
            "invalid server URL 'localhost:8080' from GRYT_URL (expected http://HOST:PORT)");
  }

  @Test
  void brokenConfigFileIsReportedWithItsPath() throws IOException {
    Files.createDirectories(home.resolve(".gryt"));
    Files.writeString(home.resolve(".gryt/config.json"), "{not json");

    assertThatThrownBy(() -> ServerUrl.resolve(null, new CliRun(home).environment()))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("cannot read " + home.resolve(".gryt/config.json"))
        .hasMessageEndingWith("(fix or remove the file)");
  }

  private static void writeConfig(Path grytHome, String url) throws IOException {
    Files.createDirectories(grytHome);
    Files.writeString(grytHome.resolve("config.json"), "{\"server_url\": \"" + url + "\"}");
  }
}
