package dev.gryt.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gryt server} against a real SQLite store. */
class ServerCommandIT {
  @TempDir Path home;

  @Test
  void portInUseExitsOneWithTheFix() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();

      CliRun.Result result =
          new CliRun(home)
              .run("server", "--port", "" + port, "--db", "sqlite:" + home.resolve("s.db"));

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.errLines())
          .singleElement()
          .asString()
          .startsWith("error: cannot listen on 127.0.0.1:" + port + ": ")
          .endsWith("(is another server running? pick a port with --port)");
    }
  }

  @Test
  void defaultStoreIsCreatedUnderTheWorkingDirectory() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // The port is taken so the command returns: the store has been opened by then.
      new CliRun(home).run("server", "--port", "" + taken.getLocalPort());
    }

    assertThat(home.resolve(".gryt/server.db")).exists();
  }
}
