package dev.gryt.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gryt.cli.CliRun;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsCommandIT {
  @TempDir Path home;

  @Test
  void writesTheSetWithPrivateKeysAndTheRightUsages() throws Exception {
    CliRun.Result result =
        new CliRun(home)
            .run(
                "certs",
                "init",
                "--out",
                "tls",
                "--agent-host",
                "agent-1.internal",
                "--agent-host",
                "10.1.2.3");
    assertThat(result.exitCode()).as(result.err()).isZero();
    Path dir = home.resolve("tls");
    for (String key : List.of("ca.key", "agent.key", "client.key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
          .as(key)
          .isEqualTo("rw-------");
      assertThat(Files.readString(dir.resolve(key))).startsWith("-----BEGIN PRIVATE KEY-----");
    }
    X509Certificate ca = certificate(dir.resolve("ca.crt"));
    X509Certificate agent = certificate(dir.resolve("agent.crt"));
    X509Certificate client = certificate(dir.resolve("client.crt"));
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    agent.verify(ca.getPublicKey());
    client.verify(ca.getPublicKey());
    assertThat(agent.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(agent.getBasicConstraints()).isEqualTo(-1);
    assertThat(agent.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString()))
        .containsExactly("localhost", "127.0.0.1", "agent-1.internal", "10.1.2.3");
    assertThat(result.out())
        .contains("wrote " + dir.resolve("ca.crt"))
        .contains("gryt agent --tls-cert");
  }

  @Test
  void refusesToOverwriteWithoutForce() throws Exception {
    CliRun cli = new CliRun(home);
    assertThat(cli.run("certs", "init", "--out", "tls").exitCode()).isZero();
    String before = Files.readString(home.resolve("tls/ca.crt"));
    CliRun.Result again = cli.run("certs", "init", "--out", "tls");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.errLines())
        .containsExactly(
            "error: "
                + home.resolve("tls/ca.crt")
                + " already exists (use --force to replace the set)");
    assertThat(Files.readString(home.resolve("tls/ca.crt"))).isEqualTo(before);
    assertThat(cli.run("certs", "init", "--out", "tls", "--force").exitCode()).isZero();
    assertThat(Files.readString(home.resolve("tls/ca.crt"))).isNotEqualTo(before);
  }

  private static X509Certificate certificate(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
