package dev.gryt.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gryt.crds.ResourceCodec;
import dev.gryt.server.auth.RequestSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmarks' credentials: each benchmarked {@code gryt server} gets a GRYT_HOME of its own,
 * where it writes its admin API key on start; requests are signed with that key, as the CLI signs
 * them.
 */
final class BenchAuth {
  private static final AtomicLong NONCE = new AtomicLong();
  private final String keyId;
  private final String secret;

  private BenchAuth(String keyId, String secret) {
    this.keyId = keyId;
    this.secret = secret;
  }

  /** Gives the server process a fresh GRYT_HOME; returns it. */
  static Path isolate(ProcessBuilder server) throws IOException {
    Path home = Files.createTempDirectory("gryt-bench-home");
    server.environment().put("GRYT_HOME", home.toString());
    return home;
  }

  /** The admin key the server on {@code port} wrote into {@code home}. */
  static BenchAuth load(Path home, int port) throws IOException {
    JsonNode stored =
        ResourceCodec.json()
            .readTree(home.resolve("servers").resolve("127.0.0.1-" + port + ".json").toFile());
    return new BenchAuth(stored.get("api_key_id").asText(), stored.get("api_key_secret").asText());
  }

  String header(String method, String pathAndQuery, byte[] body) {
    return RequestSignature.header(
        keyId, secret, method, pathAndQuery, Instant.now().toString(), body);
  }

  /** A query parameter that makes each signature unique (the server refuses replays). */
  static String nonce() {
    return "nonce=" + NONCE.incrementAndGet();
  }
}
