package dev.gryt.crds.manifest;

import java.nio.charset.StandardCharsets;

/**
 * Times parsing 1,000 documents (250 of each of Pipeline, GitHubRepo, Job, Webhook, shaped like
 * examples/infra.yaml, about 190 KB) once warm. Run: {@code java -cp <test classpath>
 * dev.gryt.crds.manifest.ManifestParserBenchmark} or through {@code ManifestParserSpeedTest}.
 */
public final class ManifestParserBenchmark {
  private ManifestParserBenchmark() {}

  /** The benchmark input: 250 resources of each seed kind, each one valid and distinct. */
  public static byte[] thousandDocuments() {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 250; i++) {
      yaml.append(
          """
          ---
          apiVersion: gryt.io/v1
          kind: Pipeline
          metadata:
            name: test-and-build-%1$d
          spec:
            description: "Test and build application"
            steps:
              - name: test
                command: "go test ./..."
              - name: build
                command: "go build -o bin/app"
          ---
          apiVersion: gryt.io/v1
          kind: GitHubRepo
          metadata:
            name: my-app-repo-%1$d
          spec:
            git_url: "https://github.com/myorg/myapp-%1$d"
            branch: "main"
            is_private: true
          ---
          apiVersion: gryt.io/v1
          kind: Job
          metadata:
            name: my-app-ci-%1$d
          spec:
            description: "CI pipeline for my-app"
            pipeline_name: test-and-build-%1$d
            github_repo_name: my-app-repo-%1$d
            branch_override: "develop"
          ---
          apiVersion: gryt.io/v1
          kind: Webhook
          metadata:
            name: github-webhook-%1$d
          spec:
            description: "Trigger CI on push"
            job_name: my-app-ci-%1$d
            events: [push]
          """
              .formatted(i));
    }
    return yaml.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Best time in milliseconds over {@code runs} parses, after {@code warmup} untimed ones. */
  public static double bestMillis(byte[] input, int warmup, int runs) {
    for (int i = 0; i < warmup; i++) {
      requireValid(ManifestParser.parse("bench.yaml", input));
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      ParseResult result = ManifestParser.parse("bench.yaml", input);
      best = Math.min(best, System.nanoTime() - start);
      requireValid(result);
    }
    return best / 1e6;
  }

  private static void requireValid(ParseResult result) {
    if (!result.ok() || result.manifests().size() != 1000) {
      throw new IllegalStateException("benchmark input did not parse: " + result.problems());
    }
  }

  public static void main(String[] args) {
    byte[] input = thousandDocuments();
    double millis = bestMillis(input, 50, 50);
    System.out.printf(
        "parsed 1000 documents (%.0f KB) in %.2f ms (best of 50, warm)%n",
        input.length / 1024.0, millis);
  }
}
