package dev.gryt.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every key format either side of gryt's mTLS read before there was one reader: each key (made by
 * openssl, in {@code src/test/resources/pem}) is read, is the private half of its certificate's
 * public key, and goes into a key store; and two contexts made from the files shake hands.
 */
class PemTlsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "rsa-pkcs8.key,     rsa.crt,     RSA,     SHA256withRSA",
    "rsa-pkcs1.key,     rsa.crt,     RSA,     SHA256withRSA",
    "ec-pkcs8.key,      ec.crt,      EC,      SHA256withECDSA",
    "ec-sec1.key,       ec.crt,      EC,      SHA256withECDSA",
    "ec-sec1-bare.key,  ec.crt,      EC,      SHA256withECDSA",
    "ed25519-pkcs8.key, ed25519.crt, EdDSA,   Ed25519",
  })
  void readsTheKeyOfItsCertificate(String keyFile, String certFile, String algorithm, String sig)
      throws Exception {
    PrivateKey key = PemTls.privateKey(pem(keyFile));
    assertThat(key.getAlgorithm()).isEqualTo(algorithm);

    X509Certificate certificate = PemTls.certificates(pem(certFile)).get(0);
    byte[] message = "gryt".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance(sig);
    signer.initSign(key);
    signer.update(message);
    Signature verifier = Signature.getInstance(sig);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(message);
    assertThat(verifier.verify(signer.sign()))
        .as("the key signs what its certificate verifies")
        .isTrue();

    KeyStore store = PemTls.keyStore(pem(certFile), pem(keyFile));
    assertThat(store.getKey("gryt", PemTls.PASSWORD)).isEqualTo(key);
    assertThat(store.getCertificateChain("gryt")).containsExactly(certificate);
  }

  @Test
  void aFileWithoutAKeyOrCertificateIsRefusedNamingIt() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "not pem\n");
    assertThatThrownBy(() -> PemTls.privateKey(empty))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("BEGIN EC PRIVATE KEY");
    assertThatThrownBy(() -> PemTls.trustStore(empty))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(empty.toString());
    assertThatThrownBy(() -> PemTls.keyStore(pem("rsa.crt"), pem("rsa.crt")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no unencrypted PEM private key");
  }

  /** Each side trusts the other's self-signed certificate; the server asks for the client's. */
  @Test
  void contextsFromPemFilesShakeHandsBothWays() throws Exception {
    Path trusted = dir.resolve("both.crt");
    Files.writeString(trusted, Files.readString(pem("ec.crt")) + Files.readString(pem("rsa.crt")));
    var serverContext = PemTls.clientContext(trusted, pem("ec.crt"), pem("ec-sec1.key"));
    var clientContext = PemTls.clientContext(trusted, pem("rsa.crt"), pem("rsa-pkcs1.key"));

    try (SSLServerSocket server =
        (SSLServerSocket)
            serverContext
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setNeedClientAuth(true);
      CompletableFuture<String> peer =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket accepted = (SSLSocket) server.accept()) {
                  InputStream in = accepted.getInputStream();
                  int b = in.read();
                  String name = accepted.getSession().getPeerPrincipal().getName();
                  accepted.getOutputStream().write(b);
                  return name;
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      try (SSLSocket client =
          (SSLSocket)
              clientContext
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        OutputStream out = client.getOutputStream();
        out.write(42);
        out.flush();
        assertThat(client.getInputStream().read()).isEqualTo(42);
        assertThat(client.getSession().getPeerPrincipal().getName()).isEqualTo("CN=gryt-test-ec");
      }
      assertThat(peer.get(20, TimeUnit.SECONDS)).isEqualTo("CN=gryt-test-rsa");
    }
  }

  private static Path pem(String name) {
    try {
      return Path.of(PemTlsTest.class.getResource("/pem/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
