package dev.gryt.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM files (as {@code gryt certs init} or openssl write them) to Java key stores, trust stores and
 * SSL contexts: the one place every side of gryt's mTLS (the server talking to agents, the agent's
 * server, the CLI) reads its certificates and keys.
 *
 * <p>A key may be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}, with or without the {@code
 * EC PARAMETERS} block openssl puts before it).
 */
public final class PemTls {
  /** The in-memory key store's password; it never leaves this process. */
  public static final char[] PASSWORD = "gryt".toCharArray();

  private PemTls() {}

  /** A key store holding {@code key} with the certificate chain in {@code certificate}. */
  public static KeyStore keyStore(Path certificate, Path key) throws IOException {
    try {
      List<X509Certificate> chain = certificates(certificate);
      if (chain.isEmpty()) {
        throw new IOException(certificate + " holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("gryt", privateKey(key), PASSWORD, chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot use " + certificate + " with " + key + ": " + e.getMessage(), e);
    }
  }

  /** A trust store holding every certificate in {@code caFile}. */
  public static KeyStore trustStore(Path caFile) throws IOException {
    try {
      List<X509Certificate> cas = certificates(caFile);
      if (cas.isEmpty()) {
        throw new IOException(caFile + " holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      return store;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use " + caFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * A client's SSL context: trusts {@code ca} (null: the JVM's defaults) and presents {@code
   * certificate}/{@code key} when both are given (mutual TLS).
   */
  public static SSLContext clientContext(Path ca, Path certificate, Path key) throws IOException {
    try {
      TrustManagerFactory trust = null;
      if (ca != null) {
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore(ca));
      }
      KeyManagerFactory keys = null;
      if (certificate != null && key != null) {
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore(certificate, key), PASSWORD);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keys == null ? null : keys.getKeyManagers(),
          trust == null ? null : trust.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  /** Every certificate in a PEM file, in order. */
  public static List<X509Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    try (var in = Files.newInputStream(file)) {
      for (Certificate c : factory.generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    return out;
  }

  /** The first unencrypted private key in a PEM file, in any of the formats above. */
  public static PrivateKey privateKey(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      // Other blocks (EC PARAMETERS, a certificate kept in the same file) are passed over.
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
      }
    } catch (PEMException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    throw new IOException(
        file
            + " holds no unencrypted PEM private key (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or"
            + " BEGIN EC PRIVATE KEY)");
  }
}
