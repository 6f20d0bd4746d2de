package dev.gryt.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacesIT {
  @TempDir Path work;

  @Test
  void sweepRemovesWhatADeadAgentLeftAndKeepsWhatIsHeld() throws Exception {
    // left by a killed agent: the lock file exists, nobody holds it
    Path stale = Files.createDirectories(work.resolve("run-a-1-0000/sub"));
    Files.writeString(stale.resolve("file"), "x");
    Files.createFile(work.resolve("run-a-1-0000.lock"));
    try (Workspaces.Held live = Workspaces.hold(work.resolve("run-b-1-1111"))) {
      Workspaces.sweep(work);
      assertThat(work.resolve("run-a-1-0000")).doesNotExist();
      assertThat(work.resolve("run-a-1-0000.lock")).doesNotExist();
      assertThat(live.dir).isDirectory();
    }
    assertThat(Files.list(work)).isEmpty();
  }
}
