/**
 * Step runners: how one pipeline step's command becomes a process on this machine, in a container
 * (podman/docker), a bubblewrap sandbox, or a plain process. Used by the agent and by {@code gryt
 * run}.
 */
package dev.gryt.agent.runner;
