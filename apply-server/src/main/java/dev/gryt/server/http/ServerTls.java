package dev.gryt.server.http;

import dev.gryt.tls.PemTls;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS for {@code gryt server} from a PEM certificate (chain) and key: the files are read at start
 * (a bad one stops the start with its cause) and again whenever either changes (checked every
 * {@link #CHECK_EVERY}), so a renewed certificate (certbot, cert-manager) is served without a
 * restart. A changed file that does not load is logged and the certificate served so far stays.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

  /** How often the files are looked at. */
  public static final Duration CHECK_EVERY = Duration.ofSeconds(2);

  private final Path certificate;
  private final Path key;
  private final SslContextFactory.Server factory = new SslContextFactory.Server();
  private final ScheduledExecutorService watcher;
  private Stamp loaded;
  private volatile X509Certificate served;

  /**
   * @throws IOException naming the file that cannot be read or is not a PEM certificate or key
   */
  public ServerTls(Path certificate, Path key) throws IOException {
    this.certificate = certificate.toAbsolutePath();
    this.key = key.toAbsolutePath();
    this.loaded = times();
    factory.setKeyStore(keyStore());
    served = leaf();
    factory.setKeyStorePassword(new String(PemTls.PASSWORD));
    factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    watcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gryt-tls-reload");
              t.setDaemon(true);
              return t;
            });
    watcher.scheduleWithFixedDelay(
        this::reloadIfChanged,
        CHECK_EVERY.toMillis(),
        CHECK_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The factory the HTTPS connector serves with. */
  public SslContextFactory.Server factory() {
    return factory;
  }

  /** Loads the files again when either changed since the last load; true when it reloaded. */
  public synchronized boolean reloadIfChanged() {
    Stamp now;
    try {
      now = times();
    } catch (IOException e) {
      LOG.warn("TLS files: {}; the certificate served so far stays", e.getMessage());
      return false;
    }
    if (now.equals(loaded)) {
      return false;
    }
    try {
      KeyStore store = keyStore();
      X509Certificate leaf = leaf();
      factory.reload(f -> f.setKeyStore(store));
      served = leaf;
      loaded = now;
      LOG.info("TLS certificate reloaded from {}", certificate);
      return true;
    } catch (Exception e) {
      // Half-written files (a renewal in progress) come here too: the next check tries again.
      LOG.warn(
          "TLS certificate {} or key {} changed but does not load ({}); the certificate served so"
              + " far stays",
          certificate,
          key,
          e.getMessage());
      return false;
    }
  }

  /**
   * A client context for this process's own calls to the server (the in-process agents' reports,
   * {@code --apply}): it trusts exactly the certificate served now, renewed or not, and nothing
   * else.
   */
  public SSLContext selfTrust() {
    // Extended, so that JSSE adds no host name check: the certificate is pinned, and the name it
    // holds (gryt.example.com) need not be the loopback address this process calls.
    X509ExtendedTrustManager pinned =
        new X509ExtendedTrustManager() {
          private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0 || !chain[0].equals(served)) {
              throw new CertificateException("not the certificate this server serves");
            }
          }

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType)
              throws CertificateException {
            check(chain);
          }

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
              throws CertificateException {
            check(chain);
          }

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
              throws CertificateException {
            check(chain);
          }

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType)
              throws CertificateException {
            throw new CertificateException("not a server's trust manager");
          }

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
              throws CertificateException {
            throw new CertificateException("not a server's trust manager");
          }

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
              throws CertificateException {
            throw new CertificateException("not a server's trust manager");
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {pinned}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  private X509Certificate leaf() throws IOException {
    try {
      return PemTls.certificates(certificate).get(0);
    } catch (GeneralSecurityException | IndexOutOfBoundsException e) {
      throw new IOException(certificate + " holds no PEM certificate: " + e.getMessage(), e);
    }
  }

  private KeyStore keyStore() throws IOException {
    return PemTls.keyStore(certificate, key);
  }

  /** What tells a changed pair apart: both files' modification times and sizes. */
  private record Stamp(FileTime certificate, FileTime key, long certificateBytes, long keyBytes) {}

  private Stamp times() throws IOException {
    return new Stamp(
        Files.getLastModifiedTime(certificate),
        Files.getLastModifiedTime(key),
        Files.size(certificate),
        Files.size(key));
  }

  @Override
  public void close() {
    watcher.shutdownNow();
  }
}
