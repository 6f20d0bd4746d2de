package dev.gryt.operator.agents;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of talking to agents: the server's client certificate and key (PEM, the key in
 * PKCS#8: {@code BEGIN PRIVATE KEY}) and the CA that signed the agents' certificates, as {@code
 * gryt certs init} writes them.
 */
public final class AgentTls {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private AgentTls() {}

  public static SSLContext context(Path certificate, Path privateKey, Path ca)
      throws IOException, GeneralSecurityException {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    List<Certificate> chain = new ArrayList<>();
    for (byte[] der : blocks(certificate, "CERTIFICATE")) {
      chain.add(x509.generateCertificate(new ByteArrayInputStream(der)));
    }
    List<byte[]> keys = blocks(privateKey, "PRIVATE KEY");
    if (chain.isEmpty() || keys.isEmpty()) {
      throw new GeneralSecurityException(
          "need a PEM certificate in "
              + certificate
              + " and a PKCS#8 PEM key (BEGIN PRIVATE KEY) in "
              + privateKey);
    }
    KeyStore identity = KeyStore.getInstance("PKCS12");
    identity.load(null, null);
    char[] password = new char[0];
    identity.setKeyEntry(
        "client", privateKey(keys.get(0)), password, chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(identity, password);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (byte[] der : blocks(ca, "CERTIFICATE")) {
      trust.setCertificateEntry(
          "ca" + i++, x509.generateCertificate(new ByteArrayInputStream(der)));
    }
    if (i == 0) {
      throw new GeneralSecurityException("no PEM certificate in " + ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException(
        "the private key is not an EC, RSA or Ed25519 PKCS#8 key", last);
  }

  private static List<byte[]> blocks(Path file, String type) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    List<byte[]> out = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      }
    }
    return out;
  }
}
