package dev.gryt.agent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A private repository over git's smart HTTP protocol (v0), as GitHub serves one: every request
 * needs HTTP Basic credentials with the right password (the token), else 401. Made of a JDK HTTP
 * server and JGit's UploadPack; records the user names it was sent.
 */
public final class AuthenticatedGitServer implements AutoCloseable {
  private final HttpServer server;
  private final Repository repository;
  private final String token;
  private final List<String> users = new CopyOnWriteArrayList<>();

  public AuthenticatedGitServer(Repository repository, String token) throws IOException {
    this.repository = repository;
    this.token = token;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/repo.git/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/repo.git";
  }

  public List<String> users() {
    return List.copyOf(users);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Basic ")) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String[] credentials =
          new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8)
              .split(":", 2);
      users.add(credentials[0]);
      if (credentials.length < 2 || !credentials[1].equals(token)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.endsWith("/info/refs")) {
        exchange
            .getResponseHeaders()
            .add("Content-Type", "application/x-git-upload-pack-advertisement");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        PacketLineOut packets = new PacketLineOut(out);
        packets.writeString("# service=git-upload-pack\n");
        packets.end();
        UploadPack pack = uploadPack(exchange);
        pack.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(packets));
        out.flush();
      } else if (path.endsWith("/git-upload-pack")) {
        exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
        exchange.sendResponseHeaders(200, 0);
        UploadPack pack = uploadPack(exchange);
        // the whole request first: UploadPack drains its input to the end before it is done
        java.io.InputStream body = exchange.getRequestBody();
        if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
          body = new java.util.zip.GZIPInputStream(body);
        }
        byte[] request = body.readAllBytes();
        pack.upload(new java.io.ByteArrayInputStream(request), exchange.getResponseBody(), null);
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }

  /** Stateless, speaking protocol v2 when the client asks for it (as JGit and git do). */
  private UploadPack uploadPack(HttpExchange exchange) {
    UploadPack pack = new UploadPack(repository);
    pack.setBiDirectionalPipe(false);
    String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
    if (protocol != null) {
      pack.setExtraParameters(List.of(protocol.split(":")));
    }
    return pack;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
