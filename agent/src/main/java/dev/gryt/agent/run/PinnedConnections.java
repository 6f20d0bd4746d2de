package dev.gryt.agent.run;

import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * JGit's HTTP connections of one transport, all through a {@link dev.gryt.crds.PinnedProxy}: the
 * proxy JGit would pick (from the environment) is ignored. The operator has its twin
 * (dev.gryt.operator.git).
 */
final class PinnedConnections implements HttpConnectionFactory {
  private final HttpConnectionFactory jdk = new JDKHttpConnectionFactory();
  private final Proxy proxy;

  private PinnedConnections(Proxy proxy) {
    this.proxy = proxy;
  }

  /** Sets {@code transport} to connect through {@code proxy}; refuses any transport but HTTP. */
  static void pin(Transport transport, Proxy proxy) {
    if (!(transport instanceof TransportHttp http)) {
      throw new IllegalStateException("only http(s) remotes can be pinned");
    }
    http.setHttpConnectionFactory(new PinnedConnections(proxy));
  }

  @Override
  public HttpConnection create(URL url) throws IOException {
    return jdk.create(url, proxy);
  }

  @Override
  public HttpConnection create(URL url, Proxy ignored) throws IOException {
    return jdk.create(url, proxy);
  }
}
