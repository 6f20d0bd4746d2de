package dev.gryt.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Not a user command: {@code bin/gryt} runs this once after each build under {@code
 * -XX:ArchiveClassesAtExit}, so that the AppCDS archive holds the classes that typical client calls
 * load (picocli, the HTTP client, Jackson, the manifest parser) and later calls map them instead of
 * loading and verifying them again. It drives the real commands against an in-process stub that
 * answers in the server's wire format.
 */
public final class StartupTraining {
  private static final String MANIFEST =
      """
      apiVersion: gryt.io/v1
      kind: Pipeline
      metadata:
        name: training
      spec:
        steps:
          - name: test
            command: "true"
      """;

  private static final String RESOURCE =
      """
      {"apiVersion":"gryt.io/v1","kind":"Pipeline","id":"pipe-1",
       "metadata":{"name":"training","namespace":"default","creationTimestamp":"2026-01-01T00:00:00Z",
         "labels":{"gryt.io/id":"pipe-1"}},
       "spec":{"steps":[{"name":"test","command":"true"}]},
       "status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True"}]}}
      """;

  private static final String APPLIED =
      """
      {"dry_run":true,"results":[{"kind":"Pipeline","namespace":"default","name":"training",
        "id":"pipe-1","action":"configured",
        "diff":[{"path":"spec.steps[0].command","old":"false","new":"true"}]}]}
      """;

  private StartupTraining() {}

  public static void main(String[] args) throws IOException {
    HttpServer stub =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext("/", StartupTraining::answer);
    stub.start();
    try {
      String server = "http://127.0.0.1:" + stub.getAddress().getPort();
      List<List<String>> runs =
          List.of(
              List.of("--version"),
              List.of("cloud", "get", "pipelines", "--server", server),
              List.of("cloud", "get", "pipeline", "training", "-o", "yaml", "--server", server),
              List.of("cloud", "get", "pipeline", "training", "-o", "json", "--server", server),
              List.of("cloud", "apply", "-f", "-", "--server", server),
              List.of("cloud", "diff", "-f", "-", "--server", server),
              List.of("cloud", "delete", "pipeline", "training", "--server", server),
              List.of("cloud", "get", "pipelines", "--server", "http://127.0.0.1:1"));
      for (List<String> run : runs) {
        CliEnvironment environment =
            new CliEnvironment(
                System.getenv(),
                Path.of(System.getProperty("user.home")),
                Path.of("").toAbsolutePath(),
                new ByteArrayInputStream(MANIFEST.getBytes(StandardCharsets.UTF_8)),
                Clock.systemUTC());
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        Main.newCommandLine(environment)
            .setOut(sink)
            .setErr(sink)
            .execute(run.toArray(String[]::new));
      }
      trainLocalCommands();
    } finally {
      stub.stop(0);
    }
  }

  /** The local-first commands on a throwaway project: SQLite, the generation file, the tables. */
  private static void trainLocalCommands() throws IOException {
    Path project = java.nio.file.Files.createTempDirectory("gryt-training");
    try {
      java.util.Map<String, String> variables = new java.util.HashMap<>(System.getenv());
      variables.put("GRYT_HOME", project.resolve("home").toString());
      List<List<String>> runs =
          List.of(
              List.of("init"),
              List.of("generation", "new", "0.1.0", "-d", "training"),
              List.of("generation", "update", "0.1.0"),
              List.of("generation", "list"),
              List.of("generation", "show", "0.1.0"),
              List.of("evolution", "list", "0.1.0"),
              List.of("config", "list"),
              List.of("sync", "status"),
              List.of("generation", "show", "9.9.9"));
      for (List<String> run : runs) {
        CliEnvironment environment =
            new CliEnvironment(
                variables,
                project,
                project,
                new ByteArrayInputStream(new byte[0]),
                Clock.systemUTC());
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        Main.newCommandLine(environment)
            .setOut(sink)
            .setErr(sink)
            .execute(run.toArray(String[]::new));
      }
    } finally {
      try (var files = java.nio.file.Files.walk(project)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String data;
    if ("POST".equals(exchange.getRequestMethod())) {
      data = APPLIED;
    } else if ("DELETE".equals(exchange.getRequestMethod())) {
      data =
          "{\"kind\":\"Pipeline\",\"name\":\"training\",\"id\":\"pipe-1\",\"action\":\"deleted\"}";
    } else if (path.endsWith("/pipelines")) {
      data = "{\"items\":[" + RESOURCE + "]}";
    } else {
      data = RESOURCE;
    }
    byte[] body =
        ("{\"status\":\"success\",\"message\":\"ok\",\"data\":" + data + "}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getRequestBody().readAllBytes();
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
