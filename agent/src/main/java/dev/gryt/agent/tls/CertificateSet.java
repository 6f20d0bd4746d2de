package dev.gryt.agent.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates for mutual TLS between the gryt server and its agents, made with BouncyCastle: a
 * CA, the agent's server certificate (serverAuth; SANs localhost, 127.0.0.1 and the given hosts)
 * and the server's client certificate (clientAuth), both signed by the CA. EC P-256 keys, PEM
 * files, private keys readable by the owner only.
 */
public final class CertificateSet {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String AGENT_CERT = "agent.crt";
  public static final String AGENT_KEY = "agent.key";
  public static final String CLIENT_CERT = "client.crt";
  public static final String CLIENT_KEY = "client.key";
  public static final List<String> FILES =
      List.of(CA_CERT, CA_KEY, AGENT_CERT, AGENT_KEY, CLIENT_CERT, CLIENT_KEY);

  private static final Duration VALIDITY = Duration.ofDays(825);
  private static final SecureRandom RANDOM = new SecureRandom();

  private CertificateSet() {}

  /**
   * Writes the six files into {@code dir}, made if missing.
   *
   * @param agentHosts more DNS names or IP addresses for the agent certificate
   * @param force overwrite existing files; without it an existing file is an error and nothing is
   *     written
   * @return the files written
   */
  public static List<Path> write(Path dir, List<String> agentHosts, boolean force)
      throws IOException {
    if (!force) {
      for (String name : FILES) {
        if (Files.exists(dir.resolve(name))) {
          throw new FileAlreadyExistsException(dir.resolve(name).toString());
        }
      }
    }
    Files.createDirectories(dir);
    try {
      Instant now = Instant.now();
      KeyPair caKeys = keyPair();
      X500Name caName = new X500Name("CN=gryt CA");
      X509Certificate ca =
          sign(
              new JcaX509v3CertificateBuilder(
                      caName,
                      serial(),
                      Date.from(now.minusSeconds(60)),
                      Date.from(now.plus(VALIDITY)),
                      caName,
                      caKeys.getPublic())
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                  .addExtension(
                      Extension.keyUsage,
                      true,
                      new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                  .addExtension(
                      Extension.subjectKeyIdentifier,
                      false,
                      new JcaX509ExtensionUtils().createSubjectKeyIdentifier(caKeys.getPublic())),
              caKeys);

      KeyPair agentKeys = keyPair();
      Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
      hosts.addAll(agentHosts);
      X509Certificate agent =
          leaf(ca, caKeys, agentKeys, "gryt agent", KeyPurposeId.id_kp_serverAuth, hosts, now);
      KeyPair clientKeys = keyPair();
      X509Certificate client =
          leaf(ca, caKeys, clientKeys, "gryt server", KeyPurposeId.id_kp_clientAuth, Set.of(), now);

      List<Path> written = new ArrayList<>();
      written.add(writePublic(dir.resolve(CA_CERT), pem(ca)));
      written.add(writePrivate(dir.resolve(CA_KEY), pemKey(caKeys)));
      written.add(writePublic(dir.resolve(AGENT_CERT), pem(agent) + pem(ca)));
      written.add(writePrivate(dir.resolve(AGENT_KEY), pemKey(agentKeys)));
      written.add(writePublic(dir.resolve(CLIENT_CERT), pem(client) + pem(ca)));
      written.add(writePrivate(dir.resolve(CLIENT_KEY), pemKey(clientKeys)));
      return written;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make certificates: " + e.getMessage(), e);
    }
  }

  private static X509Certificate leaf(
      X509Certificate ca,
      KeyPair caKeys,
      KeyPair keys,
      String commonName,
      KeyPurposeId purpose,
      Set<String> hosts,
      Instant now)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
                ca,
                serial(),
                Date.from(now.minusSeconds(60)),
                Date.from(now.plus(VALIDITY)),
                new X500Name("CN=" + commonName),
                keys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
            .addExtension(
                Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca))
            .addExtension(
                Extension.subjectKeyIdentifier,
                false,
                utils.createSubjectKeyIdentifier(keys.getPublic()));
    if (!hosts.isEmpty()) {
      List<GeneralName> names = new ArrayList<>();
      for (String host : hosts) {
        names.add(
            isIpAddress(host)
                ? new GeneralName(GeneralName.iPAddress, host)
                : new GeneralName(GeneralName.dNSName, host));
      }
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
    }
    return sign(builder, caKeys);
  }

  private static boolean isIpAddress(String host) {
    if (host.matches("[0-9.]+") || host.contains(":")) {
      try {
        InetAddress.getByName(host);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static String pemKey(KeyPair keys) throws IOException {
    try {
      return pem(new JcaPKCS8Generator(keys.getPrivate(), null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IOException(e);
    }
  }

  private static Path writePublic(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.US_ASCII);
    return file;
  }

  /** Made with mode 0600 from the start: the key is never readable by others, even briefly. */
  private static Path writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer writer =
        Files.newBufferedWriter(
            file, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING)) {
      writer.write(content);
    }
    return file;
  }
}
