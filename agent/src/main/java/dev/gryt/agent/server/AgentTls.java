package dev.gryt.agent.server;

import java.nio.file.Path;

/**
 * The agent's TLS files: its certificate (chain) and key, and the CA that client certificates must
 * chain to.
 */
public record AgentTls(Path certificate, Path key, Path ca) {}
