package dev.gryt.cli.cloud;

/** How the reading commands print resources: {@code -o table|json|yaml}. */
enum OutputFormat {
  TABLE,
  JSON,
  YAML
}
